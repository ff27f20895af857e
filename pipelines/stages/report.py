"""The report stage: the reports built from the marts into the run folder."""

from __future__ import annotations

from pipelines.context import RunContext
from pipelines.manifest import build_manifest
from reports.build import build_reports


def report_stage(ctx: RunContext) -> None:
    """The nightly run's report stage: build every report into the run folder."""
    result = build_reports(ctx.warehouse, ctx.run_dir, build_manifest(ctx, "publishing"))
    ctx.outputs.update(result.outputs)
    ctx.warnings.extend(result.warnings)
    for warning in result.warnings:
        ctx.reporter.warn(warning)
    for name, seconds in result.seconds.items():
        size = result.bytes.get(name)
        mb = f", {size / 1e6:.1f} MB" if size is not None else ""
        ctx.reporter.step(f"{name}: {seconds:.2f}s{mb}")

"""The report stage: the reports built from the marts into the run folder."""

from __future__ import annotations

from pipelines.context import RunContext
from pipelines.manifest import build_manifest

#: What the report stage imports (pandas, plotly, Jinja2: half a second);
#: the run imports it in the background while it ingests (``warm_up``).
REPORT_MODULE = "reports.build"


def prepare_report(ctx: RunContext) -> None:
    """While the checks run: the leadership report and its PDF (the reports' slowest part).

    The marts are final once the transform has built them; the report stage
    takes what was made if the checks added nothing to the report's header
    (``reports.build.LeadershipAhead``), and nothing is kept if they fail.
    """
    from reports.build import LeadershipAhead

    ctx.prepared["leadership"] = LeadershipAhead(
        ctx.run_dir, build_manifest(ctx, "running"), ctx.connection
    ).start()


def report_stage(ctx: RunContext) -> None:
    """The nightly run's report stage: build every report into the run folder."""
    from reports.build import build_reports

    result = build_reports(
        ctx.warehouse,
        ctx.run_dir,
        build_manifest(ctx, "publishing"),
        con=ctx.connection(),
        ahead=ctx.prepared.pop("leadership", None),
    )
    ctx.outputs.update(result.outputs)
    ctx.warnings.extend(result.warnings)
    for warning in result.warnings:
        ctx.reporter.warn(warning)
    for name, seconds in result.seconds.items():
        size = result.bytes.get(name)
        mb = f", {size / 1e6:.1f} MB" if size is not None else ""
        ctx.reporter.step(f"{name}: {seconds:.2f}s{mb}")

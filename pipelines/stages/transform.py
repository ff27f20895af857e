"""The transform stage: dbt builds and tests every model; kpis.json and the docs site follow."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.context import RunContext
from pipelines.errors import PipelineError
from pipelines.paths import project_dir
from pipelines.targets import (
    HANDED_OVER_SCHEMAS,
    TargetSession,
    open_target,
    relations_read_downstream,
)
from pipelines.transform.dbt_cache import dbt_cache
from pipelines.warehouse import connect

if TYPE_CHECKING:
    from pipelines.transform.dbt_runner import DbtResult


def transform_stage(ctx: RunContext) -> None:
    """Build every dbt model and test; write kpis.json and the dbt docs site."""
    kpis_stage(ctx)
    docs_stage(ctx)


def kpis_stage(ctx: RunContext) -> None:
    """Build every dbt model and test and write kpis.json (no docs: calibration uses it).

    The unit tests run when this version of the project has not passed them yet
    (``pipelines/transform/dbt_cache.py``): they test the models' code, not the data.
    """
    from pipelines.transform.dbt_runner import build
    from pipelines.transform.kpis_json import write_kpis_json

    target = ctx.run_dir / "dbt"
    cache = dbt_cache(ctx.target, project_dir(), ctx.dbt_target)
    unit_tests = not cache.unit_tests_passed()
    if not unit_tests:
        ctx.reporter.step(
            f"dbt unit tests: skipped, they passed for this version of the project "
            f"({cache.fingerprint}) on an earlier night"
        )
    session = _hand_over(ctx) if ctx.dbt_target != "duckdb" else None
    started = time.perf_counter()
    try:
        result = build(
            project_dir(),
            ctx.warehouse,
            ctx.as_of,
            target,
            ctx.reporter.step,
            unit_tests=unit_tests,
            dbt_target=ctx.dbt_target,
        )
        ctx.dbt_result = result
        _check_build(ctx, result)
        if unit_tests:
            cache.record_unit_tests_passed()
        ctx.stage_seconds["transform.dbt_build"] = time.perf_counter() - started
        started = time.perf_counter()
        if session is None:
            con = connect(ctx.warehouse)
            try:
                write_kpis_json(con, ctx.run_dir / "kpis.json", ctx.as_of)
            finally:
                con.close()
        else:
            session.write_kpis_json(ctx.run_dir / "kpis.json", ctx.as_of)
        ctx.outputs["kpis"] = "kpis.json"
        ctx.stage_seconds["transform.kpis_json"] = time.perf_counter() - started
        if session is not None:
            _copy_back(ctx, session, target / "target" / "manifest.json")
    finally:
        if session is not None:
            session.close()


def _check_build(ctx: RunContext, result: DbtResult) -> None:
    """Raise when dbt failed or left a model unbuilt; warn when only the display failed."""
    if result.callback_errors:
        ctx.warnings.append(
            f"the progress display failed {len(result.callback_errors)} time(s) during dbt "
            f"(first: {result.callback_errors[0]}); the build itself was not affected"
        )
    unbuilt = result.unbuilt_models
    if result.error or unbuilt:
        # A failing test on an intermediate model or mart skips everything
        # downstream: the marts would be stale, so nothing may be published.
        # The message names the first real error, not the nodes skipped after it.
        raise PipelineError(result.failure_message())


def _hand_over(ctx: RunContext) -> TargetSession:
    """Connect to the run's target and give it the raw schema and the kept snapshot."""
    started = time.perf_counter()
    session = open_target(ctx.dbt_target, ctx.target)
    try:
        counts = session.hand_over(ctx.warehouse)
    except BaseException:
        session.close()
        raise
    ctx.reporter.step(
        f"{ctx.dbt_target}: handed over {len(counts)} tables, {sum(counts.values()):,} rows "
        f"({', '.join(HANDED_OVER_SCHEMAS)}) in {time.perf_counter() - started:.1f} s"
    )
    ctx.stage_seconds["transform.hand_over"] = time.perf_counter() - started
    return session


def _copy_back(ctx: RunContext, session: TargetSession, manifest: Path) -> None:
    """Bring what the checks and reports read back into the run's DuckDB warehouse."""
    started = time.perf_counter()
    counts = session.copy_back(ctx.warehouse, relations_read_downstream(manifest))
    ctx.reporter.step(
        f"{ctx.dbt_target}: copied back {len(counts)} relations, {sum(counts.values()):,} rows "
        f"for the checks and reports in {time.perf_counter() - started:.1f} s"
    )
    ctx.stage_seconds["transform.copy_back"] = time.perf_counter() - started


def docs_stage(ctx: RunContext) -> None:
    """Generate the dbt docs site of the built warehouse (a warning when it fails)."""
    from pipelines.transform.dbt_runner import docs

    target = ctx.run_dir / "dbt"
    started = time.perf_counter()
    cache = dbt_cache(ctx.target, project_dir(), ctx.dbt_target)
    site = cache.docs()
    if site is not None:
        ctx.reporter.step(f"dbt docs: the project is unchanged ({cache.fingerprint}), reused")
    else:
        try:
            site = docs(
                project_dir(), ctx.warehouse, ctx.as_of, target, ctx.reporter.step, ctx.dbt_target
            )
        except Exception as exc:  # docs are useful, not essential: warn, keep going
            ctx.warnings.append(f"dbt docs were not generated: {exc}")
            return
        cache.store_docs(site)
    (ctx.run_dir / "dbt_docs.html").write_bytes(site.read_bytes())
    ctx.stage_seconds["transform.dbt_docs"] = time.perf_counter() - started
    ctx.outputs["dbt_docs"] = "dbt_docs.html"

"""The transform stage: dbt builds and tests every model; kpis.json and the docs site follow."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.context import RunContext
from pipelines.errors import PipelineError
from pipelines.paths import project_dir
from pipelines.targets import (
    HANDED_OVER_SCHEMAS,
    TargetSession,
    open_target,
    relations_read_downstream,
)
from pipelines.transform.dbt_cache import DbtCache, dbt_cache

if TYPE_CHECKING:
    from pipelines.transform.plan import Plan
    from pipelines.transform.results import DbtResult


def transform_stage(ctx: RunContext) -> None:
    """Build every dbt model and test; write kpis.json and the dbt docs site."""
    kpis_stage(ctx)
    docs_stage(ctx)


def kpis_stage(ctx: RunContext) -> None:
    """Build every dbt model and test and write kpis.json (no docs: calibration uses it).

    While the project is unchanged since a night whose ``dbt build`` and unit
    tests passed, its compiled plan runs instead of dbt
    (``pipelines/transform/plan.py``); otherwise ``dbt build`` runs, with the
    unit tests when this version of the project has not passed them yet
    (``pipelines/transform/dbt_cache.py``), and leaves the plan for the next
    nights. ``--dbt-build`` (``ctx.force_dbt_build``) always runs dbt.
    """
    cache = dbt_cache(ctx.target, project_dir(), ctx.dbt_target)
    plan = None
    if ctx.dbt_target == "duckdb" and not ctx.force_dbt_build:
        plan = cache.plan(database=ctx.warehouse.stem)
    if plan is not None:
        _run_plan(ctx, cache, plan)
    else:
        _run_dbt(ctx, cache)


def _run_plan(ctx: RunContext, cache: DbtCache, plan: Plan) -> None:
    """Run the compiled plan of the unchanged project in the run's connection; write kpis.json."""
    from pipelines.transform.executor import execute
    from pipelines.transform.kpis_json import write_kpis_json

    ctx.reporter.step(
        f"dbt: the project is unchanged ({cache.fingerprint}) and passed its unit tests; "
        f"running the {len(plan.nodes)} nodes dbt compiled for it, without dbt "
        "(--dbt-build runs dbt itself)"
    )
    started = time.perf_counter()
    con = ctx.connection()
    # Rows in no particular order while the models build (every model orders
    # what it must); ingestion, before, needs file order.
    con.execute("set preserve_insertion_order = false")
    try:
        result = execute(
            con, plan, cache.seeds_dir, ctx.reporter.step, ctx.run_dir / "dbt" / "target"
        )
    finally:
        con.execute("reset preserve_insertion_order")
    ctx.dbt_result = result
    ctx.reporter.step(result.summary())
    _check_build(ctx, result)
    ctx.stage_seconds["transform.dbt_build"] = time.perf_counter() - started
    started = time.perf_counter()
    write_kpis_json(con, ctx.run_dir / "kpis.json", ctx.as_of)
    _kpis_written(ctx)
    ctx.outputs["kpis"] = "kpis.json"
    ctx.stage_seconds["transform.kpis_json"] = time.perf_counter() - started


def _run_dbt(ctx: RunContext, cache: DbtCache) -> None:
    """``dbt build`` on the run's target; write kpis.json; keep the plan when on DuckDB."""
    from pipelines.transform.dbt_runner import build
    from pipelines.transform.kpis_json import write_kpis_json

    target = ctx.run_dir / "dbt"
    unit_tests = not cache.unit_tests_passed()
    if not unit_tests:
        ctx.reporter.step(
            f"dbt unit tests: skipped, they passed for this version of the project "
            f"({cache.fingerprint}) on an earlier night"
        )
    # dbt opens the warehouse itself: the run's connection must be closed
    ctx.close_connection()
    session = _hand_over(ctx) if ctx.dbt_target != "duckdb" else None
    started = time.perf_counter()
    try:
        result = build(
            project_dir(),
            ctx.warehouse,
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
            con = ctx.connection()
            write_kpis_json(con, ctx.run_dir / "kpis.json", ctx.as_of)
            _kpis_written(ctx)
            _keep_plan(ctx, cache, con, target / "target" / "manifest.json")
        else:
            session.write_kpis_json(ctx.run_dir / "kpis.json", ctx.as_of)
            _kpis_written(ctx)
        ctx.outputs["kpis"] = "kpis.json"
        ctx.stage_seconds["transform.kpis_json"] = time.perf_counter() - started
        if session is not None:
            _copy_back(ctx, session, target / "target" / "manifest.json")
    finally:
        if session is not None:
            session.close()


def _keep_plan(
    ctx: RunContext, cache: DbtCache, con: duckdb.DuckDBPyConnection, manifest: Path
) -> None:
    """Keep the build's compiled plan for the next nights (a warning when it cannot be)."""
    from pipelines.transform.plan import PlanUnsupported, plan_from_manifest

    if not cache.unit_tests_passed():
        return
    try:
        plan = plan_from_manifest(manifest, cache.fingerprint)
        cache.store_plan(plan, con)
    except PlanUnsupported as exc:
        ctx.reporter.step(f"dbt: the next nights run dbt build too: {exc}")
        return
    except (OSError, duckdb.Error) as exc:  # the plan saves time; the night does not need it
        ctx.warnings.append(f"the compiled plan was not kept for the next nights: {exc}")
        return
    ctx.reporter.step(
        f"dbt: kept the compiled plan of this version of the project ({len(plan.nodes)} nodes); "
        "the next nights run it without dbt while the project is unchanged"
    )


def _kpis_written(ctx: RunContext) -> None:
    """Record how long the run took to kpis.json, from its first stage (the benchmark's figure)."""
    if ctx.stages_started is not None:
        ctx.stage_seconds["up_to_kpis_json"] = time.perf_counter() - ctx.stages_started


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
    target = ctx.run_dir / "dbt"
    started = time.perf_counter()
    cache = dbt_cache(ctx.target, project_dir(), ctx.dbt_target)
    site = cache.docs()
    if site is not None:
        ctx.reporter.step(f"dbt docs: the project is unchanged ({cache.fingerprint}), reused")
    else:
        from pipelines.transform.dbt_runner import docs  # dbt itself: 2 s to import

        try:
            site = docs(project_dir(), ctx.warehouse, target, ctx.reporter.step, ctx.dbt_target)
        except Exception as exc:  # docs are useful, not essential: warn, keep going
            ctx.warnings.append(f"dbt docs were not generated: {exc}")
            return
        cache.store_docs(site)
    (ctx.run_dir / "dbt_docs.html").write_bytes(site.read_bytes())
    ctx.stage_seconds["transform.dbt_docs"] = time.perf_counter() - started
    ctx.outputs["dbt_docs"] = "dbt_docs.html"

"""The quality stages of the nightly run (wired into ``pipelines.run.default_stages``).

    ingest -> check_sources_stage -> transform (dbt) -> check_marts_stage -> ...

Each stage evaluates its suites in the warehouse, stores every result in
``audit.check_results``, appends them to ``ctx.checks`` (the manifest),
rewrites ``quality/results.json`` in the run folder and, for failed warning
checks, adds a line to ``ctx.warnings`` (every report shows them). A failed
critical check raises :class:`PipelineError` naming it, after the results and
the Data Docs are written, so the failed run folder documents why it failed
and nothing new is published.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import PipelineError
from pipelines.quality.audit_store import store_kpi_sources, store_results
from pipelines.quality.config import load_config
from pipelines.quality.dbt_tests import dbt_test_results
from pipelines.quality.drift import (
    Baseline,
    headcount,
    load_baseline,
    mart_drift_suites,
    source_drift_suites,
    temp_table,
)
from pipelines.quality.results import CheckResult, run_suite, write_results_json
from pipelines.quality.suites import Suite, load_suites
from pipelines.run import RunContext
from pipelines.warehouse import connect

RESULTS_FILE = Path("quality") / "results.json"
DATA_DOCS_DIR = Path("quality") / "data_docs"
#: How many failing checks the one-line error names before "and N more".
NAMED_IN_ERROR = 3


def _evaluate(con: duckdb.DuckDBPyConnection, suites: list[Suite], stage: str) -> list[CheckResult]:
    return [r for suite in suites for r in run_suite(con, suite, stage)]


def _baseline(ctx: RunContext) -> Baseline | None:
    """The previous publication, loaded once per run."""
    if "quality_baseline" not in ctx.extra:
        ctx.extra["quality_baseline"] = load_baseline(ctx.out)
    baseline: Baseline | None = ctx.extra["quality_baseline"]
    return baseline


def check_sources_stage(ctx: RunContext) -> None:
    """After ingestion, before dbt: the contract suites, load reconciliation, volume drift."""
    config = load_config()
    baseline = _baseline(ctx)
    rows_read = {load.source: load.rows_read for load in ctx.loads}
    con = connect(ctx.warehouse)
    try:
        suites = load_suites("sources")
        if baseline is not None:
            suites += source_drift_suites(con, rows_read, baseline, config)
        results = _evaluate(con, suites, "sources")
        store_results(con, ctx.run_id, ctx.as_of, "sources", results)
    finally:
        con.close()
    _conclude(ctx, "sources", results, {"rows_read": rows_read}, final=False)


def check_marts_stage(ctx: RunContext) -> None:
    """After dbt: the mart suites, staging reconciliation, headcount and KPI drift, dbt tests."""
    config = load_config()
    baseline = _baseline(ctx)
    kpis_file = ctx.run_dir / "kpis.json"
    kpis = json.loads(kpis_file.read_text())["kpis"] if kpis_file.exists() else []
    con = connect(ctx.warehouse)
    try:
        current_headcount = headcount(con)
        _load_published_kpis(con, kpis)
        suites = load_suites("marts")
        if baseline is not None:
            suites += mart_drift_suites(con, current_headcount, kpis, baseline, config)
        results = _evaluate(con, suites, "marts")
        # dbt_runner puts dbt's target folder under the transform stage's run_dir/dbt.
        results += dbt_test_results(ctx.extra.get("dbt_result"), ctx.run_dir / "dbt" / "target")
        store_results(con, ctx.run_id, ctx.as_of, "marts", results)
        try:
            ctx.extra["quality_kpi_sources"] = store_kpi_sources(con, ctx.run_id, ctx.as_of)
        except duckdb.Error as exc:  # the trail is also in the manifest: warn, do not block
            ctx.warnings.append(f"KPI lineage not recorded: {str(exc).splitlines()[0]}")
    finally:
        con.close()
    _conclude(ctx, "marts", results, {"headcount": current_headcount}, final=True)


def _load_published_kpis(con: duckdb.DuckDBPyConnection, kpis: list[dict[str, Any]]) -> None:
    """kpis.json as rows, for the suite that compares it with kpi_summary."""
    rows = []
    for k in kpis:
        group = k.get("group") or {}
        attribute, value = next(iter(group.items())) if group else (None, None)
        rows.append(
            (k["kpi"], attribute, value, k["value"], k["n"], k["suppressed"], k["unavailable"])
        )
    temp_table(
        con,
        "quality_published_kpis",
        "kpi varchar, group_attribute varchar, group_value varchar, value double, n bigint, "
        "suppressed boolean, unavailable varchar",
        rows,
    )


def _conclude(
    ctx: RunContext, stage: str, results: list[CheckResult], metrics: dict[str, Any], final: bool
) -> None:
    """Record a stage's results everywhere; raise if a critical check failed."""
    all_results: list[CheckResult] = ctx.extra.setdefault("quality_results", [])
    all_results += results
    all_metrics: dict[str, Any] = ctx.extra.setdefault("quality_metrics", {})
    all_metrics.update(metrics)
    baseline = _baseline(ctx)
    all_metrics["baseline_run_id"] = baseline.run_id if baseline else None
    ctx.checks.extend(r.manifest_entry() for r in results)

    failed = [r for r in results if r.failed]
    blocking = [r for r in failed if r.blocking]
    ctx.reporter.step(
        f"{stage}: {len(results)} checks, {len(results) - len(failed)} passed, "
        f"{len(failed) - len(blocking)} warnings, {len(blocking)} critical failures"
    )
    for r in failed:
        if not r.blocking:
            ctx.warnings.append(f"check failed (warning): {r.message()}")

    write_results_json(
        ctx.run_dir / RESULTS_FILE,
        ctx.run_id,
        ctx.as_of.isoformat(),
        all_results,
        all_metrics,
        ctx.extra.get("quality_kpi_sources", {}),
    )
    ctx.outputs["quality_results"] = RESULTS_FILE.as_posix()
    if final or blocking:
        _data_docs(ctx, all_results)
    if blocking:
        named = "; ".join(r.message() for r in blocking[:NAMED_IN_ERROR])
        more = len(blocking) - NAMED_IN_ERROR
        tail = f"; and {more} more" if more > 0 else ""
        count = (
            "critical check failed"
            if len(blocking) == 1
            else f"{len(blocking)} critical checks failed"
        )
        raise PipelineError(f"{count}: {named}{tail} (all results: {ctx.run_dir / RESULTS_FILE})")


def _data_docs(ctx: RunContext, results: list[CheckResult]) -> None:
    """Build the Data Docs; a rendering problem is a warning, never a lost run."""
    from pipelines.quality.data_docs import build_data_docs

    try:
        build_data_docs(ctx.run_dir / DATA_DOCS_DIR, ctx.run_id, results)
    except Exception as exc:  # GX rendering is presentation: the results are already stored
        ctx.warnings.append(f"GX Data Docs were not built: {type(exc).__name__}: {exc}")
        return
    ctx.outputs["data_docs"] = (DATA_DOCS_DIR / "index.html").as_posix()

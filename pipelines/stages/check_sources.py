"""The check_sources stage: after ingestion, before dbt, the source suites gate the run."""

from __future__ import annotations

from pipelines.context import RunContext
from pipelines.quality.audit_store import store_results
from pipelines.quality.config import load_config
from pipelines.quality.drift import source_drift_suites
from pipelines.quality.suites import load_suites
from pipelines.stages.quality_gate import baseline_of, conclude, evaluate


def check_sources_stage(ctx: RunContext) -> None:
    """After ingestion, before dbt: the contract suites, load reconciliation, volume drift."""
    config = load_config()
    baseline = baseline_of(ctx)
    rows_read = {load.source: load.rows_read for load in ctx.loads}
    con = ctx.connection()
    suites = load_suites("sources")
    if baseline is not None:
        suites += source_drift_suites(con, rows_read, baseline, config)
    results = evaluate(con, suites, "sources")
    store_results(con, ctx.run_id, ctx.as_of, "sources", results)
    conclude(ctx, "sources", results, {"rows_read": rows_read}, final=False)

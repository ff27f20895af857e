"""The check_marts stage: after dbt, the mart suites, drift and dbt's tests gate the run."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from pipelines.context import RunContext
from pipelines.quality.audit_store import store_kpi_sources, store_results
from pipelines.quality.config import load_config
from pipelines.quality.dbt_tests import dbt_test_results
from pipelines.quality.drift import headcount, mart_drift_suites, temp_table
from pipelines.quality.suites import load_suites
from pipelines.stages.quality_gate import baseline_of, conclude, evaluate


def check_marts_stage(ctx: RunContext) -> None:
    """After dbt: the mart suites, staging reconciliation, headcount and KPI drift, dbt tests."""
    config = load_config()
    baseline = baseline_of(ctx)
    kpis_file = ctx.run_dir / "kpis.json"
    kpis = json.loads(kpis_file.read_text())["kpis"] if kpis_file.exists() else []
    con = ctx.connection()
    current_headcount = headcount(con)
    _load_published_kpis(con, kpis)
    suites = load_suites("marts")
    if baseline is not None:
        suites += mart_drift_suites(con, current_headcount, kpis, baseline, config)
    results = evaluate(con, suites, "marts")
    # dbt_runner puts dbt's target folder under the transform stage's run_dir/dbt.
    results += dbt_test_results(ctx.dbt_result, ctx.run_dir / "dbt" / "target")
    store_results(con, ctx.run_id, ctx.as_of, "marts", results)
    try:
        ctx.kpi_sources = store_kpi_sources(con, ctx.run_id, ctx.as_of)
    except duckdb.Error as exc:  # the trail is also in the manifest: warn, do not block
        ctx.warnings.append(f"KPI lineage not recorded: {str(exc).splitlines()[0]}")
    conclude(ctx, "marts", results, {"headcount": current_headcount}, final=True)


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

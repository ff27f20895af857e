"""Stages after ingestion: dbt transform (+ kpis.json, docs)."""

from __future__ import annotations

import time

from pipelines.errors import PipelineError
from pipelines.run import PROJECT_DIR, RunContext
from pipelines.warehouse import connect


def transform_stage(ctx: RunContext) -> None:
    """Build every dbt model and test; write kpis.json and the dbt docs site."""
    from pipelines.transform.dbt_runner import build, docs
    from pipelines.transform.kpis_json import write_kpis_json

    target = ctx.run_dir / "dbt"
    started = time.perf_counter()
    result = build(PROJECT_DIR, ctx.warehouse, ctx.as_of, target, ctx.reporter.step)
    ctx.extra["dbt_result"] = result
    unbuilt = result.unbuilt_models
    if result.error or unbuilt:
        # A failing test on an intermediate model or mart skips everything
        # downstream: the marts would be stale, so nothing may be published.
        names = ", ".join(n.name for n in unbuilt[:5])
        failed_tests = ", ".join(
            n.name for n in result.failed_nodes if n.resource_type in ("test", "unit_test")
        )
        raise PipelineError(
            f"dbt could not build {len(unbuilt)} model(s) ({names})"
            + (f" after failing tests: {failed_tests}" if failed_tests else "")
            + (f": {result.error}" if result.error else "")
        )
    ctx.stage_seconds["transform.dbt_build"] = time.perf_counter() - started
    started = time.perf_counter()
    con = connect(ctx.warehouse)
    try:
        write_kpis_json(con, ctx.run_dir / "kpis.json", ctx.as_of)
    finally:
        con.close()
    ctx.outputs["kpis"] = "kpis.json"
    ctx.stage_seconds["transform.kpis_json"] = time.perf_counter() - started
    started = time.perf_counter()
    try:
        site = docs(PROJECT_DIR, ctx.warehouse, ctx.as_of, target, ctx.reporter.step)
    except Exception as exc:  # docs are useful, not essential: warn, keep going
        ctx.warnings.append(f"dbt docs were not generated: {exc}")
        return
    (ctx.run_dir / "dbt_docs.html").write_bytes(site.read_bytes())
    ctx.stage_seconds["transform.dbt_docs"] = time.perf_counter() - started
    ctx.outputs["dbt_docs"] = "dbt_docs.html"

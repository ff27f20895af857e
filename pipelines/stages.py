"""Stages after ingestion: dbt transform (+ kpis.json, docs)."""

from __future__ import annotations

from pipelines.errors import PipelineError
from pipelines.run import PROJECT_DIR, RunContext
from pipelines.warehouse import connect


def transform_stage(ctx: RunContext) -> None:
    """Build every dbt model and test; write kpis.json and the dbt docs site."""
    from pipelines.transform.dbt_runner import build, docs
    from pipelines.transform.kpis_json import write_kpis_json

    target = ctx.run_dir / "dbt"
    result = build(PROJECT_DIR, ctx.warehouse, ctx.as_of, target, ctx.reporter.step)
    ctx.extra["dbt_result"] = result
    failed = [n for n in result.nodes if n.status in ("error", "fail")]
    models_failed = [n for n in failed if n.resource_type in ("model", "seed", "snapshot")]
    if models_failed:
        names = ", ".join(n.name for n in models_failed[:5])
        raise PipelineError(f"dbt could not build {len(models_failed)} model(s): {names}")
    ctx.extra["dbt_failed_tests"] = [n for n in failed if n not in models_failed]
    con = connect(ctx.warehouse)
    try:
        write_kpis_json(con, ctx.run_dir / "kpis.json", ctx.as_of)
    finally:
        con.close()
    ctx.outputs["kpis"] = "kpis.json"
    try:
        site = docs(PROJECT_DIR, ctx.warehouse, ctx.as_of, target, ctx.reporter.step)
    except Exception as exc:  # docs are useful, not essential: warn, keep going
        ctx.warnings.append(f"dbt docs were not generated: {exc}")
        return
    (ctx.run_dir / "dbt_docs.html").write_bytes(site.read_bytes())
    ctx.outputs["dbt_docs"] = "dbt_docs.html"

"""The ingest stage: every source file of the drop into the raw schema, bad rows quarantined."""

from __future__ import annotations

from pipelines.context import RunContext
from pipelines.contract import LOAD_ORDER
from pipelines.failpoints import failpoint
from pipelines.ingest.loader import load_drop


def ingest_stage(ctx: RunContext) -> None:
    """Load every source file of the drop into the raw schema."""
    con = ctx.connection()
    names = [name for name in LOAD_ORDER if name in ctx.drop.files]

    def loaded(source: str) -> None:
        ctx.reporter.step(f"{names.index(source) + 1} of {len(names)} loading {source}")
        failpoint("ingest.source")

    ctx.loads = load_drop(con, ctx.drop, ctx.run_id, on_source=loaded, sha256=ctx.source_files)
    for load in ctx.loads:
        ctx.reporter.step(
            f"{load.source}: {load.rows_read} read, {load.rows_accepted} accepted, "
            f"{load.rows_quarantined} quarantined"
        )
    for name in ctx.drop.unknown_files:
        ctx.warnings.append(f"{ctx.drop.folder / name}: not a contract source, not read")

"""``mentorship mapping check``: what a mapping would load from a drop, writing nothing.

The real loader runs on an in-memory DuckDB (no warehouse file, no run
folder), so what the check reports is exactly what a run would load: per
source and file, the contract columns fed and by what, the input columns
ignored, the first rows as they would load and the rows that would be
quarantined, counted by kind of reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from pipelines.contract import LINEAGE_COLUMNS
from pipelines.inbox import Drop, resolve_drop
from pipelines.ingest.loader import SourceLoad, load_plan
from pipelines.mapping.plan import FeedPlan, plan_drop
from pipelines.mapping.spec import Mapping, load_mapping

FIRST_ROWS = 5


@dataclass
class SourceCheck:
    """One (source, file) pair as the mapping would load it."""

    load: SourceLoad
    fed: list[tuple[str, str]]
    not_fed: list[str]
    first_rows: list[tuple[object, ...]]
    columns: list[str]
    #: (column, kind of reason, rows, first line, its reason)
    reasons: list[tuple[str | None, str, int, int, str]] = field(default_factory=list)


@dataclass
class MappingCheck:
    mapping: Mapping
    drop: Drop
    sources: list[SourceCheck]
    unknown_files: tuple[str, ...]


def _fed(feed: FeedPlan) -> tuple[list[tuple[str, str]], list[str]]:
    rule = feed.input.date_rule
    fed = []
    for plan in feed.columns:
        text = plan.feed.describe()
        if plan.column.type == "date" and plan.feed.kind == "column" and rule:
            text += f" (dates {rule.describe()})"
        fed.append((plan.column.name, text))
    for name, input_name in feed.spec.personal_inputs.items() if feed.spec else []:
        fed.append((name, f"column {input_name}: personal data, dropped"))
    names = {c for c, _ in fed}
    not_fed = [c.name for c in feed.source.columns if c.name not in names]
    return fed, not_fed


def check_mapping(mapping_file: Path, inbox: Path, as_of: date | None = None) -> MappingCheck:
    """Plan and load the drop with the mapping into memory; report what would load."""
    mapping = load_mapping(mapping_file)
    drop = resolve_drop(Path(inbox), as_of, mapping=mapping)
    plan = plan_drop(drop.folder, mapping, drop.as_of)
    con = duckdb.connect()
    try:
        loads = load_plan(con, plan, "mapping-check")
        feeds = {(f.source.name, str(f.input.path)): f for fs in plan.feeds.values() for f in fs}
        out = []
        for load in loads:
            fed, not_fed = _fed(feeds[(load.source, load.file)])
            relation = con.execute(
                f"select * exclude ({', '.join(LINEAGE_COLUMNS)}) from raw.{load.source} "
                f"where _source_file = ? order by _line_number limit {FIRST_ROWS}",
                [load.file],
            )
            rows = relation.fetchall()
            columns = [d[0] for d in relation.description]
            reasons = con.execute(
                """
                select column_name,
                       regexp_replace(regexp_replace(reason, '''[^'']*''', '''…''', 'g'),
                                      'line [0-9]+', 'line …', 'g') as kind,
                       count(*),
                       min(line_number),
                       arg_min(reason, line_number)
                from raw.quarantine where source = ? and source_file = ?
                group by column_name, kind order by count(*) desc, kind
                """,
                [load.source, load.file],
            ).fetchall()
            out.append(SourceCheck(load, fed, not_fed, rows, columns, reasons))
    finally:
        con.close()
    return MappingCheck(mapping, drop, out, plan.unknown_files)

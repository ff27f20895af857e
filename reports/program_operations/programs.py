"""Programs: each program's funnel counts and matches, small programs withheld."""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from reports.formatting import format_count
from reports.page import Column, paragraph, table, unavailable_note
from reports.privacy import SUPPRESSED_NOTE, SUPPRESSED_TEXT


def programs(programs: pd.DataFrame) -> list[Markup]:
    """One row per program started on or before the as-of date."""
    if programs.empty:
        return [unavailable_note("no program has started on or before the as-of date")]

    def count_or_unknown(v: object) -> str:
        return "not exported" if v is None or pd.isna(v) else format_count(v)  # type: ignore[arg-type]

    def counts(r: Any) -> list[str]:
        if r.is_suppressed:
            return [SUPPRESSED_TEXT] * 8
        return [
            count_or_unknown(r.n_enrolled),
            format_count(r.n_matched),
            format_count(r.n_active),
            count_or_unknown(r.n_completed),
            count_or_unknown(r.n_withdrawn),
            format_count(r.n_matches),
            format_count(r.n_active_matches),
            format_count(r.n_at_risk_matches),
        ]

    rows = [
        [
            str(r.program_id),
            str(r.program_name),
            str(r.program_type),
            str(r.start_date)[:10],
            "" if pd.isna(r.end_date) else str(r.end_date)[:10],
            *counts(r),
        ]
        for r in programs.itertuples(index=False)
    ]
    blocks = [
        table(
            [
                Column("Program"),
                Column("Name"),
                Column("Type"),
                Column("Started"),
                Column("Ends"),
                Column("Enrolled", True),
                Column("Matched", True),
                Column("Active", True),
                Column("Completed", True),
                Column("Withdrawn", True),
                Column("Matches", True),
                Column("Active matches", True),
                Column("At risk", True),
            ],
            rows,
            table_id="programs",
        )
    ]
    if programs["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks

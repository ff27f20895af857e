"""Matches at risk: active matches with no recent held session, listed by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from reports.formatting import format_count
from reports.page import Column, paragraph, table

if TYPE_CHECKING:  # types only: the package imports this module to build its page
    from reports.program_operations import OperationsData


def at_risk(data: OperationsData) -> list[Markup]:
    """The at-risk matches, the longest silent first."""
    intro = paragraph(
        f"Active matches with no session held in the last {data.at_risk_days} days, the "
        "longest silent first. A match that never held a session shows no date."
    )
    if data.at_risk.empty:
        return [intro, paragraph("No active match is at risk.", "note")]
    rows = [
        [
            str(r.match_id),
            str(r.program_id),
            str(r.program_type),
            str(r.mentor_id),
            str(r.mentee_id),
            str(r.start_date)[:10],
            "never" if pd.isna(r.last_held_session_date) else str(r.last_held_session_date)[:10],
            "—"
            if pd.isna(r.days_since_last_held_session)
            else format_count(r.days_since_last_held_session),
            format_count(r.n_held_sessions_to_date),
        ]
        for r in data.at_risk.itertuples(index=False)
    ]
    return [
        intro,
        table(
            [
                Column("Match"),
                Column("Program"),
                Column("Type"),
                Column("Mentor id"),
                Column("Mentee id"),
                Column("Started"),
                Column("Last held session"),
                Column("Days since", True),
                Column("Sessions held", True),
            ],
            rows,
            table_id="matches-at-risk",
            scroll=len(rows) > 15,
        ),
    ]

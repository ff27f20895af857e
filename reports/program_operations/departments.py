"""Departments: mentees, mentors and participation of the people employed."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reports.formatting import format_count, format_share
from reports.page import Column, paragraph, table, unavailable_note
from reports.privacy import SUPPRESSED_NOTE, SUPPRESSED_TEXT


def departments(departments: pd.DataFrame) -> list[Markup]:
    """One row per department, small departments withheld."""
    intro = paragraph(
        "People employed on the as-of date by their department on that date: how many have "
        "been a mentee, a mentor (a person can be both), and the share taking part."
    )
    if departments.empty:
        return [intro, unavailable_note("nobody is employed on the as-of date")]
    rows = [
        [str(r.department), *([SUPPRESSED_TEXT] * 5)]
        if r.is_suppressed
        else [
            str(r.department),
            format_count(r.n_employed),
            format_count(r.n_mentees),
            format_count(r.n_mentors),
            format_count(r.n_participants),
            format_share(r.participation_rate),
        ]
        for r in departments.itertuples(index=False)
    ]
    blocks = [
        intro,
        table(
            [
                Column("Department"),
                Column("Employed", True),
                Column("Mentees", True),
                Column("Mentors", True),
                Column("Taking part", True),
                Column("Participation", True),
            ],
            rows,
            table_id="departments",
            scroll=len(rows) > 25,
        ),
    ]
    if departments["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks

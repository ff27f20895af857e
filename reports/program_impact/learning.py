"""Learning on both sides: feedback scores, reciprocity, reverse against traditional mentoring."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.formatting import format_count, format_decimal, format_share
from reports.page import (
    Column,
    Page,
    heading,
    kpi_tile,
    paragraph,
    table,
    tiles,
    unavailable_note,
)
from reports.privacy import FEW_ANSWERS_TEXT, MIN_CELL, SUPPRESSED_NOTE, SUPPRESSED_TEXT
from reports.queries import KpiTable


def learning(page: Page, k: KpiTable, types: pd.DataFrame) -> list[Markup]:
    """Learning scores and reciprocity, and the program types compared."""
    blocks = [
        paragraph(
            'Both sides rate "I learned something valuable from my counterpart" from 1 to 5. '
            "The reciprocity index is the share of matches where both say so (4 or more)."
        ),
        tiles(
            [
                kpi_tile(k.get("mentee_learning_avg"), n_label="responses"),
                kpi_tile(k.get("mentor_learning_avg"), n_label="responses"),
                kpi_tile(k.get("reciprocity_index"), n_label="matches with both sides"),
                kpi_tile(k.get("mentee_initiated_share_12m"), n_label="sessions"),
                kpi_tile(k.get("avg_sessions_per_active_match_90d"), n_label="matches"),
            ]
        ),
        heading("Reverse mentoring against traditional"),
        paragraph(
            "In reverse mentoring the mentor is usually the more junior person. The table "
            "compares the program types the organisation runs, from the same feedback."
        ),
    ]
    if types.empty:
        blocks.append(unavailable_note("no matches yet"))
        return blocks

    def mean_or_why(mean: float | None, n: int | None) -> str:
        # the mart nulls a mean over fewer than MIN_CELL answers
        if mean is not None and not pd.isna(mean):
            return format_decimal(mean)
        return f"{FEW_ANSWERS_TEXT} responses" if n else "no responses"

    rows = []
    for r in types.itertuples(index=False):
        if r.is_suppressed:
            rows.append([str(r.program_type)] + [SUPPRESSED_TEXT] * 5)
            continue
        n_both = int(r.n_matches_both_sides)
        share = r.reciprocity_share
        rows.append(
            [
                str(r.program_type),
                format_count(r.n_matches),
                format_count(r.n_active_matches),
                mean_or_why(r.mentee_learning_avg, r.n_mentee_feedback),
                mean_or_why(r.mentor_learning_avg, r.n_mentor_feedback),
                format_share(share) + f" of {n_both:,}"
                if share is not None and not pd.isna(share)
                else (f"{FEW_ANSWERS_TEXT} matches" if n_both else "no match with both sides"),
            ]
        )
    blocks.append(
        table(
            [
                Column("Program type"),
                Column("Matches", True),
                Column("Active", True),
                Column("Mentee learning", True),
                Column("Mentor learning", True),
                Column("Reciprocal (of matches with both sides)", True),
            ],
            rows,
            table_id="program-types",
        )
    )
    shown = types[types["mentee_learning_avg"].notna() | types["mentor_learning_avg"].notna()]
    if not shown.empty:
        traces = []
        for side in ("mentee", "mentor"):
            traces.append(
                go.Bar(
                    name=palette.GROUP_LABELS[side],
                    x=shown["program_type"].tolist(),
                    y=charts.values(shown[f"{side}_learning_avg"].tolist()),
                    marker={"color": palette.GROUP_COLOURS[side]},
                    hovertemplate="%{x}: %{y:.2f}<extra>" + palette.GROUP_LABELS[side] + "</extra>",
                )
            )
        fig = charts.figure(
            traces,
            barmode="group",
            yaxis={"title": {"text": "Mean learning (1-5)"}, "range": [1, 5]},
            height=320,
        )
        blocks.append(
            page.figure(fig, "learning-by-type", "Mean learning score by program type and side.")
        )
    if types["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    blocks.append(
        paragraph(
            f"Means over fewer than {MIN_CELL} responses are not shown. These per-type figures "
            "apply the dictionary's learning and reciprocity definitions within each program type.",
            "note",
        )
    )
    return blocks

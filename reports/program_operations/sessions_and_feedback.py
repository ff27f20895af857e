"""Sessions and feedback over time: sessions per month by outcome, learning by side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.page import Page, unavailable_note
from reports.privacy import MIN_CELL


def sessions_and_feedback(page: Page, months: pd.DataFrame) -> list[Markup]:
    """Sessions per month by outcome, and mean learning score per month by side."""
    if months.empty:
        return [unavailable_note("no sessions or feedback yet")]
    x = [str(d)[:7] for d in months["month_start_date"]]
    sessions = charts.figure(
        [
            go.Bar(
                name=label,
                x=x,
                y=charts.values(months[column].tolist()),
                marker={"color": palette.STATUS_COLOURS[status]},
                hovertemplate="%{x}: %{y:,} " + label.lower() + "<extra></extra>",
            )
            for column, status, label in (
                ("n_held", "held", "Held"),
                ("n_cancelled", "cancelled", "Cancelled"),
                ("n_no_show", "no_show", "No-show"),
            )
        ],
        barmode="stack",
        legend={"traceorder": "normal"},
        yaxis={"title": {"text": "Sessions"}},
        height=340,
    )
    traces = []
    for side in ("mentee", "mentor"):
        enough = months[f"n_{side}_feedback"] >= MIN_CELL
        traces.append(
            charts.group_line(
                palette.GROUP_LABELS[side],
                side,
                x,
                [
                    m if ok else None
                    for m, ok in zip(months[f"{side}_learning_avg"], enough, strict=True)
                ],
                "%{x}: %{y:.2f} (%{customdata:,} responses)<extra>"
                + palette.GROUP_LABELS[side]
                + "</extra>",
                customdata=months[f"n_{side}_feedback"].tolist(),
            )
        )
    feedback = charts.figure(
        traces, yaxis={"title": {"text": "Mean learning (1-5)"}, "range": [1, 5]}, height=320
    )
    return [
        page.figure(sessions, "sessions-by-month", "Sessions per month by outcome."),
        page.figure(
            feedback,
            "learning-by-month",
            f"Mean learning score per month, by side; months with fewer than {MIN_CELL} "
            "responses from a side are left out.",
        ),
    ]

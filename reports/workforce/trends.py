"""Headcount and turnover over 24 months, at each month-end."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.dictionary import spec
from reports.page import Page, paragraph, two, unavailable_note

#: The workforce trends drawn over 24 months.
TREND_KPIS = [
    "headcount",
    "turnover_rate_12m",
    "voluntary_turnover_rate_12m",
    "engagement_score_avg",
    "engagement_favorable_share",
]


def series(trends: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """One KPI's rows of the trends."""
    return trends[trends["kpi"] == kpi]


def trends(page: Page, trends: pd.DataFrame) -> list[Markup]:
    """Headcount, and turnover overall and voluntary, at each month-end."""
    blocks = [
        paragraph(
            "Each point is the KPI as it stood at a month-end (the last point: the as-of date), "
            "recomputed from today's exports. Turnover at a date counts the 365 days before it."
        )
    ]
    headcount = series(trends, "headcount")
    if trends.empty or not headcount["value"].notna().any():
        return [*blocks, unavailable_note("no month with a published headcount")]
    head = charts.figure(
        [
            go.Bar(
                x=headcount["as_of_date"].tolist(),
                y=charts.values(headcount["value"].tolist()),
                marker={"color": palette.NEUTRAL},
                hovertemplate="%{x|%Y-%m-%d}: %{y:,} employed<extra></extra>",
            )
        ],
        yaxis={"title": {"text": "Headcount"}},
        height=320,
    )
    turnover = charts.figure(
        [
            charts.plain_line(
                spec(kpi).label,
                colour,
                series(trends, kpi)["as_of_date"].tolist(),
                series(trends, kpi)["value"].tolist(),
                "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                dash=dash,
            )
            for kpi, colour, dash in (
                ("turnover_rate_12m", palette.VERMILLION, "solid"),
                ("voluntary_turnover_rate_12m", palette.REDDISH_PURPLE, "dash"),
            )
        ],
        yaxis=charts.percent_axis("Leavers per average head"),
        height=320,
        legend={"y": -0.3},
    )
    blocks.append(
        two(
            [
                ("Headcount", page.figure(head, "trend-headcount")),
                ("Turnover, overall and voluntary", page.figure(turnover, "trend-turnover")),
            ]
        )
    )
    return blocks

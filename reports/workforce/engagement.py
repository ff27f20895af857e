"""Engagement: today's score and favourable share, and their trend."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.dictionary import spec
from reports.page import Page, kpi_tile, paragraph, tiles
from reports.queries import KpiTable
from reports.workforce.trends import series


def engagement(page: Page, k: KpiTable, trends: pd.DataFrame) -> list[Markup]:
    """The engagement tiles, and the score and favourable share at each month-end."""
    blocks = [
        paragraph(
            "Engagement of the people employed today who took a survey in the last 12 months, "
            "each counted once with their latest score (1 to 5); favourable is 4 or more."
        ),
        tiles(
            [
                kpi_tile(k.get("engagement_score_avg"), n_label="surveyed"),
                kpi_tile(k.get("engagement_favorable_share"), n_label="surveyed"),
            ]
        ),
    ]
    score = series(trends, "engagement_score_avg")
    if score.empty or not score["value"].notna().any():
        return blocks
    favourable = series(trends, "engagement_favorable_share")
    fig = charts.figure(
        [
            charts.plain_line(
                spec("engagement_score_avg").label,
                palette.BLUISH_GREEN,
                score["as_of_date"].tolist(),
                score["value"].tolist(),
                "%{x|%Y-%m-%d}: %{y:.2f}<extra>Engagement score</extra>",
            ),
            go.Scatter(
                name=spec("engagement_favorable_share").label,
                x=favourable["as_of_date"].tolist(),
                y=charts.values(favourable["value"].tolist()),
                yaxis="y2",
                mode="lines+markers",
                line={"color": palette.SKY_BLUE, "dash": "dash", "width": 2.5},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>Favourable</extra>",
            ),
        ],
        yaxis={"title": {"text": "Mean score (1-5)"}, "range": [1, 5]},
        yaxis2={
            "title": {"text": "Favourable"},
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1],
        },
        height=320,
        legend={"y": -0.3},
    )
    blocks.append(page.figure(fig, "trend-engagement", "Engagement at each month-end."))
    return blocks

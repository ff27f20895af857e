"""Trends over 24 months: retention, promotion, reach and active matches at each month-end."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.dictionary import spec
from reports.page import Page, paragraph, two, unavailable_note

#: The KPIs drawn as 24-month trends, by chart.
TREND_KPIS = {
    "retention": [
        "retention_12m_mentee",
        "retention_12m_mentor",
        "retention_12m_non_participant",
    ],
    "promotion": [
        "promotion_rate_12m_mentee",
        "promotion_rate_12m_mentor",
        "promotion_rate_12m_non_participant",
    ],
    "reach": ["participation_rate", "engaged_match_rate_30d", "succession_coverage_any"],
    "matches": ["active_matches"],
}
_REACH_COLOURS = {
    "participation_rate": palette.SKY_BLUE,
    "engaged_match_rate_30d": palette.BLUISH_GREEN,
    "succession_coverage_any": palette.REDDISH_PURPLE,
}
_REACH_DASHES = {
    "participation_rate": "solid",
    "engaged_match_rate_30d": "dash",
    "succession_coverage_any": "dot",
}


def trends(page: Page, trends: pd.DataFrame) -> list[Markup]:
    """The KPIs at each month-end of the last 24 months."""
    blocks = [
        paragraph(
            "Each point is the KPI as it stood at a month-end (the last point: the as-of "
            "date), recomputed from today's exports so that the history is consistent. "
            "A gap in a line is a month where the KPI was not available."
        )
    ]
    if trends.empty:
        return [*blocks, unavailable_note("no history")]

    def series(kpi: str) -> pd.DataFrame:
        return trends[trends["kpi"] == kpi]

    def has_values(kpis: list[str]) -> bool:
        return any(series(x)["value"].notna().any() for x in kpis)

    panels: list[tuple[str, Markup]] = []
    for name, title in (
        ("retention", "Retained 12 months"),
        ("promotion", "Promoted within 12 months"),
    ):
        kpis = TREND_KPIS[name]
        if not has_values(kpis):
            panels.append((title, unavailable_note("no month with a published value")))
            continue
        traces = []
        for kpi in kpis:
            group = kpi.rsplit("_12m_", 1)[1]
            s = series(kpi)
            traces.append(
                charts.group_line(
                    palette.GROUP_LABELS[group],
                    group,
                    s["as_of_date"].tolist(),
                    s["value"].tolist(),
                    "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + palette.GROUP_LABELS[group] + "</extra>",
                )
            )
        fig = charts.figure(traces, yaxis=charts.percent_axis(""), height=320)
        panels.append((title, page.figure(fig, f"trend-{name}")))
    blocks.append(two(panels))

    reach: list[tuple[str, Markup]] = []
    if has_values(TREND_KPIS["reach"]):
        traces = []
        for kpi in TREND_KPIS["reach"]:
            s = series(kpi)
            traces.append(
                charts.plain_line(
                    spec(kpi).label,
                    _REACH_COLOURS[kpi],
                    s["as_of_date"].tolist(),
                    s["value"].tolist(),
                    "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                    dash=_REACH_DASHES[kpi],
                )
            )
        fig = charts.figure(
            traces, yaxis=charts.percent_axis("Share"), height=340, legend={"y": -0.3}
        )
        reach.append(("Reach and engagement", page.figure(fig, "trend-reach")))
    s = series("active_matches")
    if s["value"].notna().any():
        fig = charts.figure(
            [
                go.Bar(
                    x=s["as_of_date"].tolist(),
                    y=charts.values(s["value"].tolist()),
                    marker={"color": palette.BLUISH_GREEN},
                    hovertemplate="%{x|%Y-%m-%d}: %{y:,} active matches<extra></extra>",
                )
            ],
            yaxis={"title": {"text": "Active matches"}},
            height=340,
        )
        reach.append(("Active matches", page.figure(fig, "trend-matches")))
    if reach:
        blocks.append(two(reach))
    return blocks

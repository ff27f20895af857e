"""Who stays: the share of each group still employed, month by month after the first match."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from reports import charts, palette
from reports.page import Page, paragraph, unavailable_note
from reports.privacy import MIN_CELL


def retention_curves(page: Page, curves: pd.DataFrame) -> list[Markup]:
    """Kaplan-Meier curves by group, trimmed where fewer than MIN_CELL remain."""
    intro = paragraph(
        "The share of each group still employed, month by month after their first match "
        "(Kaplan-Meier estimate: people who joined recently count for as long as they have "
        "been followed). Month 12 is the one-year mark the retention KPIs use."
    )
    # A curve's tail over a handful of people says nothing and points at individuals.
    shown = curves[curves["n_at_risk"] >= MIN_CELL]
    if shown.empty:
        return [
            intro,
            unavailable_note("no group has enough people followed since their first match"),
        ]
    traces = []
    for group in ("mentee", "mentor", "non_participant"):
        g = shown[shown["participant_group"] == group]
        if g.empty:
            continue
        traces.append(
            charts.group_line(
                palette.GROUP_LABELS[group],
                group,
                g["months_since_index_date"].tolist(),
                g["survival_probability"].tolist(),
                "month %{x}: %{y:.1%} still employed (%{customdata:,} followed)<extra>"
                + palette.GROUP_LABELS[group]
                + "</extra>",
                shape="hv",
                customdata=g["n_at_risk"].tolist(),
            )
        )
    fig = charts.figure(
        traces,
        xaxis={
            "title": {"text": "Months since first match (non-participants: since reference date)"},
            "dtick": 6,
        },
        yaxis=charts.percent_axis("Still employed"),
        height=380,
        shapes=[
            {
                "type": "line",
                "x0": 12,
                "x1": 12,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#999999", "dash": "dot", "width": 1},
            }
        ],
    )
    return [
        intro,
        page.figure(
            fig,
            "retention-curves",
            f"Curves stop where fewer than {MIN_CELL} people of a group are still followed.",
        ),
    ]

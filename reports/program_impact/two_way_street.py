"""The two-way street: what mentoring does for mentees and for mentors, side by side."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.formatting import format_value
from reports.page import (
    Column,
    Page,
    kpi_cell,
    kpi_state,
    paragraph,
    table,
    text_cell,
    unavailable_note,
)
from reports.program_impact.sentences import gap_sentence
from reports.queries import KpiTable
from reports.templating import render


def side_table(k: KpiTable, side: str) -> Markup:
    """Mentees (or mentors) against non-participants: rates and gaps side by side."""
    label = palette.GROUP_LABELS[side]
    cols = [
        Column(""),
        Column(label, numeric=True),
        Column("Non-participants", numeric=True),
        Column("Gap (naive)", numeric=True),
        Column("Gap (adjusted)", numeric=True),
    ]
    dash = text_cell("—", numeric=True)
    rows = [
        [
            text_cell("Retained 12 months"),
            kpi_cell(k.get(f"retention_12m_{side}"), n_label="eligible"),
            kpi_cell(k.get("retention_12m_non_participant"), n_label="eligible"),
            kpi_cell(k.get(f"retention_12m_gap_{side}_naive")),
            kpi_cell(k.get(f"retention_12m_gap_{side}_adjusted"), n_label="compared"),
        ],
        [
            text_cell("Promoted within 12 months"),
            kpi_cell(k.get(f"promotion_rate_12m_{side}"), n_label="eligible"),
            kpi_cell(k.get("promotion_rate_12m_non_participant"), n_label="eligible"),
            dash,
            dash,
        ],
    ]
    if side == "mentee":
        rows.append(
            [
                text_cell("Engagement change (1-5 scale)"),
                kpi_cell(k.get("engagement_delta_mentee"), n_label="with both surveys"),
                kpi_cell(k.get("engagement_delta_non_participant"), n_label="with both surveys"),
                kpi_cell(k.get("engagement_uplift_mentee")),
                dash,
            ]
        )
    else:
        rows.append(
            [
                text_cell("Engagement change (1-5 scale)"),
                text_cell("not measured for mentors", numeric=True),
                kpi_cell(k.get("engagement_delta_non_participant"), n_label="with both surveys"),
                dash,
                dash,
            ]
        )
    body = table(cols, rows, raw_cells=True, table_id=f"two-way-{side}", css="fixed")
    return render("program_impact/side_table.html", label=label, table=body)


def two_way_street(page: Page, k: KpiTable) -> list[Markup]:
    """Mentees and mentors, each against non-participants: tables, sentences, a chart."""
    blocks = [
        paragraph(
            "Mentoring is meant to help both people in a match. Each side is compared with "
            "employees who have never been in a match, one year after their first match."
        ),
        side_table(k, "mentee"),
        side_table(k, "mentor"),
        gap_sentence(k, "mentee"),
        gap_sentence(k, "mentor"),
    ]
    traces = []
    for group in ("mentee", "mentor", "non_participant"):
        rows = [k.get(f"retention_12m_{group}"), k.get(f"promotion_rate_12m_{group}")]
        shown = [r if kpi_state(r) == "published" else None for r in rows]
        # Plotly draws error bars as distances from the bar's top: the published
        # interval's bounds, re-expressed for drawing (the hover shows the values).
        above = [
            r.ci_high - r.value if r and r.ci_high is not None and r.value is not None else None
            for r in shown
        ]
        below = [
            r.value - r.ci_low if r and r.ci_low is not None and r.value is not None else None
            for r in shown
        ]
        has_ci = any(v is not None for v in above)
        error: dict[str, Any] = {
            "type": "data",
            "symmetric": False,
            "array": above,
            "arrayminus": below,
            "color": "#444444",
            "thickness": 1.2,
        }
        traces.append(
            go.Bar(
                name=palette.GROUP_LABELS[group],
                x=["Retained 12 months", "Promoted within 12 months"],
                y=[r.value if r else None for r in shown],
                marker={"color": palette.GROUP_COLOURS[group]},
                error_y=error if has_ci else None,
                text=[
                    format_value(r.value, "rate") if r and r.value is not None else ""
                    for r in shown
                ],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": "#FFFFFF" if group == "mentee" else "#000000"},
                customdata=[r.n if r else None for r in shown],
                hovertemplate="%{x}: %{y:.1%} (n = %{customdata:,})<extra>"
                + palette.GROUP_LABELS[group]
                + "</extra>",
            )
        )
    if any(t.y[0] is not None or t.y[1] is not None for t in traces):
        fig = charts.figure(
            traces,
            barmode="group",
            yaxis=charts.percent_axis("Share of eligible people", (0, 1.1)),
            height=360,
        )
        blocks.append(
            page.figure(
                fig,
                "two-way-street",
                "12-month retention and promotion by group"
                + (
                    " (bars: 95% confidence intervals)"
                    if any(t.error_y and t.error_y.array for t in traces)
                    else ""
                )
                + ".",
            )
        )
    else:
        blocks.append(unavailable_note("no group has a published retention or promotion rate"))
    return blocks

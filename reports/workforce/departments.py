"""Turnover by department: the department KPIs as a table and a chart."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.dictionary import spec
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
from reports.privacy import SUPPRESSED_NOTE
from reports.queries import KpiTable

#: The KPIs published per department, as table columns (kpi, header, n label).
DEPARTMENT_COLUMNS = (
    ("headcount", "Headcount", None),
    ("hires_12m", "Hires (12 months)", None),
    ("separations_12m", "Separations (12 months)", None),
    ("turnover_rate_12m", "Turnover", None),
    ("voluntary_turnover_rate_12m", "Voluntary turnover", None),
)


def departments(page: Page, k: KpiTable) -> list[Markup]:
    """Headcount, hires, separations and turnover per department."""
    intro = paragraph(
        "Each count is taken in the department at the date that counts: today for headcount and "
        "hires, the leaving date for a separation, a year ago and today for the two headcounts "
        "of a turnover rate."
    )
    departments = sorted(
        {r.group_value for r in k.group_rows("headcount", "department") if r.group_value}
    )
    if not departments:
        return [intro, unavailable_note(k.get("headcount").unavailable or "no department")]
    rows = [
        [text_cell(d or "")]
        + [
            kpi_cell(k.get(kpi, "department", d), n_label=n_label)
            for kpi, _t, n_label in DEPARTMENT_COLUMNS
        ]
        for d in departments
    ]
    blocks = [
        intro,
        table(
            [Column("Department")]
            + [Column(title, True) for _kpi, title, _n in DEPARTMENT_COLUMNS],
            rows,
            raw_cells=True,
            table_id="workforce-departments",
            scroll=len(rows) > 25,
        ),
    ]
    shown = [
        d
        for d in departments
        if kpi_state(k.get("turnover_rate_12m", "department", d)) == "published"
    ]
    if shown:
        fig = charts.figure(
            [
                go.Bar(
                    name=spec(kpi).label,
                    x=shown,
                    y=[k.get(kpi, "department", d).value for d in shown],
                    marker={"color": colour},
                    hovertemplate="%{x}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                )
                for kpi, colour in (
                    ("turnover_rate_12m", palette.VERMILLION),
                    ("voluntary_turnover_rate_12m", palette.REDDISH_PURPLE),
                )
            ],
            barmode="group",
            yaxis=charts.percent_axis("Leavers per average head"),
            height=340,
        )
        omitted = len(departments) - len(shown)
        caption = "Turnover by department over the last 12 months" + (
            f"; {omitted} department(s) withheld for privacy." if omitted else "."
        )
        blocks.append(page.figure(fig, "turnover-by-department", caption))
    if len(shown) < len(departments):
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks

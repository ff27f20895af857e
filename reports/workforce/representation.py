"""Representation: each group's share of the workforce against its share of leadership."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.page import Column, Page, heading, kpi_cell, kpi_state, paragraph, table, text_cell
from reports.privacy import SUPPRESSED_NOTE
from reports.queries import GROUP_ATTRIBUTES, KpiTable


def representation(page: Page, k: KpiTable) -> list[Markup]:
    """Per attribute, a table and a chart of the two shares of each group."""
    blocks = [
        paragraph(
            "Each group's share of the people employed today, against its share of the leaders "
            "(job level 7 or above today). A group under-represented in leadership has a smaller "
            "second share than first."
        )
    ]
    any_small = False
    for attribute in GROUP_ATTRIBUTES:
        shares = {r.group_value: r for r in k.group_rows("representation_share", attribute)}
        leaders = {
            r.group_value: r for r in k.group_rows("leadership_representation_share", attribute)
        }
        values = sorted(set(shares) | set(leaders), key=lambda v: (v == "undisclosed", v or ""))
        if not values:
            continue
        any_small |= any(r.suppressed for r in [*shares.values(), *leaders.values()])
        rows = [
            [
                text_cell(v or ""),
                kpi_cell(shares[v], n_label="employed") if v in shares else text_cell("—"),
                kpi_cell(leaders[v], n_label="leaders") if v in leaders else text_cell("—"),
            ]
            for v in values
        ]
        blocks.append(heading(f"By {attribute}"))
        blocks.append(
            table(
                [
                    Column(attribute.capitalize()),
                    Column("Share of the workforce", True),
                    Column("Share of leadership", True),
                ],
                rows,
                raw_cells=True,
                table_id=f"workforce-representation-{attribute}",
            )
        )
        shown = [
            v
            for v in values
            if v in shares
            and v in leaders
            and kpi_state(shares[v]) == "published"
            and kpi_state(leaders[v]) == "published"
        ]
        if shown:
            fig = charts.figure(
                [
                    go.Bar(
                        name=label,
                        x=shown,
                        y=[table_[v].value for v in shown],
                        marker={"color": colour},
                        hovertemplate="%{x}: %{y:.1%}<extra>" + label + "</extra>",
                    )
                    for label, table_, colour in (
                        ("Workforce", shares, palette.NEUTRAL),
                        ("Leadership", leaders, palette.BLUE),
                    )
                ],
                barmode="group",
                yaxis=charts.percent_axis("Share"),
                height=320,
            )
            omitted = len(values) - len(shown)
            caption = f"Share of the workforce and of leadership by {attribute}" + (
                f"; {omitted} group(s) withheld for privacy." if omitted else "."
            )
            blocks.append(page.figure(fig, f"representation-{attribute}", caption))
    if any_small:
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks

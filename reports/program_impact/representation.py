"""Participation and representation: who takes part, by gender and by ethnicity."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.dictionary import FOUR_FIFTHS
from reports.formatting import format_value
from reports.page import (
    Column,
    Page,
    heading,
    kpi_cell,
    kpi_state,
    kpi_tile,
    paragraph,
    table,
    text_cell,
    tiles,
)
from reports.privacy import SUPPRESSED_NOTE
from reports.queries import GROUP_ATTRIBUTES, Kpi, KpiTable
from reports.templating import render


def representation(page: Page, k: KpiTable) -> list[Markup]:
    """Participation by gender and ethnicity, against workforce and leadership shares."""
    overall = k.get("participation_rate")
    blocks = [
        paragraph(
            "Who takes part, by gender and by ethnicity, against each group's share of the "
            "workforce and of its leadership. A representation index of 1 means a group takes "
            "part in proportion to its size. The selection ratio divides the lowest "
            "participation rate by the highest; below 0.8 (the four-fifths rule of thumb) "
            "deserves a closer look."
        ),
        tiles(
            [
                kpi_tile(overall, n_label="employed"),
                kpi_tile(k.get("cross_gender_match_share"), n_label="matches"),
                kpi_tile(k.get("cross_ethnicity_match_share"), n_label="matches"),
            ]
        ),
    ]
    any_small = False
    columns = (
        ("participation_rate", "Participation rate", "employed"),
        ("representation_index", "Representation index", "taking part"),
        ("representation_share", "Share of the workforce", "employed"),
        ("leadership_representation_share", "Share of leadership", "leaders"),
    )
    for attribute in k.attributes():
        if attribute not in GROUP_ATTRIBUTES:
            continue
        by_kpi = {
            kpi: {r.group_value: r for r in k.group_rows(kpi, attribute)} for kpi, *_ in columns
        }
        values = sorted(
            {v for rows in by_kpi.values() for v in rows},
            key=lambda v: (v == "undisclosed", v or ""),
        )
        if not values:
            continue
        any_small |= any(r.suppressed for rows in by_kpi.values() for r in rows.values())
        ratio = k.get("selection_ratio_min", attribute, None)
        rows = [
            [text_cell(v or "")]
            + [
                kpi_cell(by_kpi[kpi][v], n_label=n_label) if v in by_kpi[kpi] else text_cell("—")
                for kpi, _title, n_label in columns
            ]
            for v in values
        ]
        blocks.append(heading(f"By {attribute}"))
        blocks.append(
            tiles(
                [kpi_tile(ratio, label=f"Selection ratio ({attribute})", n_label="groups compared")]
            )
        )
        blocks.append(four_fifths_flag(ratio, attribute))
        blocks.append(
            table(
                [Column(attribute.capitalize())]
                + [Column(title, True) for _kpi, title, _n in columns],
                rows,
                raw_cells=True,
                table_id=f"representation-{attribute}",
            )
        )
        rates = by_kpi["participation_rate"]
        shown = [v for v in values if v in rates and kpi_state(rates[v]) == "published"]
        if shown:
            fig = charts.figure(
                [
                    go.Bar(
                        x=shown,
                        y=[rates[v].value for v in shown],
                        marker={"color": palette.NEUTRAL},
                        text=[format_value(rates[v].value or 0.0, "rate") for v in shown],
                        textposition="outside",
                        customdata=[rates[v].n for v in shown],
                        hovertemplate="%{x}: %{y:.1%} of %{customdata:,} employed take part"
                        "<extra></extra>",
                        showlegend=False,
                    )
                ],
                yaxis=charts.percent_axis(
                    "Participation rate", (0, max(rates[v].value or 0.0 for v in shown) * 1.25 or 1)
                ),
                height=300,
            )
            omitted = len(values) - len(shown)
            caption = f"Participation rate by {attribute}" + (
                f"; {omitted} group(s) withheld for privacy or unavailable." if omitted else "."
            )
            blocks.append(page.figure(fig, f"participation-{attribute}", caption))
    if any_small:
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


def four_fifths_flag(ratio: Kpi, attribute: str) -> Markup:
    """Whether the selection ratio meets the four-fifths rule of thumb (nothing if unpublished)."""
    if kpi_state(ratio) != "published" or ratio.value is None:
        return Markup()
    return render(
        "program_impact/four_fifths.html", attribute=attribute, below=ratio.value < FOUR_FIFTHS
    )

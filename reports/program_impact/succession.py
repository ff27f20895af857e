"""Succession: critical roles covered by a named successor, and know-how at risk."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.formatting import format_count
from reports.page import Page, kpi_state, kpi_tile, paragraph, tiles
from reports.program_impact.sentences import kpi_ref, sentence
from reports.queries import KpiTable


def succession(page: Page, k: KpiTable, roles: dict[str, int]) -> list[Markup]:
    """Critical roles: coverage by successors, and the knowledge-transfer gap."""
    gap = k.get("knowledge_transfer_gap_roles")
    blocks = [
        paragraph(
            "A critical role is covered when a named successor is still employed; ready now "
            "means the successor could step in today. The knowledge-transfer gap counts "
            "critical roles whose incumbent is 60 or older and has not mentored anyone."
        ),
        tiles(
            [
                kpi_tile(k.get("critical_roles"), n_label=None),
                kpi_tile(k.get("succession_coverage_ready_now"), n_label="critical roles"),
                kpi_tile(k.get("succession_coverage_any"), n_label="critical roles"),
                kpi_tile(k.get("successors_mentored_share"), n_label="successors"),
                kpi_tile(gap, n_label="roles with an incumbent aged 60+"),
            ]
        ),
    ]
    if kpi_state(gap) == "published" and gap.n:
        blocks.append(
            sentence(
                "knowledge-transfer-sentence",
                [
                    kpi_ref(gap, format_count(gap.value)),
                    f" of the {gap.n:,} critical roles held by someone aged 60 or more have an "
                    "incumbent who is not mentoring anyone: their know-how has no planned route "
                    "to the next generation.",
                ],
            )
        )
    if roles["n_roles"] > 0:
        bars = [
            ("Ready-now successor employed", roles["n_ready_now"], palette.BLUISH_GREEN),
            ("Only later-ready successors", roles["n_later_only"], palette.SKY_BLUE),
            ("No employed successor", roles["n_uncovered"], palette.VERMILLION),
        ]
        fig = charts.figure(
            [
                go.Bar(
                    name=name,
                    y=["Critical roles"],
                    x=[count],
                    orientation="h",
                    marker={"color": colour},
                    text=[f"{count:,}"],
                    textposition="inside",
                    hovertemplate=f"{name}: %{{x:,}} roles<extra></extra>",
                )
                for name, count, colour in bars
            ],
            barmode="stack",
            height=170,
            margin={"l": 110, "r": 20, "t": 10, "b": 40},
            legend={"traceorder": "normal", "y": -0.35},
        )
        blocks.append(
            page.figure(fig, "succession", "Critical roles of the current plan by coverage.")
        )
    return blocks

"""The headline tiles: headcount, hires, separations, turnover and engagement."""

from __future__ import annotations

from markupsafe import Markup

from reports.page import kpi_tile, tiles
from reports.queries import KpiTable


def headlines(k: KpiTable) -> Markup:
    """The tiles at the top of the report."""
    return tiles(
        [
            kpi_tile(k.get("headcount"), n_label=None),
            kpi_tile(k.get("hires_12m"), n_label=None),
            kpi_tile(k.get("separations_12m"), n_label=None),
            kpi_tile(k.get("turnover_rate_12m"), n_label="heads (sum of the two dates)"),
            kpi_tile(k.get("voluntary_turnover_rate_12m"), n_label="heads (sum of the two dates)"),
            kpi_tile(k.get("engagement_score_avg"), n_label="surveyed"),
            kpi_tile(k.get("engagement_favorable_share"), n_label="surveyed"),
        ]
    )

"""Matches today: active, engaged and at-risk matches, sessions, who starts them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from reports.page import kpi_tile, plain_tile, tiles

if TYPE_CHECKING:  # types only: the package imports this module to build its page
    from reports.program_operations import OperationsData


def headlines(data: OperationsData) -> Markup:
    """The tiles at the top of the report."""
    k = data.kpis
    return tiles(
        [
            kpi_tile(k.get("active_matches"), n_label=None),
            kpi_tile(k.get("engaged_match_rate_30d"), n_label="active matches"),
            plain_tile(
                "matches_at_risk",
                "Matches at risk",
                data.activity["n_at_risk"],
                f"active, no held session in {data.at_risk_days} days",
            ),
            kpi_tile(k.get("avg_sessions_per_active_match_90d"), n_label="matches"),
            kpi_tile(k.get("mentee_initiated_share_12m"), n_label="held sessions"),
            plain_tile(
                "matches_to_date",
                "Matches to date",
                data.activity["n_matches"],
                "started on or before the as-of date",
            ),
        ]
    )

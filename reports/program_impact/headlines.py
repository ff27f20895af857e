"""The headline tiles: participation, matches, the retention gaps, learning, succession."""

from __future__ import annotations

from markupsafe import Markup

from reports.page import kpi_tile, tiles
from reports.queries import KpiTable


def headlines(k: KpiTable) -> Markup:
    """The tiles at the top of the report."""
    return tiles(
        [
            kpi_tile(k.get("participation_rate"), n_label="employed"),
            kpi_tile(k.get("active_matches"), n_label=None),
            kpi_tile(k.get("engaged_match_rate_30d"), n_label="active matches"),
            kpi_tile(k.get("retention_12m_gap_mentee_adjusted"), n_label="mentees compared"),
            kpi_tile(k.get("retention_12m_gap_mentor_adjusted"), n_label="mentors compared"),
            kpi_tile(k.get("engagement_uplift_mentee"), n_label="mentees"),
            kpi_tile(k.get("reciprocity_index"), n_label="matches"),
            kpi_tile(k.get("succession_coverage_ready_now"), n_label="critical roles"),
        ]
    )

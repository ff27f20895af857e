"""The programs against the workforce baselines; shared with the leadership report."""

from __future__ import annotations

from markupsafe import Markup

from reports.exports import MENTORING_SOURCES
from reports.page import Column, kpi_cell, paragraph, table, text_cell
from reports.queries import KpiTable


def mentoring_missing(not_exported: list[str]) -> list[str]:
    """The mentoring sources a drop lacks (empty when it has a mentoring export)."""
    return [s for s in MENTORING_SOURCES if s in not_exported]


def baselines(k: KpiTable, not_exported: list[str]) -> list[Markup]:
    """The programs' KPIs beside the workforce's, for the same as-of date.

    Shared by this report and the leadership report. The numbers are
    different measures side by side, never combined: the page computes nothing.
    """
    if "matches" in not_exported:
        return [
            paragraph(
                "No mentoring export was given ("
                + ", ".join(mentoring_missing(not_exported))
                + " not exported), so there is no program to compare yet. This report is the "
                "baseline: once the mentoring platform's exports are in the drop, the programs' "
                "retention, engagement and reach appear here beside these figures.",
                "note mentoring-missing",
            )
        ]
    dash = text_cell("—", numeric=True)
    rows = [
        [
            text_cell("Retained 12 months"),
            kpi_cell(k.get("retention_12m_mentee"), n_label="eligible"),
            kpi_cell(k.get("retention_12m_non_participant"), n_label="eligible"),
            dash,
        ],
        [
            text_cell("Voluntary turnover (12 months)"),
            dash,
            dash,
            kpi_cell(k.get("voluntary_turnover_rate_12m")),
        ],
        [
            text_cell("Engagement change (1-5 scale)"),
            kpi_cell(k.get("engagement_delta_mentee"), n_label="with both scores"),
            kpi_cell(k.get("engagement_delta_non_participant"), n_label="with both scores"),
            dash,
        ],
        [
            text_cell("Engagement score today (1-5)"),
            dash,
            dash,
            kpi_cell(k.get("engagement_score_avg"), n_label="surveyed"),
        ],
        [
            text_cell("Taking part / headcount"),
            kpi_cell(k.get("participation_rate"), n_label="employed"),
            dash,
            kpi_cell(k.get("headcount")),
        ],
    ]
    return [
        paragraph(
            "Mentees' 12-month retention and engagement change against the non-participants', "
            "beside the workforce's voluntary turnover and engagement level. They are different "
            "measures of the same people (retention follows a group for a year from its index "
            "date; turnover counts leavers per average head), set side by side, not subtracted."
        ),
        table(
            [
                Column(""),
                Column("Mentees", True),
                Column("Non-participants", True),
                Column("Workforce", True),
            ],
            rows,
            raw_cells=True,
            table_id="baselines",
            css="fixed",
        ),
    ]

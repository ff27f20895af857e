"""The leadership report: does mentoring work, for mentees and for mentors?

Aggregates only: every number is a published KPI from ``kpi_summary`` (or its
history), a Kaplan-Meier curve trimmed where fewer than 5 remain at risk, or a
count of critical roles. No person's id or row appears anywhere in the file.

One module per section of the page; the page is laid out by the templates in
``reports/templates/`` (``components.html`` and ``program_impact/``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reports import queries, workforce
from reports.exports import no_mentoring_note
from reports.page import Page, RunInfo, paragraph
from reports.program_impact.appendix import appendix
from reports.program_impact.headlines import headlines
from reports.program_impact.learning import learning
from reports.program_impact.representation import representation
from reports.program_impact.retention_curves import retention_curves
from reports.program_impact.sentences import gap_sentence
from reports.program_impact.succession import succession
from reports.program_impact.trends import TREND_KPIS, trends
from reports.program_impact.two_way_street import two_way_street
from reports.queries import KpiTable

__all__ = ["TITLE", "TREND_KPIS", "ImpactData", "build", "gap_sentence", "load", "render"]

TITLE = "Mentoring program impact"


@dataclass(frozen=True)
class ImpactData:
    """Everything the leadership report shows, read from the marts."""

    kpis: KpiTable
    trends: pd.DataFrame
    curves: pd.DataFrame
    program_types: pd.DataFrame
    succession: dict[str, int]
    not_exported: list[str]


def load(con: duckdb.DuckDBPyConnection) -> ImpactData:
    """Read the report's data."""
    return ImpactData(
        kpis=queries.kpi_summary(con),
        trends=queries.kpi_trends(con, [k for ks in TREND_KPIS.values() for k in ks]),
        curves=queries.retention_curves(con),
        program_types=queries.program_type_comparison(con),
        succession=queries.succession_roles_summary(con),
        not_exported=queries.sources_not_exported(con),
    )


def build(con: duckdb.DuckDBPyConnection, run: RunInfo) -> str:
    """The report's HTML."""
    return render(load(con), run)


def render(data: ImpactData, run: RunInfo) -> str:
    """Assemble the page from loaded data."""
    page = Page(
        title=TITLE,
        subtitle="For leadership: what mentoring does for mentees, for mentors and for "
        "the organisation. Every figure is a published KPI of the run's kpis.json.",
        run=run,
        report_id="program_impact",
    )
    k = data.kpis
    if note := no_mentoring_note(run):
        page.add(note)
    page.section("Headlines", headlines(k), anchor="headlines")
    page.section("The two-way street", *two_way_street(page, k), anchor="two-way-street")
    page.section(
        "Who stays: retention over time", *retention_curves(page, data.curves), anchor="retention"
    )
    page.section(
        "Learning on both sides", *learning(page, k, data.program_types), anchor="learning"
    )
    page.section("Succession", *succession(page, k, data.succession), anchor="succession")
    page.section(
        "Participation and representation", *representation(page, k), anchor="representation"
    )
    page.section("Trends over 24 months", *trends(page, data.trends), anchor="trends")
    page.section(
        "Against the workforce baseline",
        *workforce.baselines(k, data.not_exported),
        paragraph(
            "The workforce report (workforce.html) has the baseline in full: headcount, "
            "turnover by department, engagement, and representation in leadership.",
            "note",
        ),
        anchor="baselines",
    )
    page.section("Appendix: what each KPI means", appendix(), anchor="appendix")
    return page.render()

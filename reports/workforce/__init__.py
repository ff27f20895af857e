"""The workforce report: the baseline an HR-only export tells, for HR analysts and leadership.

Headcount, hires, separations and turnover (overall, voluntary, by
department), engagement, and each gender's and ethnicity's share of the
workforce against its share of leadership, with the programs' KPIs set
against these baselines where a mentoring export exists. Every number is a
published KPI of ``kpi_summary`` or its history in ``kpi_history``.

One module per section of the page, as for the leadership report
(``reports/program_impact/``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reports import queries
from reports.page import Page, RunInfo
from reports.queries import KpiTable
from reports.workforce.baselines import baselines, mentoring_missing
from reports.workforce.departments import DEPARTMENT_COLUMNS, departments
from reports.workforce.engagement import engagement
from reports.workforce.headlines import headlines
from reports.workforce.representation import representation
from reports.workforce.trends import TREND_KPIS, trends

__all__ = [
    "DEPARTMENT_COLUMNS",
    "TITLE",
    "TREND_KPIS",
    "WorkforceData",
    "baselines",
    "build",
    "load",
    "mentoring_missing",
    "render",
]

TITLE = "Workforce baseline"


@dataclass(frozen=True)
class WorkforceData:
    """Everything the workforce report shows, read from the marts."""

    kpis: KpiTable
    trends: pd.DataFrame
    not_exported: list[str]


def load(con: duckdb.DuckDBPyConnection) -> WorkforceData:
    """Read the report's data."""
    return WorkforceData(
        kpis=queries.kpi_summary(con),
        trends=queries.kpi_trends(con, TREND_KPIS),
        not_exported=queries.sources_not_exported(con),
    )


def build(con: duckdb.DuckDBPyConnection, run: RunInfo) -> str:
    """The report's HTML."""
    return render(load(con), run)


def render(data: WorkforceData, run: RunInfo) -> str:
    """Assemble the page from loaded data."""
    page = Page(
        title=TITLE,
        subtitle="For HR analysts and leadership: headcount, hires, turnover, engagement and "
        "representation, the baseline the mentoring programs are judged against. Every "
        "figure is a published KPI of the run's kpis.json.",
        run=run,
        report_id="workforce",
    )
    k = data.kpis
    page.section("Headlines", headlines(k), anchor="headlines")
    page.section(
        "Headcount and turnover over 24 months", *trends(page, data.trends), anchor="trends"
    )
    page.section("Turnover by department", *departments(page, k), anchor="departments")
    page.section("Engagement", *engagement(page, k, data.trends), anchor="engagement")
    page.section(
        "Representation in the workforce and in leadership",
        *representation(page, k),
        anchor="representation",
    )
    page.section(
        "The programs against these baselines",
        *baselines(k, data.not_exported),
        anchor="baselines",
    )
    return page.render()

"""The HR analysts' report: which matches need attention, and how programs run.

Unlike the leadership report it lists matches by id (match, mentor and mentee
ids: the warehouse holds no names), because the analyst's job is to follow
them up. Feedback means over fewer than 5 responses are withheld, so that no
one's individual rating can be read off a chart.

One module per section of the page, as for the leadership report
(``reports/program_impact/``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from reports import queries
from reports.exports import no_mentoring_note
from reports.page import Page, RunInfo
from reports.program_operations.at_risk import at_risk
from reports.program_operations.departments import departments
from reports.program_operations.funnel import funnel
from reports.program_operations.headlines import headlines
from reports.program_operations.programs import programs
from reports.program_operations.sessions_and_feedback import sessions_and_feedback
from reports.queries import KpiTable

__all__ = ["TITLE", "OperationsData", "build", "load", "render"]

TITLE = "Mentoring program operations"


@dataclass(frozen=True)
class OperationsData:
    """Everything the operations report shows, read from the marts."""

    kpis: KpiTable
    activity: dict[str, int]
    at_risk: pd.DataFrame
    programs: pd.DataFrame
    funnel: dict[str, int | None]
    departments: pd.DataFrame
    months: pd.DataFrame
    at_risk_days: int


def load(con: duckdb.DuckDBPyConnection) -> OperationsData:
    """Read the report's data."""
    return OperationsData(
        kpis=queries.kpi_summary(con),
        activity=queries.match_activity_counts(con),
        at_risk=queries.matches_at_risk(con),
        programs=queries.program_funnel(con),
        funnel=queries.funnel_totals(con),
        departments=queries.department_participation(con),
        months=queries.sessions_by_month(con),
        at_risk_days=int(queries.dbt_var("at_risk_days")),
    )


def build(con: duckdb.DuckDBPyConnection, run: RunInfo) -> str:
    """The report's HTML."""
    return render(load(con), run)


def render(data: OperationsData, run: RunInfo) -> str:
    """Assemble the page from loaded data."""
    page = Page(
        title=TITLE,
        subtitle="For HR analysts: active and engaged matches, matches at risk, the "
        "participation funnel, programs and departments, sessions and feedback over time.",
        run=run,
        report_id="program_operations",
    )
    if note := no_mentoring_note(run):
        page.add(note)
    page.section("Matches today", headlines(data), anchor="headlines")
    page.section("Matches at risk", *at_risk(data), anchor="at-risk")
    page.section("Participation funnel", *funnel(page, data), anchor="funnel")
    page.section("Programs", *programs(data.programs), anchor="programs")
    page.section("Departments", *departments(data.departments), anchor="departments")
    page.section(
        "Sessions and feedback over time",
        *sessions_and_feedback(page, data.months),
        anchor="months",
    )
    return page.render()

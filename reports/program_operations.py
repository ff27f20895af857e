"""The HR analysts' report: which matches need attention, and how programs run.

Unlike the leadership report it lists matches by id (match, mentor and mentee
ids: the warehouse holds no names), because the analyst's job is to follow
them up. Feedback means over fewer than 5 responses are withheld, so that no
one's individual rating can be read off a chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette, queries
from reports.exports import no_mentoring_note
from reports.formatting import format_count, format_share
from reports.page import (
    Column,
    Page,
    RunInfo,
    kpi_tile,
    paragraph,
    plain_tile,
    table,
    tiles,
    unavailable_note,
)
from reports.privacy import MIN_CELL, SUPPRESSED_NOTE, SUPPRESSED_TEXT
from reports.queries import KpiTable
from reports.templating import render as render_template

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
    page.section("Matches today", _headlines(data), anchor="headlines")
    page.section("Matches at risk", *_at_risk(data), anchor="at-risk")
    page.section("Participation funnel", *_funnel(page, data), anchor="funnel")
    page.section("Programs", *_programs(data.programs), anchor="programs")
    page.section("Departments", *_departments(data.departments), anchor="departments")
    page.section("Sessions and feedback over time", *_months(page, data.months), anchor="months")
    return page.render()


def _headlines(data: OperationsData) -> Markup:
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


def _at_risk(data: OperationsData) -> list[Markup]:
    intro = paragraph(
        f"Active matches with no session held in the last {data.at_risk_days} days, the "
        "longest silent first. A match that never held a session shows no date."
    )
    if data.at_risk.empty:
        return [intro, paragraph("No active match is at risk.", "note")]
    rows = [
        [
            str(r.match_id),
            str(r.program_id),
            str(r.program_type),
            str(r.mentor_id),
            str(r.mentee_id),
            str(r.start_date)[:10],
            "never" if pd.isna(r.last_held_session_date) else str(r.last_held_session_date)[:10],
            "—"
            if pd.isna(r.days_since_last_held_session)
            else format_count(r.days_since_last_held_session),
            format_count(r.n_held_sessions_to_date),
        ]
        for r in data.at_risk.itertuples(index=False)
    ]
    return [
        intro,
        table(
            [
                Column("Match"),
                Column("Program"),
                Column("Type"),
                Column("Mentor id"),
                Column("Mentee id"),
                Column("Started"),
                Column("Last held session"),
                Column("Days since", True),
                Column("Sessions held", True),
            ],
            rows,
            table_id="matches-at-risk",
            scroll=len(rows) > 15,
        ),
    ]


_FUNNEL_STAGES = (
    ("enrolled", "Enrolled", "enrolments (a person in a program, in one role)"),
    ("matched", "Matched", "people with at least one match in the program"),
    ("active", "Active", "people in a match active today"),
    ("completed", "Completed", "enrolments marked completed"),
)


def _funnel(page: Page, data: OperationsData) -> list[Markup]:
    blocks = [
        paragraph("Over all programs, counting each person once per program and role:"),
        render_template(
            "program_operations/funnel_stages.html",
            stages=[(label, text) for _key, label, text in _FUNNEL_STAGES],
        ),
    ]
    stages = [(label, data.funnel.get(key)) for key, label, _text in _FUNNEL_STAGES]
    missing = [label for label, value in stages if value is None]
    if missing:
        blocks.append(unavailable_note(f"{', '.join(missing)}: enrollments was not exported"))
    shown = [(label, value) for label, value in stages if value is not None]
    if not shown or not any(v for _l, v in shown):
        blocks.append(unavailable_note("no program has started"))
        return blocks
    fig = charts.figure(
        [
            go.Funnel(
                y=[label for label, _v in shown],
                x=[v for _l, v in shown],
                textinfo="value",
                marker={"color": palette.SKY_BLUE},
                connector={"line": {"color": "#BBBBBB"}},
                hovertemplate="%{y}: %{x:,}<extra></extra>",
            )
        ],
        height=300,
        margin={"l": 110, "r": 20, "t": 20, "b": 30},
    )
    blocks.append(page.figure(fig, "funnel", "Participation funnel over all programs."))
    return blocks


def _programs(programs: pd.DataFrame) -> list[Markup]:
    if programs.empty:
        return [unavailable_note("no program has started on or before the as-of date")]

    def count_or_unknown(v: object) -> str:
        return "not exported" if v is None or pd.isna(v) else format_count(v)  # type: ignore[arg-type]

    def counts(r: Any) -> list[str]:
        if r.is_suppressed:
            return [SUPPRESSED_TEXT] * 8
        return [
            count_or_unknown(r.n_enrolled),
            format_count(r.n_matched),
            format_count(r.n_active),
            count_or_unknown(r.n_completed),
            count_or_unknown(r.n_withdrawn),
            format_count(r.n_matches),
            format_count(r.n_active_matches),
            format_count(r.n_at_risk_matches),
        ]

    rows = [
        [
            str(r.program_id),
            str(r.program_name),
            str(r.program_type),
            str(r.start_date)[:10],
            "" if pd.isna(r.end_date) else str(r.end_date)[:10],
            *counts(r),
        ]
        for r in programs.itertuples(index=False)
    ]
    blocks = [
        table(
            [
                Column("Program"),
                Column("Name"),
                Column("Type"),
                Column("Started"),
                Column("Ends"),
                Column("Enrolled", True),
                Column("Matched", True),
                Column("Active", True),
                Column("Completed", True),
                Column("Withdrawn", True),
                Column("Matches", True),
                Column("Active matches", True),
                Column("At risk", True),
            ],
            rows,
            table_id="programs",
        )
    ]
    if programs["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


def _departments(departments: pd.DataFrame) -> list[Markup]:
    intro = paragraph(
        "People employed on the as-of date by their department on that date: how many have "
        "been a mentee, a mentor (a person can be both), and the share taking part."
    )
    if departments.empty:
        return [intro, unavailable_note("nobody is employed on the as-of date")]
    rows = [
        [str(r.department), *([SUPPRESSED_TEXT] * 5)]
        if r.is_suppressed
        else [
            str(r.department),
            format_count(r.n_employed),
            format_count(r.n_mentees),
            format_count(r.n_mentors),
            format_count(r.n_participants),
            format_share(r.participation_rate),
        ]
        for r in departments.itertuples(index=False)
    ]
    blocks = [
        intro,
        table(
            [
                Column("Department"),
                Column("Employed", True),
                Column("Mentees", True),
                Column("Mentors", True),
                Column("Taking part", True),
                Column("Participation", True),
            ],
            rows,
            table_id="departments",
            scroll=len(rows) > 25,
        ),
    ]
    if departments["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


def _months(page: Page, months: pd.DataFrame) -> list[Markup]:
    if months.empty:
        return [unavailable_note("no sessions or feedback yet")]
    x = [str(d)[:7] for d in months["month_start_date"]]
    sessions = charts.figure(
        [
            go.Bar(
                name=label,
                x=x,
                y=charts.values(months[column].tolist()),
                marker={"color": palette.STATUS_COLOURS[status]},
                hovertemplate="%{x}: %{y:,} " + label.lower() + "<extra></extra>",
            )
            for column, status, label in (
                ("n_held", "held", "Held"),
                ("n_cancelled", "cancelled", "Cancelled"),
                ("n_no_show", "no_show", "No-show"),
            )
        ],
        barmode="stack",
        legend={"traceorder": "normal"},
        yaxis={"title": {"text": "Sessions"}},
        height=340,
    )
    traces = []
    for side in ("mentee", "mentor"):
        enough = months[f"n_{side}_feedback"] >= MIN_CELL
        traces.append(
            charts.group_line(
                palette.GROUP_LABELS[side],
                side,
                x,
                [
                    m if ok else None
                    for m, ok in zip(months[f"{side}_learning_avg"], enough, strict=True)
                ],
                "%{x}: %{y:.2f} (%{customdata:,} responses)<extra>"
                + palette.GROUP_LABELS[side]
                + "</extra>",
                customdata=months[f"n_{side}_feedback"].tolist(),
            )
        )
    feedback = charts.figure(
        traces, yaxis={"title": {"text": "Mean learning (1-5)"}, "range": [1, 5]}, height=320
    )
    return [
        page.figure(sessions, "sessions-by-month", "Sessions per month by outcome."),
        page.figure(
            feedback,
            "learning-by-month",
            f"Mean learning score per month, by side; months with fewer than {MIN_CELL} "
            "responses from a side are left out.",
        ),
    ]

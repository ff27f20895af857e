"""The workforce report: the baseline an HR-only export tells, for HR analysts and leadership.

Headcount, hires, separations and turnover (overall, voluntary, by
department), engagement, and each gender's and ethnicity's share of the
workforce against its share of leadership, with the programs' KPIs set
against these baselines where a mentoring export exists. Every number is a
published KPI of ``kpi_summary`` or its history in ``kpi_history``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette, queries
from reports.dictionary import spec
from reports.exports import MENTORING_SOURCES
from reports.page import (
    Column,
    Page,
    RunInfo,
    heading,
    kpi_cell,
    kpi_state,
    kpi_tile,
    paragraph,
    table,
    text_cell,
    tiles,
    two,
    unavailable_note,
)
from reports.privacy import SUPPRESSED_NOTE
from reports.queries import GROUP_ATTRIBUTES, KpiTable

TITLE = "Workforce baseline"

#: The KPIs published per department, as table columns (kpi, header, n label).
DEPARTMENT_COLUMNS = (
    ("headcount", "Headcount", None),
    ("hires_12m", "Hires (12 months)", None),
    ("separations_12m", "Separations (12 months)", None),
    ("turnover_rate_12m", "Turnover", None),
    ("voluntary_turnover_rate_12m", "Voluntary turnover", None),
)
#: The workforce trends drawn over 24 months.
TREND_KPIS = [
    "headcount",
    "turnover_rate_12m",
    "voluntary_turnover_rate_12m",
    "engagement_score_avg",
    "engagement_favorable_share",
]


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
    page.section("Headlines", _headlines(k), anchor="headlines")
    page.section(
        "Headcount and turnover over 24 months", *_trends(page, data.trends), anchor="trends"
    )
    page.section("Turnover by department", *_departments(page, k), anchor="departments")
    page.section("Engagement", *_engagement(page, k, data.trends), anchor="engagement")
    page.section(
        "Representation in the workforce and in leadership",
        *_representation(page, k),
        anchor="representation",
    )
    page.section(
        "The programs against these baselines",
        *baselines(k, data.not_exported),
        anchor="baselines",
    )
    return page.render()


def _headlines(k: KpiTable) -> Markup:
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


def _series(trends: pd.DataFrame, kpi: str) -> pd.DataFrame:
    return trends[trends["kpi"] == kpi]


def _trends(page: Page, trends: pd.DataFrame) -> list[Markup]:
    blocks = [
        paragraph(
            "Each point is the KPI as it stood at a month-end (the last point: the as-of date), "
            "recomputed from today's exports. Turnover at a date counts the 365 days before it."
        )
    ]
    headcount = _series(trends, "headcount")
    if trends.empty or not headcount["value"].notna().any():
        return [*blocks, unavailable_note("no month with a published headcount")]
    head = charts.figure(
        [
            go.Bar(
                x=headcount["as_of_date"].tolist(),
                y=charts.values(headcount["value"].tolist()),
                marker={"color": palette.NEUTRAL},
                hovertemplate="%{x|%Y-%m-%d}: %{y:,} employed<extra></extra>",
            )
        ],
        yaxis={"title": {"text": "Headcount"}},
        height=320,
    )
    turnover = charts.figure(
        [
            charts.plain_line(
                spec(kpi).label,
                colour,
                _series(trends, kpi)["as_of_date"].tolist(),
                _series(trends, kpi)["value"].tolist(),
                "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                dash=dash,
            )
            for kpi, colour, dash in (
                ("turnover_rate_12m", palette.VERMILLION, "solid"),
                ("voluntary_turnover_rate_12m", palette.REDDISH_PURPLE, "dash"),
            )
        ],
        yaxis=charts.percent_axis("Leavers per average head"),
        height=320,
        legend={"y": -0.3},
    )
    blocks.append(
        two(
            [
                ("Headcount", page.figure(head, "trend-headcount")),
                ("Turnover, overall and voluntary", page.figure(turnover, "trend-turnover")),
            ]
        )
    )
    return blocks


def _departments(page: Page, k: KpiTable) -> list[Markup]:
    intro = paragraph(
        "Each count is taken in the department at the date that counts: today for headcount and "
        "hires, the leaving date for a separation, a year ago and today for the two headcounts "
        "of a turnover rate."
    )
    departments = sorted(
        {r.group_value for r in k.group_rows("headcount", "department") if r.group_value}
    )
    if not departments:
        return [intro, unavailable_note(k.get("headcount").unavailable or "no department")]
    rows = [
        [text_cell(d or "")]
        + [
            kpi_cell(k.get(kpi, "department", d), n_label=n_label)
            for kpi, _t, n_label in DEPARTMENT_COLUMNS
        ]
        for d in departments
    ]
    blocks = [
        intro,
        table(
            [Column("Department")]
            + [Column(title, True) for _kpi, title, _n in DEPARTMENT_COLUMNS],
            rows,
            raw_cells=True,
            table_id="workforce-departments",
            scroll=len(rows) > 25,
        ),
    ]
    shown = [
        d
        for d in departments
        if kpi_state(k.get("turnover_rate_12m", "department", d)) == "published"
    ]
    if shown:
        fig = charts.figure(
            [
                go.Bar(
                    name=spec(kpi).label,
                    x=shown,
                    y=[k.get(kpi, "department", d).value for d in shown],
                    marker={"color": colour},
                    hovertemplate="%{x}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                )
                for kpi, colour in (
                    ("turnover_rate_12m", palette.VERMILLION),
                    ("voluntary_turnover_rate_12m", palette.REDDISH_PURPLE),
                )
            ],
            barmode="group",
            yaxis=charts.percent_axis("Leavers per average head"),
            height=340,
        )
        omitted = len(departments) - len(shown)
        caption = "Turnover by department over the last 12 months" + (
            f"; {omitted} department(s) withheld for privacy." if omitted else "."
        )
        blocks.append(page.figure(fig, "turnover-by-department", caption))
    if len(shown) < len(departments):
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


def _engagement(page: Page, k: KpiTable, trends: pd.DataFrame) -> list[Markup]:
    blocks = [
        paragraph(
            "Engagement of the people employed today who took a survey in the last 12 months, "
            "each counted once with their latest score (1 to 5); favourable is 4 or more."
        ),
        tiles(
            [
                kpi_tile(k.get("engagement_score_avg"), n_label="surveyed"),
                kpi_tile(k.get("engagement_favorable_share"), n_label="surveyed"),
            ]
        ),
    ]
    score = _series(trends, "engagement_score_avg")
    if score.empty or not score["value"].notna().any():
        return blocks
    favourable = _series(trends, "engagement_favorable_share")
    fig = charts.figure(
        [
            charts.plain_line(
                spec("engagement_score_avg").label,
                palette.BLUISH_GREEN,
                score["as_of_date"].tolist(),
                score["value"].tolist(),
                "%{x|%Y-%m-%d}: %{y:.2f}<extra>Engagement score</extra>",
            ),
            go.Scatter(
                name=spec("engagement_favorable_share").label,
                x=favourable["as_of_date"].tolist(),
                y=charts.values(favourable["value"].tolist()),
                yaxis="y2",
                mode="lines+markers",
                line={"color": palette.SKY_BLUE, "dash": "dash", "width": 2.5},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>Favourable</extra>",
            ),
        ],
        yaxis={"title": {"text": "Mean score (1-5)"}, "range": [1, 5]},
        yaxis2={
            "title": {"text": "Favourable"},
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1],
        },
        height=320,
        legend={"y": -0.3},
    )
    blocks.append(page.figure(fig, "trend-engagement", "Engagement at each month-end."))
    return blocks


def _representation(page: Page, k: KpiTable) -> list[Markup]:
    blocks = [
        paragraph(
            "Each group's share of the people employed today, against its share of the leaders "
            "(job level 7 or above today). A group under-represented in leadership has a smaller "
            "second share than first."
        )
    ]
    any_small = False
    for attribute in GROUP_ATTRIBUTES:
        shares = {r.group_value: r for r in k.group_rows("representation_share", attribute)}
        leaders = {
            r.group_value: r for r in k.group_rows("leadership_representation_share", attribute)
        }
        values = sorted(set(shares) | set(leaders), key=lambda v: (v == "undisclosed", v or ""))
        if not values:
            continue
        any_small |= any(r.suppressed for r in [*shares.values(), *leaders.values()])
        rows = [
            [
                text_cell(v or ""),
                kpi_cell(shares[v], n_label="employed") if v in shares else text_cell("—"),
                kpi_cell(leaders[v], n_label="leaders") if v in leaders else text_cell("—"),
            ]
            for v in values
        ]
        blocks.append(heading(f"By {attribute}"))
        blocks.append(
            table(
                [
                    Column(attribute.capitalize()),
                    Column("Share of the workforce", True),
                    Column("Share of leadership", True),
                ],
                rows,
                raw_cells=True,
                table_id=f"workforce-representation-{attribute}",
            )
        )
        shown = [
            v
            for v in values
            if v in shares
            and v in leaders
            and kpi_state(shares[v]) == "published"
            and kpi_state(leaders[v]) == "published"
        ]
        if shown:
            fig = charts.figure(
                [
                    go.Bar(
                        name=label,
                        x=shown,
                        y=[table_[v].value for v in shown],
                        marker={"color": colour},
                        hovertemplate="%{x}: %{y:.1%}<extra>" + label + "</extra>",
                    )
                    for label, table_, colour in (
                        ("Workforce", shares, palette.NEUTRAL),
                        ("Leadership", leaders, palette.BLUE),
                    )
                ],
                barmode="group",
                yaxis=charts.percent_axis("Share"),
                height=320,
            )
            omitted = len(values) - len(shown)
            caption = f"Share of the workforce and of leadership by {attribute}" + (
                f"; {omitted} group(s) withheld for privacy." if omitted else "."
            )
            blocks.append(page.figure(fig, f"representation-{attribute}", caption))
    if any_small:
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


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

"""The leadership report: does mentoring work, for mentees and for mentors?

Aggregates only: every number is a published KPI from ``kpi_summary`` (or its
history), a Kaplan-Meier curve trimmed where fewer than 5 remain at risk, or a
count of critical roles. No person's id or row appears anywhere in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from reports import charts, palette, queries, workforce
from reports.dictionary import FOUR_FIFTHS, SPECS, spec
from reports.exports import no_mentoring_note
from reports.formatting import format_count, format_decimal, format_share, format_value
from reports.page import (
    Column,
    Page,
    RunInfo,
    esc,
    kpi_cell,
    kpi_state,
    kpi_tile,
    paragraph,
    table,
    text_cell,
    tiles,
    unavailable_note,
)
from reports.privacy import FEW_ANSWERS_TEXT, MIN_CELL, SUPPRESSED_NOTE, SUPPRESSED_TEXT
from reports.queries import GROUP_ATTRIBUTES, Kpi, KpiTable

TITLE = "Mentoring program impact"

#: The KPIs drawn as 24-month trends, by chart.
TREND_KPIS = {
    "retention": [
        "retention_12m_mentee",
        "retention_12m_mentor",
        "retention_12m_non_participant",
    ],
    "promotion": [
        "promotion_rate_12m_mentee",
        "promotion_rate_12m_mentor",
        "promotion_rate_12m_non_participant",
    ],
    "reach": ["participation_rate", "engaged_match_rate_30d", "succession_coverage_any"],
    "matches": ["active_matches"],
}
_REACH_COLOURS = {
    "participation_rate": palette.SKY_BLUE,
    "engaged_match_rate_30d": palette.BLUISH_GREEN,
    "succession_coverage_any": palette.REDDISH_PURPLE,
}
_REACH_DASHES = {
    "participation_rate": "solid",
    "engaged_match_rate_30d": "dash",
    "succession_coverage_any": "dot",
}


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
    page.section("Headlines", _headlines(k), anchor="headlines")
    page.section("The two-way street", *_two_way_street(page, k), anchor="two-way-street")
    page.section(
        "Who stays: retention over time", *_retention_curves(page, data.curves), anchor="retention"
    )
    page.section(
        "Learning on both sides", *_learning(page, k, data.program_types), anchor="learning"
    )
    page.section("Succession", *_succession(page, k, data.succession), anchor="succession")
    page.section(
        "Participation and representation", *_representation(page, k), anchor="representation"
    )
    page.section("Trends over 24 months", *_trends(page, data.trends), anchor="trends")
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
    page.section("Appendix: what each KPI means", _appendix(), anchor="appendix")
    return page.render()


# ------------------------------------------------------------------------ sections


def _headlines(k: KpiTable) -> str:
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


def _side_table(k: KpiTable, side: str) -> str:
    """Mentees (or mentors) against non-participants: rates and gaps side by side."""
    label = palette.GROUP_LABELS[side]
    cols = [
        Column(""),
        Column(label, numeric=True),
        Column("Non-participants", numeric=True),
        Column("Gap (naive)", numeric=True),
        Column("Gap (adjusted)", numeric=True),
    ]
    dash = text_cell("—", numeric=True)
    rows = [
        [
            text_cell("Retained 12 months"),
            kpi_cell(k.get(f"retention_12m_{side}"), n_label="eligible"),
            kpi_cell(k.get("retention_12m_non_participant"), n_label="eligible"),
            kpi_cell(k.get(f"retention_12m_gap_{side}_naive")),
            kpi_cell(k.get(f"retention_12m_gap_{side}_adjusted"), n_label="compared"),
        ],
        [
            text_cell("Promoted within 12 months"),
            kpi_cell(k.get(f"promotion_rate_12m_{side}"), n_label="eligible"),
            kpi_cell(k.get("promotion_rate_12m_non_participant"), n_label="eligible"),
            dash,
            dash,
        ],
    ]
    if side == "mentee":
        rows.append(
            [
                text_cell("Engagement change (1-5 scale)"),
                kpi_cell(k.get("engagement_delta_mentee"), n_label="with both surveys"),
                kpi_cell(k.get("engagement_delta_non_participant"), n_label="with both surveys"),
                kpi_cell(k.get("engagement_uplift_mentee")),
                dash,
            ]
        )
    else:
        rows.append(
            [
                text_cell("Engagement change (1-5 scale)"),
                text_cell("not measured for mentors", numeric=True),
                kpi_cell(k.get("engagement_delta_non_participant"), n_label="with both surveys"),
                dash,
                dash,
            ]
        )
    body = table(cols, rows, raw_cells=True, table_id=f"two-way-{side}", css="fixed")
    return f'<div class="side"><h3>{esc(label)} and non-participants</h3>{body}</div>'


def _kpi_ref(k: Kpi, text: str) -> str:
    """A number inside a sentence, traceable to its KPI row."""
    return (
        f'<span class="kpi-ref" data-kpi="{esc(k.kpi)}" data-value="{k.value!r}">{esc(text)}</span>'
    )


def _points(k: Kpi) -> str:
    """A gap in words: '4.1 percentage points'."""
    assert k.value is not None
    return f"{abs(k.value) * 100:.1f} percentage points"


def _direction(value: float, more: str, less: str) -> str:
    return more if value > 0 else less


def gap_sentence(k: KpiTable, side: str) -> str:
    """What the adjusted gap means and why it differs from the naive one, in plain words."""
    who = palette.GROUP_LABELS[side]
    naive = k.get(f"retention_12m_gap_{side}_naive")
    adjusted = k.get(f"retention_12m_gap_{side}_adjusted")
    if kpi_state(naive) != "published":
        return paragraph(
            f"{who}' retention cannot be compared with non-participants' yet: "
            f"{naive.unavailable or 'no value published'}.",
            "sentence",
        )
    assert naive.value is not None
    if f"{naive.value * 100:.1f}" == "0.0":
        parts = [
            esc(f"{who} stayed a year about as often as non-participants (a raw gap of "),
            _kpi_ref(naive, _points(naive)),
            esc(")."),
        ]
    else:
        parts = [
            esc(
                f"{who} stayed a year {_direction(naive.value, 'more', 'less')} often than "
                "non-participants: by "
            ),
            _kpi_ref(naive, _points(naive)),
            esc(" in the raw comparison."),
        ]
    if kpi_state(adjusted) != "published":
        parts.append(
            esc(
                " The like-for-like comparison is not available ("
                f"{adjusted.unavailable or 'no value published'}), so this raw gap mixes the "
                "effect of mentoring with differences in who takes part."
            )
        )
        return f'<p class="sentence" id="gap-sentence-{side}">{"".join(parts)}</p>'
    assert adjusted.value is not None
    parts += [
        esc(
            " Comparing like with like — people in the same department, at the same job "
            "level and with the same performance rating when they started — the gap is "
        ),
        _kpi_ref(adjusted, _points(adjusted)),
        esc(
            f" {_direction(adjusted.value, 'in favour of', 'against')} {who.lower()}"
            if f"{adjusted.value * 100:.1f}" != "0.0"
            else ""
        ),
        esc(
            f" (over the {adjusted.n:,}{_of_eligible(k, side)} {who.lower()} who have enough "
            "comparable colleagues). "
        ),
        esc(_uncertainty(adjusted)),
        esc(_why(naive.value, adjusted.value, who.lower())),
        esc(_caution(k, side, adjusted)),
        esc(
            " Neither figure proves that mentoring causes the difference: people who choose "
            "to take part may differ in ways the records do not show."
        ),
    ]
    return f'<p class="sentence" id="gap-sentence-{side}">{"".join(parts)}</p>'


def _of_eligible(k: KpiTable, side: str) -> str:
    """' of 161 eligible' when the group's retention is published (its n is the eligible)."""
    rate = k.get(f"retention_12m_{side}")
    return f" of {rate.n:,} eligible" if kpi_state(rate) == "published" and rate.n else ""


def _uncertainty(gap: Kpi) -> str:
    """The gap's 95% interval in words, and what it means when it includes zero."""
    if gap.ci_low is None or gap.ci_high is None:
        return ""
    low, high = (f"{v * 100:+.1f}" for v in (gap.ci_low, gap.ci_high))
    text = f"The 95% interval runs from {low} to {high} percentage points"
    if gap.ci_low <= 0 <= gap.ci_high:
        return text + ": it includes zero, so these numbers cannot tell the gap from none. "
    return text + ". "


def _caution(k: KpiTable, side: str, adjusted: Kpi) -> str:
    """A warning when the like-for-like comparison rests on under half of the group."""
    rate = k.get(f"retention_12m_{side}")
    if kpi_state(rate) == "published" and rate.n and adjusted.n and 2 * adjusted.n < rate.n:
        return (
            " It rests on fewer than half of the eligible "
            f"{palette.GROUP_LABELS[side].lower()}, so read it with caution."
        )
    return ""


def _why(naive: float, adjusted: float, who: str) -> str:
    """Why the adjusted gap differs from the naive one (compares, never shows a new number)."""
    if f"{naive * 100:.1f}" == f"{adjusted * 100:.1f}":
        return (
            f"The two agree: differences in who the {who} are (department, level, "
            "performance) explain little of the gap."
        )
    if (naive > 0) != (adjusted > 0) and adjusted != 0 and naive != 0:
        return (
            "The adjusted gap points the other way: the raw difference comes from who takes "
            f"part (the {who} are concentrated in departments, levels or performance bands "
            "with different retention), not from mentoring."
        )
    if abs(adjusted) < abs(naive):
        return (
            "The adjusted gap is smaller: part of the raw difference comes from who takes "
            f"part (the {who} tend to be in departments, levels or performance bands where "
            "people stay anyway), not from mentoring itself."
        )
    return (
        "The adjusted gap is larger: the "
        f"{who} are more often in departments, levels or performance bands where people "
        "leave more, which hides part of the difference in the raw comparison."
    )


def _two_way_street(page: Page, k: KpiTable) -> list[str]:
    blocks = [
        paragraph(
            "Mentoring is meant to help both people in a match. Each side is compared with "
            "employees who have never been in a match, one year after their first match."
        ),
        _side_table(k, "mentee"),
        _side_table(k, "mentor"),
        gap_sentence(k, "mentee"),
        gap_sentence(k, "mentor"),
    ]
    traces = []
    for group in ("mentee", "mentor", "non_participant"):
        rows = [k.get(f"retention_12m_{group}"), k.get(f"promotion_rate_12m_{group}")]
        shown = [r if kpi_state(r) == "published" else None for r in rows]
        # Plotly draws error bars as distances from the bar's top: the published
        # interval's bounds, re-expressed for drawing (the hover shows the values).
        above = [
            r.ci_high - r.value if r and r.ci_high is not None and r.value is not None else None
            for r in shown
        ]
        below = [
            r.value - r.ci_low if r and r.ci_low is not None and r.value is not None else None
            for r in shown
        ]
        has_ci = any(v is not None for v in above)
        error: dict[str, Any] = {
            "type": "data",
            "symmetric": False,
            "array": above,
            "arrayminus": below,
            "color": "#444444",
            "thickness": 1.2,
        }
        traces.append(
            go.Bar(
                name=palette.GROUP_LABELS[group],
                x=["Retained 12 months", "Promoted within 12 months"],
                y=[r.value if r else None for r in shown],
                marker={"color": palette.GROUP_COLOURS[group]},
                error_y=error if has_ci else None,
                text=[
                    format_value(r.value, "rate") if r and r.value is not None else ""
                    for r in shown
                ],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": "#FFFFFF" if group == "mentee" else "#000000"},
                customdata=[r.n if r else None for r in shown],
                hovertemplate="%{x}: %{y:.1%} (n = %{customdata:,})<extra>"
                + palette.GROUP_LABELS[group]
                + "</extra>",
            )
        )
    if any(t.y[0] is not None or t.y[1] is not None for t in traces):
        fig = charts.figure(
            traces,
            barmode="group",
            yaxis=charts.percent_axis("Share of eligible people", (0, 1.1)),
            height=360,
        )
        blocks.append(
            page.figure(
                fig,
                "two-way-street",
                "12-month retention and promotion by group"
                + (
                    " (bars: 95% confidence intervals)"
                    if any(t.error_y and t.error_y.array for t in traces)
                    else ""
                )
                + ".",
            )
        )
    else:
        blocks.append(unavailable_note("no group has a published retention or promotion rate"))
    return blocks


def _retention_curves(page: Page, curves: pd.DataFrame) -> list[str]:
    intro = paragraph(
        "The share of each group still employed, month by month after their first match "
        "(Kaplan-Meier estimate: people who joined recently count for as long as they have "
        "been followed). Month 12 is the one-year mark the retention KPIs use."
    )
    # A curve's tail over a handful of people says nothing and points at individuals.
    shown = curves[curves["n_at_risk"] >= MIN_CELL]
    if shown.empty:
        return [
            intro,
            unavailable_note("no group has enough people followed since their first match"),
        ]
    traces = []
    for group in ("mentee", "mentor", "non_participant"):
        g = shown[shown["participant_group"] == group]
        if g.empty:
            continue
        traces.append(
            charts.group_line(
                palette.GROUP_LABELS[group],
                group,
                g["months_since_index_date"].tolist(),
                g["survival_probability"].tolist(),
                "month %{x}: %{y:.1%} still employed (%{customdata:,} followed)<extra>"
                + palette.GROUP_LABELS[group]
                + "</extra>",
                shape="hv",
                customdata=g["n_at_risk"].tolist(),
            )
        )
    fig = charts.figure(
        traces,
        xaxis={
            "title": {"text": "Months since first match (non-participants: since reference date)"},
            "dtick": 6,
        },
        yaxis=charts.percent_axis("Still employed"),
        height=380,
        shapes=[
            {
                "type": "line",
                "x0": 12,
                "x1": 12,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#999999", "dash": "dot", "width": 1},
            }
        ],
    )
    return [
        intro,
        page.figure(
            fig,
            "retention-curves",
            f"Curves stop where fewer than {MIN_CELL} people of a group are still followed.",
        ),
    ]


def _learning(page: Page, k: KpiTable, types: pd.DataFrame) -> list[str]:
    blocks = [
        paragraph(
            'Both sides rate "I learned something valuable from my counterpart" from 1 to 5. '
            "The reciprocity index is the share of matches where both say so (4 or more)."
        ),
        tiles(
            [
                kpi_tile(k.get("mentee_learning_avg"), n_label="responses"),
                kpi_tile(k.get("mentor_learning_avg"), n_label="responses"),
                kpi_tile(k.get("reciprocity_index"), n_label="matches with both sides"),
                kpi_tile(k.get("mentee_initiated_share_12m"), n_label="sessions"),
                kpi_tile(k.get("avg_sessions_per_active_match_90d"), n_label="matches"),
            ]
        ),
        "<h3>Reverse mentoring against traditional</h3>",
        paragraph(
            "In reverse mentoring the mentor is usually the more junior person. The table "
            "compares the program types the organisation runs, from the same feedback."
        ),
    ]
    if types.empty:
        blocks.append(unavailable_note("no matches yet"))
        return blocks

    def mean_or_why(mean: float | None, n: int | None) -> str:
        # the mart nulls a mean over fewer than MIN_CELL answers
        if mean is not None and not pd.isna(mean):
            return format_decimal(mean)
        return f"{FEW_ANSWERS_TEXT} responses" if n else "no responses"

    rows = []
    for r in types.itertuples(index=False):
        if r.is_suppressed:
            rows.append([str(r.program_type)] + [SUPPRESSED_TEXT] * 5)
            continue
        n_both = int(r.n_matches_both_sides)
        share = r.reciprocity_share
        rows.append(
            [
                str(r.program_type),
                format_count(r.n_matches),
                format_count(r.n_active_matches),
                mean_or_why(r.mentee_learning_avg, r.n_mentee_feedback),
                mean_or_why(r.mentor_learning_avg, r.n_mentor_feedback),
                format_share(share) + f" of {n_both:,}"
                if share is not None and not pd.isna(share)
                else (f"{FEW_ANSWERS_TEXT} matches" if n_both else "no match with both sides"),
            ]
        )
    blocks.append(
        table(
            [
                Column("Program type"),
                Column("Matches", True),
                Column("Active", True),
                Column("Mentee learning", True),
                Column("Mentor learning", True),
                Column("Reciprocal (of matches with both sides)", True),
            ],
            rows,
            table_id="program-types",
        )
    )
    shown = types[types["mentee_learning_avg"].notna() | types["mentor_learning_avg"].notna()]
    if not shown.empty:
        traces = []
        for side in ("mentee", "mentor"):
            traces.append(
                go.Bar(
                    name=palette.GROUP_LABELS[side],
                    x=shown["program_type"].tolist(),
                    y=charts.values(shown[f"{side}_learning_avg"].tolist()),
                    marker={"color": palette.GROUP_COLOURS[side]},
                    hovertemplate="%{x}: %{y:.2f}<extra>" + palette.GROUP_LABELS[side] + "</extra>",
                )
            )
        fig = charts.figure(
            traces,
            barmode="group",
            yaxis={"title": {"text": "Mean learning (1-5)"}, "range": [1, 5]},
            height=320,
        )
        blocks.append(
            page.figure(fig, "learning-by-type", "Mean learning score by program type and side.")
        )
    if types["is_suppressed"].any():
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    blocks.append(
        paragraph(
            f"Means over fewer than {MIN_CELL} responses are not shown. These per-type figures "
            "apply the dictionary's learning and reciprocity definitions within each program type.",
            "note",
        )
    )
    return blocks


def _succession(page: Page, k: KpiTable, roles: dict[str, int]) -> list[str]:
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
            f'<p class="sentence" id="knowledge-transfer-sentence">'
            f"{_kpi_ref(gap, format_count(gap.value))} of the {gap.n:,} critical roles held by "
            "someone aged 60 or more have an incumbent who is not mentoring anyone: their know-how "
            "has no planned route to the next generation.</p>"
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


def _representation(page: Page, k: KpiTable) -> list[str]:
    overall = k.get("participation_rate")
    blocks = [
        paragraph(
            "Who takes part, by gender and by ethnicity, against each group's share of the "
            "workforce and of its leadership. A representation index of 1 means a group takes "
            "part in proportion to its size. The selection ratio divides the lowest "
            "participation rate by the highest; below 0.8 (the four-fifths rule of thumb) "
            "deserves a closer look."
        ),
        tiles(
            [
                kpi_tile(overall, n_label="employed"),
                kpi_tile(k.get("cross_gender_match_share"), n_label="matches"),
                kpi_tile(k.get("cross_ethnicity_match_share"), n_label="matches"),
            ]
        ),
    ]
    any_small = False
    columns = (
        ("participation_rate", "Participation rate", "employed"),
        ("representation_index", "Representation index", "taking part"),
        ("representation_share", "Share of the workforce", "employed"),
        ("leadership_representation_share", "Share of leadership", "leaders"),
    )
    for attribute in k.attributes():
        if attribute not in GROUP_ATTRIBUTES:
            continue
        by_kpi = {
            kpi: {r.group_value: r for r in k.group_rows(kpi, attribute)} for kpi, *_ in columns
        }
        values = sorted(
            {v for rows in by_kpi.values() for v in rows},
            key=lambda v: (v == "undisclosed", v or ""),
        )
        if not values:
            continue
        any_small |= any(r.suppressed for rows in by_kpi.values() for r in rows.values())
        ratio = k.get("selection_ratio_min", attribute, None)
        rows = [
            [text_cell(v or "")]
            + [
                kpi_cell(by_kpi[kpi][v], n_label=n_label) if v in by_kpi[kpi] else text_cell("—")
                for kpi, _title, n_label in columns
            ]
            for v in values
        ]
        blocks.append(f"<h3>By {esc(attribute)}</h3>")
        blocks.append(
            tiles(
                [kpi_tile(ratio, label=f"Selection ratio ({attribute})", n_label="groups compared")]
            )
        )
        blocks.append(_four_fifths_flag(ratio, attribute))
        blocks.append(
            table(
                [Column(attribute.capitalize())]
                + [Column(title, True) for _kpi, title, _n in columns],
                rows,
                raw_cells=True,
                table_id=f"representation-{attribute}",
            )
        )
        rates = by_kpi["participation_rate"]
        shown = [v for v in values if v in rates and kpi_state(rates[v]) == "published"]
        if shown:
            fig = charts.figure(
                [
                    go.Bar(
                        x=shown,
                        y=[rates[v].value for v in shown],
                        marker={"color": palette.NEUTRAL},
                        text=[format_value(rates[v].value or 0.0, "rate") for v in shown],
                        textposition="outside",
                        customdata=[rates[v].n for v in shown],
                        hovertemplate="%{x}: %{y:.1%} of %{customdata:,} employed take part"
                        "<extra></extra>",
                        showlegend=False,
                    )
                ],
                yaxis=charts.percent_axis(
                    "Participation rate", (0, max(rates[v].value or 0.0 for v in shown) * 1.25 or 1)
                ),
                height=300,
            )
            omitted = len(values) - len(shown)
            caption = f"Participation rate by {attribute}" + (
                f"; {omitted} group(s) withheld for privacy or unavailable." if omitted else "."
            )
            blocks.append(page.figure(fig, f"participation-{attribute}", caption))
    if any_small:
        blocks.append(paragraph(SUPPRESSED_NOTE, "note"))
    return blocks


def _four_fifths_flag(ratio: Kpi, attribute: str) -> str:
    if kpi_state(ratio) != "published" or ratio.value is None:
        return ""
    if ratio.value < FOUR_FIFTHS:
        return (
            f'<p><span class="flag bad" data-four-fifths="{esc(attribute)}" data-flag="below">'
            f"Below four-fifths</span> The least-represented {esc(attribute)} group takes part at "
            f"less than four-fifths of the rate of the most-represented one.</p>"
        )
    return (
        f'<p><span class="flag ok" data-four-fifths="{esc(attribute)}" data-flag="ok">'
        f"Four-fifths met</span> Every published {esc(attribute)} group takes part at four-fifths "
        "or more of the highest rate.</p>"
    )


def _trends(page: Page, trends: pd.DataFrame) -> list[str]:
    blocks = [
        paragraph(
            "Each point is the KPI as it stood at a month-end (the last point: the as-of "
            "date), recomputed from today's exports so that the history is consistent. "
            "A gap in a line is a month where the KPI was not available."
        )
    ]
    if trends.empty:
        return [*blocks, unavailable_note("no history")]

    def series(kpi: str) -> pd.DataFrame:
        return trends[trends["kpi"] == kpi]

    def has_values(kpis: list[str]) -> bool:
        return any(series(x)["value"].notna().any() for x in kpis)

    charts_html = []
    for name, title in (
        ("retention", "Retained 12 months"),
        ("promotion", "Promoted within 12 months"),
    ):
        kpis = TREND_KPIS[name]
        if not has_values(kpis):
            charts_html.append(
                f"<div><h3>{title}</h3>{unavailable_note('no month with a published value')}</div>"
            )
            continue
        traces = []
        for kpi in kpis:
            group = kpi.rsplit("_12m_", 1)[1]
            s = series(kpi)
            traces.append(
                charts.group_line(
                    palette.GROUP_LABELS[group],
                    group,
                    s["as_of_date"].tolist(),
                    s["value"].tolist(),
                    "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + palette.GROUP_LABELS[group] + "</extra>",
                )
            )
        fig = charts.figure(traces, yaxis=charts.percent_axis(""), height=320)
        charts_html.append(f"<div><h3>{title}</h3>{page.figure(fig, f'trend-{name}')}</div>")
    blocks.append(f'<div class="two">{"".join(charts_html)}</div>')

    reach_html = []
    if has_values(TREND_KPIS["reach"]):
        traces = []
        for kpi in TREND_KPIS["reach"]:
            s = series(kpi)
            traces.append(
                charts.plain_line(
                    spec(kpi).label,
                    _REACH_COLOURS[kpi],
                    s["as_of_date"].tolist(),
                    s["value"].tolist(),
                    "%{x|%Y-%m-%d}: %{y:.1%}<extra>" + spec(kpi).label + "</extra>",
                    dash=_REACH_DASHES[kpi],
                )
            )
        fig = charts.figure(
            traces, yaxis=charts.percent_axis("Share"), height=340, legend={"y": -0.3}
        )
        reach_html.append(
            f"<div><h3>Reach and engagement</h3>{page.figure(fig, 'trend-reach')}</div>"
        )
    s = series("active_matches")
    if s["value"].notna().any():
        fig = charts.figure(
            [
                go.Bar(
                    x=s["as_of_date"].tolist(),
                    y=charts.values(s["value"].tolist()),
                    marker={"color": palette.BLUISH_GREEN},
                    hovertemplate="%{x|%Y-%m-%d}: %{y:,} active matches<extra></extra>",
                )
            ],
            yaxis={"title": {"text": "Active matches"}},
            height=340,
        )
        reach_html.append(f"<div><h3>Active matches</h3>{page.figure(fig, 'trend-matches')}</div>")
    if reach_html:
        blocks.append(f'<div class="two">{"".join(reach_html)}</div>')
    return blocks


def _appendix() -> str:
    items = "".join(
        f'<dt id="def-{esc(s.kpi)}">{esc(s.label)} <span class="note">({esc(s.kpi)})</span></dt>'
        f"<dd>{esc(s.definition)}</dd>"
        for s in SPECS
    )
    return f'<dl class="definitions">{items}</dl>' + paragraph(
        "Rates are shares of a population, shown as percentages; gaps are differences of "
        "rates in percentage points. 95% confidence intervals are shown where the KPI "
        'publishes one. A KPI that cannot be computed says why ("not available: ..."), '
        "and is never shown as 0. " + SUPPRESSED_NOTE,
        "note",
    )

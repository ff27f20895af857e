"""The dictionary's *Workforce KPIs* and its small-cell rules, in pandas.

Part of the reference implementation (see ``kpis_pandas``): written from
``shared/contract/kpis.md`` only, never from the dbt models. Readings where
the dictionary leaves room are marked ``READING:``.
"""

from __future__ import annotations

import pandas as pd

from tests.reference import kpis_pandas as k

#: A leader's level at D is at least this.
LEADER_MIN_LEVEL = 7
#: Scores at least this are favourable.
FAVORABLE_SCORE = 4
#: The KPIs published overall and per department.
FLOW_KPIS = (
    "headcount",
    "hires_12m",
    "separations_12m",
    "turnover_rate_12m",
    "voluntary_turnover_rate_12m",
)


def _department_group(values: pd.Series) -> pd.Series:
    """The department group value: trimmed, lower-cased."""
    return values.astype("str").str.strip().str.lower()


def _departments_at(view: k.View, people: pd.DataFrame, at: pd.Series | pd.Timestamp) -> pd.Series:
    """Department group value of each person at ``at`` (one date or one per row)."""
    queries = people[["employee_id"]].assign(at=at)
    return _department_group(k.department_at(view, queries))


def _flow_counts(view: k.View) -> tuple[dict[str, int], pd.DataFrame]:
    """Overall counts and the same per department (one row per department value).

    Counts: H(D) (``headcount``), H(D - 365) (``headcount_year_before``),
    hires in (D - 365, D], separations and voluntary separations in
    (D - 365, D]. Departments: at D for headcount and hires, at the
    termination date for a separation, at D - 365 for the first headcount.
    """
    emp, d, start = view.employees, view.d, view.days(-k.YEAR_DAYS)
    staff = emp[k.employed(emp, d)]
    staff_before = emp[k.employed(emp, start)]
    hires = emp[(emp["hire_date"] > start) & (emp["hire_date"] <= d)]
    leavers = emp[(emp["termination_date"] > start) & (emp["termination_date"] <= d)]
    voluntary = leavers["termination_reason"] == "voluntary"
    parts = {
        "headcount": _departments_at(view, staff, d),
        "headcount_year_before": _departments_at(view, staff_before, start),
        "hires": _departments_at(view, hires, d),
        "separations": _departments_at(view, leavers, leavers["termination_date"]),
        "voluntary_separations": _departments_at(view, leavers, leavers["termination_date"])[
            voluntary
        ],
    }
    overall = {name: len(values) for name, values in parts.items()}
    per_department = pd.DataFrame(
        {name: values.value_counts() for name, values in parts.items()}
    ).fillna(0)
    return overall, per_department.astype(int)


def _flow_entries(counts: dict[str, int] | pd.Series, group: k.Group | None) -> list[k.Entry]:
    """The five flow KPIs from one set of counts (overall or one department)."""
    h, h0 = int(counts["headcount"]), int(counts["headcount_year_before"])
    both = h0 + h
    empty = "nobody employed on D"
    return [
        k.entry("headcount", h, h, group, empty_reason=empty),
        k.entry("hires_12m", int(counts["hires"]), h, group, empty_reason=empty),
        k.entry("separations_12m", int(counts["separations"]), h, group, empty_reason=empty),
        k.entry(
            "turnover_rate_12m",
            counts["separations"] / (both / 2) if both else None,
            both,
            group,
            empty_reason="nobody employed on D or D - 365",
        ),
        k.entry(
            "voluntary_turnover_rate_12m",
            counts["voluntary_separations"] / (both / 2) if both else None,
            both,
            group,
            empty_reason="nobody employed on D or D - 365",
        ),
    ]


def flow_kpis(view: k.View) -> list[k.Entry]:
    """Headcount, hires, separations, turnover: overall and per department.

    READING: a department value is suppressed (all five KPIs) when fewer
    than ``min_cell`` people are employed in it on D, zero included (a
    department seen only among last year's staff or the leavers).
    """
    overall, per_department = _flow_counts(view)
    out = _flow_entries(overall, None)
    hidden = k.suppressed_values(
        (str(value), int(row["headcount"]), int(row["headcount"]) < view.min_cell)
        for value, row in per_department.iterrows()
    )
    for value, row in per_department.sort_index().iterrows():
        group: k.Group = {"department": str(value)}
        if value in hidden:
            out += [k.suppressed(kpi, group) for kpi in FLOW_KPIS]
        else:
            out += _flow_entries(row, group)
    return out


def representation_kpis(view: k.View) -> list[k.Entry]:
    """``representation_share`` and ``leadership_representation_share`` per group value.

    Leaders: employed on D with a level at D of at least 7. Group values:
    those of the employees employed on D, so a value with no leader has a
    leadership row, suppressed (fewer than 5 leaders).
    """
    emp, d = view.employees, view.d
    staff = emp[k.employed(emp, d)].reset_index(drop=True)
    levels = k.level_at(view, staff[["employee_id"]].assign(at=d))
    leader = (levels >= LEADER_MIN_LEVEL).to_numpy()
    n_staff, n_leaders = len(staff), int(leader.sum())
    out: list[k.Entry] = []
    for attr in k.GROUP_ATTRIBUTES:
        table = (
            pd.DataFrame({"value": k.group_value(staff[attr]).to_numpy(), "leader": leader})
            .groupby("value")["leader"]
            .agg(headcount="size", leaders="sum")
            .sort_index()
        )
        hidden_share = k.suppressed_values(
            (str(v), int(r["headcount"]), r["headcount"] < view.min_cell)
            for v, r in table.iterrows()
        )
        hidden_leaders = k.suppressed_values(
            (str(v), int(r["leaders"]), r["leaders"] < view.min_cell) for v, r in table.iterrows()
        )
        for value, row in table.iterrows():
            group: k.Group = {attr: str(value)}
            headcount, leaders = int(row["headcount"]), int(row["leaders"])
            out.append(
                k.suppressed("representation_share", group)
                if value in hidden_share
                else k.entry("representation_share", headcount / n_staff, headcount, group)
            )
            out.append(
                k.suppressed("leadership_representation_share", group)
                if value in hidden_leaders
                else k.entry("leadership_representation_share", leaders / n_leaders, leaders, group)
            )
    return out


def workforce_engagement_kpis(view: k.View) -> list[k.Entry]:
    """``engagement_score_avg`` and ``engagement_favorable_share``.

    Among the employees employed on D with a survey in (D - 365, D]: each
    one's latest score in the window (several that day: their mean).
    """
    names = ("engagement_score_avg", "engagement_favorable_share")
    reason = view.missing(["employees", "engagement_surveys"])
    if reason:
        return [k.unavailable(kpi, reason) for kpi in names]
    emp, d, start = view.employees, view.d, view.days(-k.YEAR_DAYS)
    staff = pd.Index(emp.loc[k.employed(emp, d), "employee_id"])
    scores = view.engagement_by_date
    window = scores[
        (scores["date"] > start) & (scores["date"] <= d) & scores["employee_id"].isin(staff)
    ]
    latest = window.sort_values(["employee_id", "date"]).groupby("employee_id").tail(1)
    score = latest["engagement_score"]
    empty = "nobody employed on D has a survey in (D - 365, D]"
    return [
        k.entry(names[0], score.mean() if len(score) else None, len(score), empty_reason=empty),
        k.entry(
            names[1],
            (score >= FAVORABLE_SCORE).mean() if len(score) else None,
            len(score),
            empty_reason=empty,
        ),
    ]


def workforce_kpis(view: k.View) -> list[k.Entry]:
    """Every workforce KPI of the dictionary at D."""
    return flow_kpis(view) + representation_kpis(view) + workforce_engagement_kpis(view)

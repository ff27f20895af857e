"""Tests of the reference KPI implementation itself, on hand-made organisations.

Every expected number below is worked out by hand from shared/contract/kpis.md,
so these tests check the reference against the dictionary; the reference then
checks the dbt implementation (see ``reference.compare``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.contract import SOURCES
from pipelines.warehouse import reset_raw_schema
from tests.dictionary import DICTIONARY_KPIS
from tests.reference.compare import assert_kpis_match
from tests.reference.kpis_pandas import (
    View,
    as_of_view,
    compute_kpis,
    department_at,
    engagement_delta,
    group_value,
    level_at,
    load_tables,
    performance_band_at,
    promotion_events,
)

D = dt.date(2026, 11, 25)
ALL_SOURCES = {s.name for s in SOURCES}


# --------------------------------------------------------------------------
# Builders: dates are offsets in days from D, so "t0 + 365" reads as arithmetic.
# --------------------------------------------------------------------------


def day(offset: int) -> dt.date:
    """The date ``offset`` days after D."""
    return D + dt.timedelta(days=offset)


def person(
    employee_id: str,
    *,
    hired: int = -3000,
    left: int | None = None,
    department: str = "Ops",
    job_level: int = 3,
    gender: str | None = "female",
    ethnicity: str | None = "a",
    birth_year: int | None = 1980,
) -> dict[str, Any]:
    """An employees row; ``hired``/``left`` are day offsets from D."""
    return {
        "employee_id": employee_id,
        "hire_date": day(hired),
        "termination_date": None if left is None else day(left),
        "department": department,
        "job_level": job_level,
        "gender": gender,
        "ethnicity": ethnicity,
        "birth_year": birth_year,
    }


def match(
    match_id: str, mentor: str, mentee: str, start: int, end: int | None = None
) -> dict[str, Any]:
    """A matches row; ``start``/``end`` are day offsets from D."""
    return {
        "match_id": match_id,
        "program_id": "P1",
        "mentor_id": mentor,
        "mentee_id": mentee,
        "start_date": day(start),
        "end_date": None if end is None else day(end),
    }


def program(program_id: str = "P1", start: int = -2000) -> dict[str, Any]:
    """A programs row starting ``start`` days from D."""
    return {
        "program_id": program_id,
        "program_name": program_id,
        "program_type": "traditional",
        "start_date": day(start),
    }


def history(employee_id: str, at: int, level: int, department: str | None = None) -> dict[str, Any]:
    """A job_history row effective ``at`` days from D."""
    return {
        "employee_id": employee_id,
        "effective_date": day(at),
        "job_level": level,
        "department": department,
    }


def session(
    session_id: str, match_id: str, at: int, status: str = "held", by: str = "mentee"
) -> dict[str, Any]:
    """A sessions row dated ``at`` days from D."""
    return {
        "session_id": session_id,
        "match_id": match_id,
        "session_date": day(at),
        "initiated_by": by,
        "status": status,
    }


def survey(employee_id: str, at: int, score: float) -> dict[str, Any]:
    """An engagement_surveys row dated ``at`` days from D."""
    return {"employee_id": employee_id, "survey_date": day(at), "engagement_score": score}


def tables_of(sources: dict[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    """DataFrames of the given rows (omitted columns are filled by the reference)."""
    return {name: pd.DataFrame(rows) for name, rows in sources.items()}


class Published:
    """The reference's entries, looked up by (kpi, group)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self._by_key = {(e["kpi"], json.dumps(e["group"], sort_keys=True)): e for e in entries}
        assert len(self._by_key) == len(entries), "an entry is listed twice"

    def __call__(self, kpi: str, group: dict[str, str | None] | None = None) -> dict[str, Any]:
        return self._by_key[(kpi, json.dumps(group, sort_keys=True))]

    def value(self, kpi: str, group: dict[str, str | None] | None = None) -> Any:
        return self(kpi, group)["value"]

    def n(self, kpi: str, group: dict[str, str | None] | None = None) -> Any:
        return self(kpi, group)["n"]


def kpis(
    *, exported: set[str] | None = None, min_cell: int = 5, **sources: list[dict[str, Any]]
) -> Published:
    """Run the reference on D; every source given is exported unless said otherwise."""
    exported = set(sources) if exported is None else exported
    return Published(compute_kpis(tables_of(sources), exported, D, min_cell))


def view_of(**sources: list[dict[str, Any]]) -> View:
    """The as-of-D view of the given sources (for the building blocks)."""
    return as_of_view(tables_of(sources), set(sources), D)


def at(*pairs: tuple[str, int]) -> pd.DataFrame:
    """Lookup queries (employee_id, date ``offset`` days from D)."""
    return pd.DataFrame(
        {"employee_id": [p[0] for p in pairs], "at": pd.to_datetime([day(p[1]) for p in pairs])}
    )


def assert_unavailable(entry: dict[str, Any], because: str | None = None) -> None:
    """Value and n null, not suppressed, a non-empty reason (containing ``because``)."""
    assert entry["value"] is None and entry["n"] is None
    assert entry["suppressed"] is False
    assert isinstance(entry["unavailable"], str) and entry["unavailable"]
    if because:
        assert because in entry["unavailable"]


# --------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------


def test_retained_needs_termination_after_t0_plus_365_so_a_termination_on_it_is_not_retained():
    out = kpis(
        employees=[person("R"), person("A", left=-500 + 365), person("B", left=-500 + 366)],
        matches=[match("m1", "R", "A", -500), match("m2", "R", "B", -500)],
        programs=[program()],
    )
    assert out.value("retention_12m_mentee") == 0.5
    assert out.n("retention_12m_mentee") == 2
    assert out.value("retention_12m_mentor") == 1.0


def test_termination_on_t0_means_not_employed_at_t0_so_not_eligible():
    out = kpis(
        employees=[
            person("R"),
            person("A", left=-500),  # leaves on t0: not employed at t0
            person("B", left=-499),  # employed at t0, leaves the next day
            person("C", hired=-499),  # hired after t0
        ],
        matches=[
            match("m1", "R", "A", -500),
            match("m2", "R", "B", -500),
            match("m3", "R", "C", -500),
        ],
        programs=[program()],
    )
    assert out.n("retention_12m_mentee") == 1
    assert out.value("retention_12m_mentee") == 0.0


@pytest.mark.parametrize(("t0", "eligible"), [(-365, True), (-364, False)])
def test_eligible_for_a_12_month_outcome_needs_t0_on_or_before_d_minus_365(t0, eligible):
    out = kpis(
        employees=[person("R"), person("A"), person("B")],
        matches=[match("m1", "R", "A", -1000), match("m2", "R", "B", t0)],
        programs=[program()],
    )
    assert out.n("retention_12m_mentee") == (2 if eligible else 1)


def test_termination_after_d_is_employed_on_d_and_retained():
    out = kpis(
        employees=[person("R"), person("A", left=30)],
        matches=[match("m1", "R", "A", -500)],
        programs=[program()],
    )
    assert out.value("retention_12m_mentee") == 1.0
    assert out.value("participation_rate") == 1.0
    assert out.n("participation_rate") == 2


def test_far_future_termination_date_is_a_date_like_any_other():
    far = person("A")
    far["termination_date"] = dt.date(9999, 12, 31)  # beyond datetime64[ns]
    out = kpis(employees=[person("R"), far], matches=[match("m1", "R", "A", -500)])
    assert out.value("retention_12m_mentee") == 1.0


def test_non_participant_t0_is_the_later_of_hire_date_and_first_program_start():
    out = kpis(
        employees=[
            person("R"),
            person("A"),
            person("N1", hired=-2000, left=-800 + 365),  # t0 = first program: not retained
            person("N2", hired=-500),  # t0 = hire date: retained
            person("N3", hired=-200),  # t0 = hire date, too recent: not eligible
            person("N4", hired=-2000, left=-900),  # left before t0: not eligible
        ],
        matches=[match("m1", "R", "A", -700)],
        programs=[program("P1", -800), program("P2", -300)],
    )
    assert out.n("retention_12m_non_participant") == 2
    assert out.value("retention_12m_non_participant") == 0.5


def test_person_in_both_groups_has_a_t0_per_group_and_is_not_a_non_participant():
    out = kpis(
        employees=[person("R"), person("Q", left=-650 + 366), person("A"), person("N")],
        matches=[
            match("m1", "R", "A", -700),
            match("m2", "Q", "A", -600),  # Q mentors from -600 ...
            match("m3", "R", "Q", -650),  # ... and is mentored from -650
        ],
        programs=[program()],
    )
    # As a mentee (t0 = -650) Q leaves on t0 + 366: retained.
    assert (out.value("retention_12m_mentee"), out.n("retention_12m_mentee")) == (1.0, 2)
    # As a mentor (t0 = -600) the same day is before t0 + 365: not retained.
    assert (out.value("retention_12m_mentor"), out.n("retention_12m_mentor")) == (0.5, 2)
    assert out.n("retention_12m_non_participant") == 1


def _stratified_org() -> dict[str, list[dict[str, Any]]]:
    """Mentees (t0 = -400) and non-participants (t0 = -1000) in three strata.

    Stratum (Ops, 3, unrated): 6 mentees, 4 retained; 5 non-participants, 5 retained.
    Stratum (Sales, 3, unrated): 5 mentees, 5 retained; 5 non-participants, 2 retained.
    Stratum (HR, 3, unrated): 5 mentees, 0 retained; 4 non-participants: not qualifying.
    The Sales mentees work in Ops today: their history puts them in Sales at t0.
    """
    employees = [person("R", department="Mentoring")]
    matches, jobs = [], []

    def mentees(prefix: str, department: str, count: int, retained: int) -> None:
        for i in range(count):
            eid = f"{prefix}{i}"
            left = None if i < retained else -400 + 100
            employees.append(person(eid, left=left, department=department))
            matches.append(match(f"m_{eid}", "R", eid, -400))

    def others(prefix: str, department: str, count: int, retained: int) -> None:
        for i in range(count):
            left = None if i < retained else -1000 + 100
            employees.append(person(f"{prefix}{i}", hired=-1000, left=left, department=department))

    mentees("a", "Ops", 6, 4)
    others("n", "Ops", 5, 5)
    mentees("b", "Ops", 5, 5)
    for i in range(5):
        jobs += [history(f"b{i}", -500, 3, "Sales"), history(f"b{i}", -100, 3, "Ops")]
    others("o", "Sales", 5, 2)
    mentees("c", "HR", 5, 0)
    others("p", "HR", 4, 4)
    return {
        "employees": employees,
        "matches": matches,
        "job_history": jobs,
        "programs": [program("P1", -2000)],
    }


def test_adjusted_gap_averages_qualifying_strata_weighted_by_group_members():
    out = kpis(**_stratified_org())
    # Ops: 4/6 - 5/5 = -1/3 (weight 6); Sales: 5/5 - 2/5 = 0.6 (weight 5); HR: 4 < 5 others.
    assert out.value("retention_12m_gap_mentee_adjusted") == pytest.approx(1 / 11, abs=1e-12)
    assert out.n("retention_12m_gap_mentee_adjusted") == 11


def test_naive_gap_is_group_retention_minus_non_participant_retention():
    out = kpis(**_stratified_org())
    assert out.value("retention_12m_gap_mentee_naive") == pytest.approx(9 / 16 - 11 / 14, abs=1e-12)
    assert out.n("retention_12m_gap_mentee_naive") == 16


def test_adjusted_gap_without_a_qualifying_stratum_is_unavailable():
    out = kpis(**_stratified_org())
    # The only mentor works in a department no non-participant shares.
    assert_unavailable(out("retention_12m_gap_mentor_adjusted"))
    assert out.n("retention_12m_gap_mentor_naive") == 1


# --------------------------------------------------------------------------
# Level, department, band at a date; promotion events
# --------------------------------------------------------------------------


def test_level_at_a_date_takes_the_highest_of_same_day_history_rows():
    view = view_of(
        employees=[person("A", job_level=9)],
        job_history=[history("A", -100, 3), history("A", -100, 5), history("A", -50, 4)],
    )
    levels = level_at(view, at(("A", -101), ("A", -100), ("A", -51), ("A", -50)))
    assert levels.tolist() == [9, 5, 5, 4]  # before any row: employees.job_level


def test_department_at_a_date_skips_empty_departments_and_breaks_ties_alphabetically():
    view = view_of(
        employees=[person("A", department="Today")],
        job_history=[
            history("A", -100, 3, "Sales"),
            history("A", -100, 3, "Marketing"),
            history("A", -50, 3, None),
            history("A", -40, 3, "  "),
        ],
    )
    departments = department_at(view, at(("A", -101), ("A", -100), ("A", -10)))
    assert departments.tolist() == ["Today", "Marketing", "Marketing"]


def test_performance_band_is_from_the_mean_of_the_latest_days_ratings():
    view = view_of(
        employees=[person("A"), person("B"), person("C")],
        performance_reviews=[
            {"employee_id": "A", "review_date": day(-100), "rating": 5},
            {"employee_id": "A", "review_date": day(-100), "rating": 3},  # mean 4: high
            {"employee_id": "B", "review_date": day(-300), "rating": 5},
            {"employee_id": "B", "review_date": day(-100), "rating": 4},
            {"employee_id": "B", "review_date": day(-100), "rating": 3.5},  # mean 3.75
        ],
    )
    bands = performance_band_at(view, at(("A", -50), ("B", -200), ("B", -100), ("C", -1)))
    assert bands.tolist() == ["high", "high", "other", "unrated"]


def test_promotion_event_needs_a_history_row_dated_before():
    view = view_of(
        employees=[person("A", job_level=1), person("B")],
        job_history=[history("A", -200, 5), history("B", -1000, 3), history("B", -200, 4)],
    )
    assert promotion_events(view)["employee_id"].tolist() == ["B"]


def test_a_demotion_is_not_a_promotion_but_recovering_from_it_is():
    view = view_of(
        employees=[person("A"), person("B")],
        job_history=[
            history("A", -1000, 4),
            history("A", -200, 3),
            history("B", -1000, 4),
            history("B", -300, 3),
            history("B", -200, 4),
        ],
    )
    events = promotion_events(view)
    assert list(zip(events["employee_id"], events["date"].dt.date, strict=True)) == [
        ("B", day(-200))
    ]


def test_same_day_history_rows_count_as_their_highest_level_on_both_sides_of_a_promotion():
    view = view_of(
        employees=[person("A"), person("B")],
        job_history=[
            history("A", -1000, 3),
            history("A", -200, 2),
            history("A", -200, 4),  # the day's level is 4 > 3: a promotion
            history("B", -1000, 3),
            history("B", -1000, 5),  # the day's level is 5 ...
            history("B", -200, 4),  # ... so 4 is not a promotion
        ],
    )
    assert promotion_events(view)["employee_id"].tolist() == ["A"]


@pytest.mark.parametrize(
    ("days_after_t0", "promoted"), [(0, False), (1, True), (365, True), (366, False)]
)
def test_promotion_window_is_open_at_t0_and_closed_at_t0_plus_365(days_after_t0, promoted):
    t0 = -400
    out = kpis(
        employees=[person("R"), person("A")],
        matches=[match("m1", "R", "A", t0)],
        job_history=[history("A", -1000, 3), history("A", t0 + days_after_t0, 4)],
        programs=[program()],
    )
    assert out.value("promotion_rate_12m_mentee") == (1.0 if promoted else 0.0)
    assert out.n("promotion_rate_12m_mentee") == 1


# --------------------------------------------------------------------------
# Matches and sessions
# --------------------------------------------------------------------------


def test_match_ending_on_d_is_active_and_one_ending_the_day_before_is_not():
    out = kpis(
        employees=[person("R"), person("A"), person("B"), person("C")],
        matches=[
            match("m1", "R", "A", -100, end=0),
            match("m2", "R", "B", -100, end=-1),
            match("m3", "R", "C", -100),
        ],
    )
    assert (out.value("active_matches"), out.n("active_matches")) == (2, 2)


def test_match_starting_after_d_is_not_counted():
    out = kpis(
        employees=[person("R"), person("A"), person("N")],
        matches=[match("m1", "R", "A", -100), match("m2", "R", "N", 1)],
        programs=[program()],
    )
    assert out.value("active_matches") == 1
    assert out.value("participation_rate") == pytest.approx(2 / 3)
    assert out.n("retention_12m_non_participant") == 1  # N is a non-participant on D
    assert out.n("cross_gender_match_share") == 1


def test_match_with_an_unknown_employee_is_not_a_match():
    out = kpis(
        employees=[person("R"), person("A")],
        matches=[match("m1", "R", "A", -100), match("m2", "R", "ghost", -100)],
    )
    assert out.value("active_matches") == 1


def test_engaged_match_needs_a_held_session_in_the_30_days_ending_on_d():
    out = kpis(
        employees=[person("R")] + [person(x) for x in "ABCD"],
        matches=[match(f"m{x}", "R", x, -100) for x in "ABCD"],
        sessions=[
            session("s1", "mA", -29),
            session("s2", "mB", -30),  # the window is open at D - 30
            session("s3", "mC", -5, status="cancelled"),
            session("s4", "mD", 1),  # after D
        ],
    )
    assert (out.value("engaged_match_rate_30d"), out.n("engaged_match_rate_30d")) == (0.25, 4)


def test_avg_sessions_covers_active_matches_started_by_d_minus_90_and_sessions_after_it():
    out = kpis(
        employees=[person("R")] + [person(x) for x in "ABCE"],
        matches=[
            match("mA", "R", "A", -90),
            match("mB", "R", "B", -89),  # started too late: not in the population
            match("mC", "R", "C", -200),
            match("mE", "R", "E", -300, end=-1),  # not active
        ],
        sessions=[
            session("a0", "mA", -90),  # on D - 90: outside (D - 90, D]
            session("a1", "mA", -89),
            session("a2", "mA", -10),
            session("a3", "mA", 0),
            session("b1", "mB", -5),
            session("c1", "mC", -5, status="no_show"),
            session("e1", "mE", -5),
        ],
    )
    assert out.value("avg_sessions_per_active_match_90d") == 1.5
    assert out.n("avg_sessions_per_active_match_90d") == 2


def test_mentee_initiated_share_counts_held_sessions_in_the_365_days_ending_on_d():
    out = kpis(
        employees=[person("R"), person("A")],
        matches=[match("m1", "R", "A", -1000, end=-300)],  # ended matches count too
        sessions=[
            session("s1", "m1", -364, by="mentee"),
            session("s2", "m1", -310, by="mentor"),
            session("s3", "m1", -305, status="cancelled", by="mentee"),
            session("s4", "m1", -365, by="mentee"),  # on D - 365: outside
            session("s5", "m1", -302, by="mentee"),
        ],
    )
    assert out.value("mentee_initiated_share_12m") == pytest.approx(2 / 3)
    assert out.n("mentee_initiated_share_12m") == 3


# --------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------


def _feedback(fid: str, match_id: str, role: str, learning: int, at: int = -10) -> dict[str, Any]:
    return {
        "feedback_id": fid,
        "match_id": match_id,
        "respondent_role": role,
        "submitted_date": day(at),
        "learning": learning,
    }


def test_learning_avg_is_per_side_and_reciprocity_needs_both_sides_at_least_4():
    out = kpis(
        employees=[person("R")] + [person(x) for x in "ABCD"],
        matches=[match(f"m{x}", "R", x, -100) for x in "ABCD"],
        feedback=[
            _feedback("f1", "mA", "mentor", 4),
            _feedback("f2", "mA", "mentee", 5),
            _feedback("f3", "mB", "mentor", 5),
            _feedback("f4", "mB", "mentee", 3),
            _feedback("f5", "mB", "mentee", 5),  # mentee mean 4: reciprocal
            _feedback("f6", "mC", "mentor", 3),
            _feedback("f7", "mC", "mentee", 5),
            _feedback("f8", "mD", "mentor", 2),  # one side only
            _feedback("f9", "mD", "mentee", 1, at=1),  # after D
        ],
    )
    assert (out.value("mentor_learning_avg"), out.n("mentor_learning_avg")) == (3.5, 4)
    assert (out.value("mentee_learning_avg"), out.n("mentee_learning_avg")) == (4.5, 4)
    assert out.value("reciprocity_index") == pytest.approx(2 / 3)
    assert out.n("reciprocity_index") == 3


# --------------------------------------------------------------------------
# Engagement
# --------------------------------------------------------------------------


def test_survey_pair_on_one_date_is_averaged_and_after_is_the_first_from_t0_plus_180():
    out = kpis(
        employees=[person("R"), person("A"), person("B")],
        matches=[match("m1", "R", "A", -400), match("m2", "R", "B", -400)],
        engagement_surveys=[
            survey("A", -410, 3.0),
            survey("A", -410, 4.0),  # before = 3.5
            survey("A", -221, 1.0),  # t0 + 179: too early for after
            survey("A", -220, 4.5),
            survey("A", -220, 5.0),  # after = 4.75
            survey("A", -100, 1.0),
            survey("B", -420, 3.0),  # no after: B is left out
        ],
        programs=[program()],
    )
    assert out.value("engagement_delta_mentee") == 1.25
    assert out.n("engagement_delta_mentee") == 1


def test_engagement_before_may_be_dated_on_t0_and_after_on_d():
    out = kpis(
        employees=[person("R"), person("A")],
        matches=[match("m1", "R", "A", -180)],
        engagement_surveys=[survey("A", -500, 1.0), survey("A", -180, 3.0), survey("A", 0, 4.0)],
        programs=[program()],
    )
    assert out.value("engagement_delta_mentee") == 1.0


def test_engagement_uplift_is_mentee_delta_minus_non_participant_delta():
    out = kpis(
        employees=[person("R"), person("A"), person("N")],
        matches=[match("m1", "R", "A", -400)],
        engagement_surveys=[
            survey("A", -410, 3.0),
            survey("A", -220, 4.0),  # mentee delta 1.0
            survey("N", -2010, 3.0),
            survey("N", -1820, 3.5),  # non-participant t0 = -2000: delta 0.5
        ],
        programs=[program("P1", -2000)],
    )
    assert out.value("engagement_delta_non_participant") == 0.5
    assert (out.value("engagement_uplift_mentee"), out.n("engagement_uplift_mentee")) == (0.5, 1)


def test_engagement_uplift_is_unavailable_when_the_non_participant_delta_is():
    out = kpis(
        employees=[person("R"), person("A"), person("N")],
        matches=[match("m1", "R", "A", -400)],
        engagement_surveys=[survey("A", -410, 3.0), survey("A", -220, 4.0)],
        programs=[program("P1", -2000)],
    )
    assert out.value("engagement_delta_mentee") == 1.0
    assert_unavailable(out("engagement_delta_non_participant"))
    assert_unavailable(out("engagement_uplift_mentee"))


# --------------------------------------------------------------------------
# Succession
# --------------------------------------------------------------------------


def _plan_row(
    role: str,
    *,
    critical: bool = True,
    incumbent: str | None = None,
    successor: str | None = None,
    readiness: str | None = None,
    plan: int = -30,
) -> dict[str, Any]:
    return {
        "role_id": role,
        "incumbent_id": incumbent,
        "is_critical": critical,
        "successor_id": successor,
        "readiness": readiness,
        "plan_date": day(plan),
    }


def test_successor_who_left_does_not_cover_a_role_and_a_vacant_role_is_still_critical():
    out = kpis(
        employees=[
            person("I1"),
            person("S1", left=-10),
            person("S4", left=0),  # leaves on D: not employed on D
            person("S2"),
            person("S3"),
            person("S5"),
            person("M"),
        ],
        succession_plans=[
            _plan_row("R1", incumbent="I1", successor="S1", readiness="ready_now"),
            _plan_row("R1", incumbent="I1", successor="S4", readiness="ready_now"),
            _plan_row("R2", successor="S2", readiness="ready_1_2_years"),
            _plan_row("R3", successor="S3", readiness="ready_now"),
            _plan_row("R4"),  # vacant, no successor
            _plan_row("R5", critical=False, successor="S5", readiness="ready_now"),
        ],
        matches=[match("m1", "M", "S3", -100)],
    )
    assert (out.value("critical_roles"), out.n("critical_roles")) == (4, 4)
    assert out.value("succession_coverage_ready_now") == 0.25
    assert out.value("succession_coverage_any") == 0.5
    assert out.n("succession_coverage_any") == 4
    assert (out.value("successors_mentored_share"), out.n("successors_mentored_share")) == (0.5, 2)


def test_current_plan_is_the_rows_with_the_latest_plan_date_on_or_before_d():
    out = kpis(
        employees=[person("S")],
        succession_plans=[
            _plan_row("OLD1", plan=-400),
            _plan_row("OLD2", plan=-400),
            _plan_row("NOW", successor="S", readiness="ready_now", plan=-30),
            _plan_row("FUTURE", plan=10),
        ],
    )
    assert out.value("critical_roles") == 1
    assert out.value("succession_coverage_ready_now") == 1.0


def test_knowledge_transfer_gap_counts_employed_incumbents_aged_60_who_do_not_mentor():
    out = kpis(
        employees=[
            person("I1", birth_year=D.year - 60),  # exactly 60, not a mentor: a gap
            person("I2", birth_year=D.year - 59),  # too young
            person("I3", birth_year=D.year - 70),  # mentors: no gap
            person("I5", birth_year=D.year - 70, left=-10),  # not employed on D
            person("I6", birth_year=D.year - 70),  # role not critical
            person("I7", birth_year=None),  # age unknown
            person("A"),
        ],
        succession_plans=[
            _plan_row("R1", incumbent="I1"),
            _plan_row("R2", incumbent="I2"),
            _plan_row("R3", incumbent="I3"),
            _plan_row("R4"),  # vacant
            _plan_row("R5", incumbent="I5"),
            _plan_row("R6", incumbent="I6", critical=False),
            _plan_row("R7", incumbent="I7"),
        ],
        matches=[match("m1", "I3", "A", -100)],
    )
    assert out.value("knowledge_transfer_gap_roles") == 1
    assert out.n("knowledge_transfer_gap_roles") == 2


# --------------------------------------------------------------------------
# Participation, representation and small cells
# --------------------------------------------------------------------------


def _population(groups: dict[str, tuple[int, int]], attribute: str = "gender") -> dict[str, Any]:
    """Employees per group value: (employed headcount, participants among them).

    Participants are mentees of one mentor who left before D, so the mentor
    counts in no employed headcount.
    """
    employees = [person("X", left=-1, gender="mentor", ethnicity="mentor")]
    matches = []
    for value, (headcount, participants) in groups.items():
        for i in range(headcount):
            eid = f"{value}-{i}"
            row = person(eid)
            row[attribute] = value
            employees.append(row)
            if i < participants:
                matches.append(match(f"m-{eid}", "X", eid, -100))
    return {"employees": employees, "matches": matches}


def test_group_value_of_four_is_suppressed_and_of_five_is_published():
    out = kpis(**_population({"female": (10, 5), "male": (4, 4), "nonbinary": (10, 4)}))
    female = {"gender": "female"}
    assert (out.value("participation_rate", female), out.n("participation_rate", female)) == (
        0.5,
        10,
    )
    assert out.value("representation_index", female) == pytest.approx((5 / 13) / (10 / 24))
    assert out.n("representation_index", female) == 5
    for value in ("male", "nonbinary"):  # headcount 4; participants 4
        for kpi in ("participation_rate", "representation_index"):
            entry = out(kpi, {"gender": value})
            assert entry["suppressed"] is True
            assert entry["value"] is None and entry["n"] is None
            assert entry["unavailable"] is None
    assert out.value("participation_rate") == pytest.approx(13 / 24)


def test_min_cell_sets_the_suppression_threshold():
    out = kpis(min_cell=4, **_population({"female": (10, 5), "male": (4, 4)}))
    assert out.value("participation_rate", {"gender": "male"}) == 1.0


def test_group_value_is_trimmed_lower_cased_and_empty_is_undisclosed():
    values = pd.Series([" Female ", "FEMALE", "", None, "  ", "Non-Binary\t"], dtype=object)
    assert group_value(values).tolist() == [
        "female",
        "female",
        "undisclosed",
        "undisclosed",
        "undisclosed",
        "non-binary",
    ]


def test_selection_ratio_compares_only_published_disclosed_group_values():
    out = kpis(
        **_population(
            {"a": (10, 5), "b": (20, 5), "": (40, 40), "c": (3, 3), "d": (12, 6)},
            attribute="ethnicity",
        )
    )
    assert out.value("participation_rate", {"ethnicity": "undisclosed"}) == 1.0
    # c is the one small value; a, the published value with the fewest
    # employed, is hidden with it (complementary suppression)
    assert out("participation_rate", {"ethnicity": "c"})["suppressed"] is True
    assert out("participation_rate", {"ethnicity": "a"})["suppressed"] is True
    # compared: b (0.25) and d (0.5), not undisclosed (1.0), not a
    ratio = out("selection_ratio_min", {"ethnicity": None})
    assert (ratio["value"], ratio["n"]) == (0.5, 2)
    # Every employee has the same gender: one value compared, so unavailable.
    assert_unavailable(out("selection_ratio_min", {"gender": None}))


def test_participation_counts_people_employed_on_d():
    out = kpis(
        employees=[
            person("R", hired=0),  # hired on D: employed
            person("A", left=0),  # leaves on D: not employed
            person("B", left=1),
            person("C", hired=1),
        ],
        matches=[match("m1", "R", "A", -100)],
    )
    assert (out.value("participation_rate"), out.n("participation_rate")) == (0.5, 2)


def test_cross_gender_match_share_counts_matches_whose_both_sides_disclosed_a_value():
    out = kpis(
        employees=[
            person("F1"),
            person("F2"),
            person("M1", gender="Male "),
            person("U", gender=""),
        ],
        matches=[
            match("m1", "F1", "M1", -100),
            match("m2", "F1", "F2", -100),
            match("m3", "F1", "U", -100),
            match("m4", "M1", "F2", -300, end=-200),  # ended matches count too
            match("m5", "F2", "M1", 5),  # after D
        ],
    )
    assert out.value("cross_gender_match_share") == pytest.approx(2 / 3)
    assert out.n("cross_gender_match_share") == 3
    assert (out.value("cross_ethnicity_match_share"), out.n("cross_ethnicity_match_share")) == (
        0.0,
        4,
    )


# --------------------------------------------------------------------------
# Unavailable KPIs and completeness
# --------------------------------------------------------------------------


def test_kpi_whose_source_was_not_exported_is_unavailable_with_a_reason():
    out = kpis(employees=[person("A")], matches=[])
    for kpi in ("critical_roles", "succession_coverage_ready_now", "knowledge_transfer_gap_roles"):
        assert_unavailable(out(kpi), because="succession_plans was not exported")
    assert_unavailable(out("engaged_match_rate_30d"), because="sessions was not exported")


def test_empty_population_is_unavailable_never_zero():
    out = kpis(employees=[person("A")], matches=[], sessions=[], programs=[program()])
    assert_unavailable(out("active_matches"))
    assert_unavailable(out("engaged_match_rate_30d"))
    assert_unavailable(out("retention_12m_mentee"))
    assert_unavailable(out("retention_12m_gap_mentee_naive"))
    # A real zero over a non-empty population is published as such.
    assert (out.value("participation_rate"), out.n("participation_rate")) == (0.0, 1)


def test_hr_only_drop_publishes_every_kpi_and_mentoring_ones_unavailable():
    out = kpis(employees=[person(f"E{i}") for i in range(6)])
    assert {e["kpi"] for e in out.entries} == DICTIONARY_KPIS
    for kpi in ("retention_12m_mentee", "participation_rate", "cross_gender_match_share"):
        assert_unavailable(out(kpi), because="matches was not exported")
    assert_unavailable(out("participation_rate", {"gender": "female"}))
    assert_unavailable(out("selection_ratio_min", {"ethnicity": None}))


def test_every_kpi_of_the_dictionary_is_published_by_a_full_run():
    sources = _stratified_org()
    out = kpis(**sources, **{s: [] for s in ALL_SOURCES - set(sources)})
    assert {e["kpi"] for e in out.entries} == DICTIONARY_KPIS
    for e in out.entries:
        assert set(e) == {"kpi", "group", "value", "n", "suppressed", "unavailable"}
        assert (e["value"] is None) == (e["n"] is None)
        assert (e["value"] is None) == (e["suppressed"] or bool(e["unavailable"]))


def test_load_tables_reads_accepted_rows_and_sources_named_in_file_loads():
    con = duckdb.connect()
    reset_raw_schema(con, D)
    con.execute(
        "insert into raw.employees (employee_id, hire_date, department, job_level, gender)"
        " values ('007', date '2020-01-01', 'Ops', 3, 'Female'),"
        " ('008', date '2021-06-01', 'Ops', 4, null)"
    )
    con.execute(
        "insert into raw.file_loads values ('run', 'employees', 'employees.csv', 'csv', 'x',"
        " date '2026-11-25', 2, 2, 0, [], [])"
    )
    tables, exported = load_tables(con)
    assert exported == {"employees"}
    assert set(tables) == ALL_SOURCES
    assert tables["employees"]["employee_id"].tolist() == ["007", "008"]  # ids stay strings
    assert not any(c.startswith("_") for c in tables["employees"].columns)
    out = Published(compute_kpis(tables, exported, D))
    assert_unavailable(out("participation_rate"), because="matches was not exported")


# --------------------------------------------------------------------------
# The vectorised lookups agree with a literal reading on random histories
# --------------------------------------------------------------------------

_ids = st.sampled_from(["a", "b", "c"])
_offsets = st.integers(min_value=-20, max_value=0)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _ids, _offsets, st.integers(1, 5), st.sampled_from([None, "", "Ops", "ops", "HR"])
        ),
        max_size=12,
    )
)
def test_level_department_and_promotions_match_a_row_by_row_reading(rows):
    employees = [person(e, job_level=9, department="Home") for e in "abc"]
    jobs = [history(e, off, lvl, dep) for e, off, lvl, dep in rows]
    view = view_of(employees=employees, job_history=jobs)
    queries = [(e, off) for e in "abc" for off in range(-21, 1)]
    got_levels = level_at(view, at(*queries)).tolist()
    got_departments = department_at(view, at(*queries)).tolist()
    for (e, off), level, department in zip(queries, got_levels, got_departments, strict=True):
        mine = [r for r in rows if r[0] == e and r[1] <= off]
        expected_level = max(r[2] for r in mine if r[1] == max(x[1] for x in mine)) if mine else 9
        named = [r for r in mine if r[3] and r[3].strip()]
        expected_department = (
            min(r[3] for r in named if r[1] == max(x[1] for x in named)) if named else "Home"
        )
        assert (level, department) == (expected_level, expected_department)

    expected_events = set()
    for e in "abc":
        dates = sorted({r[1] for r in rows if r[0] == e})
        day_level = {d: max(r[2] for r in rows if r[0] == e and r[1] == d) for d in dates}
        for before, after in zip(dates, dates[1:], strict=False):
            if day_level[after] > day_level[before]:
                expected_events.add((e, day(after)))
    events = promotion_events(view)
    assert set(zip(events["employee_id"], events["date"].dt.date, strict=True)) == expected_events


@settings(max_examples=40, deadline=None)
@given(
    scores=st.lists(
        st.tuples(_ids, st.integers(-700, 5), st.sampled_from([1.0, 2.5, 3.0, 4.5])), max_size=12
    ),
    starts=st.tuples(st.integers(-600, -100), st.integers(-600, -100)),
)
def test_engagement_delta_matches_a_row_by_row_reading(scores, starts):
    view = view_of(
        employees=[person(e) for e in "abc"],
        matches=[match("m1", "c", "a", starts[0]), match("m2", "c", "b", starts[1])],
        engagement_surveys=[survey(e, off, score) for e, off, score in scores],
    )
    expected = {}
    for e, t0 in zip("ab", starts, strict=True):
        if t0 > -180:
            continue
        mine = [s for s in scores if s[0] == e and s[1] <= 0]
        before_days = [s[1] for s in mine if s[1] <= t0]
        after_days = [s[1] for s in mine if t0 + 180 <= s[1]]
        if before_days and after_days:

            def mean_on(d: int, rows=mine) -> float:
                values = [s[2] for s in rows if s[1] == d]
                return sum(values) / len(values)

            expected[e] = mean_on(min(after_days)) - mean_on(max(before_days))
    got = engagement_delta(view, "mentee")
    assert sorted(got.round(12).tolist()) == sorted(round(v, 12) for v in expected.values())


# --------------------------------------------------------------------------
# The comparison helper
# --------------------------------------------------------------------------


def _entry(kpi: str, value: Any, n: Any, group: Any = None, **kw: Any) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "group": group,
        "value": value,
        "n": n,
        "suppressed": False,
        "unavailable": None,
    } | kw


def test_compare_accepts_equal_lists_in_any_order_and_values_within_tolerance():
    reference = [_entry("a", 0.5, 10), _entry("b", 0.25, 4, {"gender": "female"})]
    published = [_entry("b", 0.25 + 1e-12, 4, {"gender": "female"}), _entry("a", 0.5, 10)]
    assert_kpis_match(published, reference)


@pytest.mark.parametrize(
    ("published", "message"),
    [
        ([_entry("a", 0.5 + 1e-6, 10)], "value"),
        ([_entry("a", 0.5, 11)], "n published"),
        ([_entry("a", None, None, unavailable="x was not exported")], "unavailable"),
        ([_entry("a", None, None, suppressed=True)], "suppressed"),
        ([], "missing from published"),
        ([_entry("a", 0.5, 10), _entry("a", 0.5, 10, {"gender": "male"})], "not in reference"),
        ([_entry("a", 0.5, 10), _entry("a", 0.5, 10)], "twice"),
    ],
)
def test_compare_reports_each_kind_of_difference(published, message):
    with pytest.raises(AssertionError, match=message):
        assert_kpis_match(published, [_entry("a", 0.5, 10)])


def test_compare_ignores_extra_kpis_the_reference_does_not_define():
    assert_kpis_match([_entry("a", 0.5, 10), _entry("new_kpi", 1.0, 3)], [_entry("a", 0.5, 10)])
    with pytest.raises(AssertionError, match="not in reference"):
        assert_kpis_match(
            [_entry("a", 0.5, 10), _entry("new_kpi", 1.0, 3)],
            [_entry("a", 0.5, 10)],
            allow_extra_kpis=False,
        )


def test_compare_matches_unavailable_entries_whatever_their_reason():
    assert_kpis_match(
        [_entry("a", None, None, unavailable="no matches")],
        [_entry("a", None, None, unavailable="matches was not exported")],
    )

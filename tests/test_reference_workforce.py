"""The reference's workforce KPIs and small-cell rules, on hand-made organisations.

Every expected number is worked out by hand from the dictionary's *Workforce
KPIs* and *Groups and small cells* sections (D = 2026-11-25; offsets are days
from D).
"""

from __future__ import annotations

import pytest

from tests.reference.kpis_pandas import suppressed_values
from tests.test_reference_kpis import (
    assert_unavailable,
    history,
    kpis,
    match,
    person,
    program,
    survey,
)

SALES = {"department": "sales"}


def staff(prefix: str, count: int, **kw: object) -> list[dict[str, object]]:
    """``count`` people employed on D (hired long ago) sharing ``kw``."""
    return [person(f"{prefix}{i}", **kw) for i in range(count)]  # type: ignore[arg-type]


def test_hire_on_d_minus_365_is_before_the_window_and_d_minus_364_inside():
    out = kpis(employees=[person("A", hired=-365), person("B", hired=-364), person("C")])
    assert (out.value("hires_12m"), out.n("hires_12m")) == (1, 3)


def test_hire_who_left_again_counts_as_a_hire_and_a_separation():
    out = kpis(employees=[person("A", hired=-100, left=-10), person("B")])
    assert out.value("hires_12m") == 1 and out.value("separations_12m") == 1
    assert out.n("hires_12m") == 1  # n is H(D): only B is employed on D


def test_termination_on_d_is_a_separation_and_not_employed_on_d():
    out = kpis(employees=[person("A", left=0), person("B"), person("C", left=-365)])
    assert (out.value("headcount"), out.value("separations_12m")) == (1, 1)
    # C left on D - 365: outside the window and not in H(D - 365) either.
    assert out.n("turnover_rate_12m") == 2 + 1
    assert out.value("turnover_rate_12m") == pytest.approx(1 / ((2 + 1) / 2))


def test_turnover_is_separations_per_average_head_and_voluntary_counts_only_voluntary():
    employees = [
        person("V", left=-30) | {"termination_reason": "voluntary"},
        person("I", left=-20) | {"termination_reason": "involuntary"},
        person("U", left=-10),  # reason unknown: not voluntary
        person("N", hired=-100),
        *staff("S", 3),
    ]
    out = kpis(employees=employees)
    # H(D - 365) = V, I, U, S0-S2 = 6; H(D) = N, S0-S2 = 4; average 5.
    assert out.n("turnover_rate_12m") == 10
    assert out.value("turnover_rate_12m") == pytest.approx(3 / 5)
    assert out.value("voluntary_turnover_rate_12m") == pytest.approx(1 / 5)


def test_turnover_can_exceed_one():
    out = kpis(employees=[person(f"L{i}", hired=-300, left=-10) for i in range(4)] + [person("S")])
    # H(D - 365) = S = 1, H(D) = 1; 4 separations over an average head of 1.
    assert out.value("turnover_rate_12m") == pytest.approx(4.0)


def test_zero_hires_over_a_workforce_is_zero_and_an_empty_workforce_is_unavailable():
    out = kpis(employees=[person("A")])
    assert (out.value("hires_12m"), out.n("hires_12m")) == (0, 1)
    empty = kpis(employees=[person("Z", hired=-4000, left=-2000)])
    for kpi in ("headcount", "hires_12m", "separations_12m", "turnover_rate_12m"):
        assert_unavailable(empty(kpi))


def test_each_count_uses_the_department_at_its_own_date():
    employees = [
        *staff("S", 5, department="Sales"),
        *staff("O", 5, department="Ops"),
        # moved Sales -> Ops 100 days ago: in Sales' H(D - 365), in Ops' H(D)
        person("M", department="Ops"),
        # left 50 days ago while in Sales (moved there 200 days ago)
        person("L", left=-50, department="Ops"),
        # hired 10 days ago into Ops, moved to Sales since: a Sales hire
        person("H", hired=-10, department="Ops"),
    ]
    jobs = [
        history("M", -3000, 3, "Sales"),
        history("M", -100, 3, "Ops"),
        history("L", -200, 3, "Sales"),
        history("H", -10, 3, "Ops"),
        history("H", -2, 3, " SALES "),
    ]
    out = kpis(employees=employees, job_history=jobs)
    assert out.value("headcount", SALES) == 6 and out.value("headcount", {"department": "ops"}) == 6
    assert out.value("hires_12m", SALES) == 1 and out.value("hires_12m", {"department": "ops"}) == 0
    assert out.value("separations_12m", SALES) == 1
    # Sales: H(D - 365) = S0-S4, M (and L was in Ops then) = 6; H(D) = S0-S4, H = 6.
    assert out.n("turnover_rate_12m", SALES) == 12
    assert out.value("turnover_rate_12m", SALES) == pytest.approx(1 / 6)


def test_a_department_with_fewer_than_5_employed_is_suppressed_with_its_smallest_neighbour():
    employees = [
        *staff("L", 3, department="Legal"),
        *staff("F", 6, department="Finance"),
        *staff("O", 6, department="Ops"),
        *staff("S", 9, department="Sales"),
    ]
    out = kpis(employees=employees)
    for kpi in ("headcount", "hires_12m", "separations_12m", "turnover_rate_12m"):
        assert out(kpi, {"department": "legal"})["suppressed"]
        # Finance and Ops tie at 6: the alphabetically first is the complementary cell.
        assert out(kpi, {"department": "finance"})["suppressed"]
        assert not out(kpi, {"department": "ops"})["suppressed"]
    assert out.value("headcount", {"department": "ops"}) == 6
    assert out.value("headcount") == 24


def test_a_department_seen_only_among_leavers_is_a_suppressed_value():
    employees = [*staff("S", 5, department="Sales"), person("X", left=-30, department="Closed")]
    out = kpis(employees=employees)
    assert out("separations_12m", {"department": "closed"})["suppressed"]
    # the only small cell: Sales, the only published one, is hidden too
    assert out("headcount", SALES)["suppressed"]
    assert out.value("separations_12m") == 1


def test_leaders_are_level_7_and_above_at_d():
    employees = [
        *staff("F", 5, job_level=7, gender="female"),
        *staff("M", 5, job_level=6, gender="male"),
        # a man promoted to 7 in the history: a leader at D
        *staff("P", 5, job_level=3, gender="male"),
    ]
    jobs = [history(f"P{i}", -100, 7) for i in range(5)]
    out = kpis(employees=employees, job_history=jobs)
    assert out.value("leadership_representation_share", {"gender": "female"}) == 0.5
    assert out.n("leadership_representation_share", {"gender": "male"}) == 5
    assert out.value("representation_share", {"gender": "male"}) == pytest.approx(10 / 15)
    assert out.n("representation_share", {"gender": "male"}) == 10


def test_a_group_value_with_fewer_than_5_leaders_is_suppressed_with_the_fewest_leaders_other():
    employees = [
        *staff("F", 8, job_level=8, gender="female"),
        *staff("M", 20, job_level=7, gender="male", ethnicity="b"),
        *staff("N", 2, job_level=9, gender="non-binary"),
        *staff("U", 10, job_level=2, gender=None),  # no leader: below 5 too
    ]
    out = kpis(employees=employees)
    share = "leadership_representation_share"
    # two small cells (non-binary 2 leaders, undisclosed 0): no complementary cell
    assert out(share, {"gender": "non-binary"})["suppressed"]
    assert out(share, {"gender": "undisclosed"})["suppressed"]
    assert out.value(share, {"gender": "female"}) == pytest.approx(8 / 30)
    # representation: non-binary (2 employed) is the only small cell; the
    # published value with the fewest employed, female (8), is hidden too
    assert out("representation_share", {"gender": "non-binary"})["suppressed"]
    assert out("representation_share", {"gender": "female"})["suppressed"]
    assert out.value("representation_share", {"gender": "undisclosed"}) == pytest.approx(10 / 40)


def test_engagement_takes_each_employees_latest_score_of_the_last_365_days():
    employees = [person("A"), person("B"), person("C"), person("D", left=-5)]
    surveys = [
        survey("A", -400, 1.0),  # outside the window
        survey("A", -200, 5.0),
        survey("A", -20, 3.5),  # latest, with its same-day twin: mean 4.0, favourable
        survey("A", -20, 4.5),
        survey("B", -365, 5.0),  # on D - 365: outside; B is not surveyed
        survey("C", -1, 2.0),
        survey("D", -10, 5.0),  # not employed on D
    ]
    out = kpis(employees=employees, engagement_surveys=surveys)
    assert out.n("engagement_score_avg") == 2
    assert out.value("engagement_score_avg") == pytest.approx((4.0 + 2.0) / 2)
    assert out.value("engagement_favorable_share") == pytest.approx(1 / 2)


def test_engagement_kpis_need_the_surveys_export():
    out = kpis(employees=[person("A")])
    assert_unavailable(out("engagement_score_avg"), because="engagement_surveys was not exported")
    assert out.value("headcount") == 1


def test_participation_rate_and_representation_index_are_suppressed_together_with_a_complement():
    employees = [
        *staff("F", 10, gender="female"),
        *staff("M", 8, gender="male"),
        *staff("N", 6, gender="non-binary"),
    ]
    # 5 women, 5 men and 2 non-binary people are mentees (mentored by F9).
    mentees = [f"F{i}" for i in range(5)] + [f"M{i}" for i in range(5)] + ["N0", "N1"]
    matches = [match(f"X{i}", "F9", m, -100) for i, m in enumerate(mentees)]
    out = kpis(employees=employees, matches=matches, programs=[program()])
    for kpi in ("participation_rate", "representation_index"):
        assert out(kpi, {"gender": "non-binary"})["suppressed"]  # 2 participants
        assert out(kpi, {"gender": "male"})["suppressed"]  # fewest employed of the others
        assert not out(kpi, {"gender": "female"})["suppressed"]
    # only one published, disclosed value remains: no ratio to take
    assert_unavailable(out("selection_ratio_min", {"gender": None}))


def test_suppressed_values_rule():
    assert suppressed_values([("a", 3, True), ("b", 9, False), ("c", 6, False)]) == {"a", "c"}
    assert suppressed_values([("a", 3, True), ("b", 2, True), ("c", 6, False)]) == {"a", "b"}
    assert suppressed_values([("a", 8, False), ("b", 6, False), ("c", 6, False)]) == set()
    assert suppressed_values([("z", 6, False), ("a", 6, False), ("x", 1, True)]) == {"x", "a"}
    assert suppressed_values([("x", 1, True)]) == {"x"}

"""The leadership report's plain-language sentence on the naive and adjusted gaps."""

from __future__ import annotations

import re

from reports.program_impact import gap_sentence
from reports.queries import Kpi, KpiTable


def _kpi(kpi: str, value: float | None, n: int | None, unavailable: str | None = None) -> Kpi:
    return Kpi(kpi, None, None, value, n, False, unavailable, None, None)


def _table(
    naive: float, adjusted: float | None, eligible: int = 400, compared: int = 300
) -> KpiTable:
    return KpiTable(
        [
            _kpi("retention_12m_mentee", 0.9, eligible),
            _kpi("retention_12m_gap_mentee_naive", naive, eligible),
            _kpi(
                "retention_12m_gap_mentee_adjusted",
                adjusted,
                compared if adjusted is not None else None,
                None if adjusted is not None else "no stratum with enough eligible mentees",
            ),
        ]
    )


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_sentence_quotes_both_gaps_in_percentage_points_with_their_direction():
    text = _text(gap_sentence(_table(0.098, 0.081), "mentee"))
    assert "more often than non-participants: by 9.8 percentage points" in text
    assert "the gap is 8.1 percentage points in favour of mentees" in text
    assert "over the 300 of 400 eligible mentees" in text


def test_a_smaller_adjusted_gap_is_explained_by_who_takes_part():
    assert "The adjusted gap is smaller" in _text(gap_sentence(_table(0.098, 0.04), "mentee"))


def test_a_larger_adjusted_gap_is_explained_by_a_hidden_difference():
    assert "The adjusted gap is larger" in _text(gap_sentence(_table(0.05, 0.09), "mentee"))


def test_an_adjusted_gap_of_the_other_sign_says_the_raw_gap_comes_from_who_takes_part():
    text = _text(gap_sentence(_table(0.05, -0.02), "mentee"))
    assert "points the other way" in text
    assert "2.0 percentage points against mentees" in text


def test_gaps_that_agree_once_rounded_are_said_to_agree():
    assert "The two agree" in _text(gap_sentence(_table(0.0501, 0.0498), "mentee"))


def test_an_adjusted_gap_over_fewer_than_half_of_the_group_comes_with_a_caution():
    text = _text(gap_sentence(_table(0.05, 0.03, eligible=400, compared=150), "mentee"))
    assert "read it with caution" in text
    assert "caution" not in _text(gap_sentence(_table(0.05, 0.03, 400, 250), "mentee"))


def test_a_missing_adjusted_gap_says_why_and_what_the_raw_gap_mixes():
    text = _text(gap_sentence(_table(0.05, None), "mentee"))
    assert "not available (no stratum with enough eligible mentees)" in text
    assert "mixes the effect of mentoring with differences in who takes part" in text


def test_a_sentence_never_claims_that_mentoring_causes_the_gap():
    assert "Neither figure proves" in _text(gap_sentence(_table(0.098, 0.081), "mentee"))


def test_every_number_in_the_sentence_is_traceable_to_its_kpi():
    html = gap_sentence(_table(0.098, 0.081), "mentee")
    refs = re.findall(r'data-kpi="([^"]+)" data-value="([^"]+)">([\d.]+) percentage points', html)
    assert [(k, float(v)) for k, v, _ in refs] == [
        ("retention_12m_gap_mentee_naive", 0.098),
        ("retention_12m_gap_mentee_adjusted", 0.081),
    ]
    for _k, value, shown in refs:
        assert abs(float(shown) / 100 - abs(float(value))) <= 0.0005


def _with_interval(adjusted: float, low: float, high: float) -> KpiTable:
    table = _table(0.098, adjusted)
    rows = [
        Kpi(k.kpi, None, None, k.value, k.n, False, k.unavailable, low, high)
        if k.kpi.endswith("_adjusted")
        else k
        for k in table.rows
    ]
    return KpiTable(rows)


def test_sentence_gives_the_adjusted_gaps_interval():
    text = _text(gap_sentence(_with_interval(0.05, 0.021, 0.079), "mentee"))
    assert "95% interval runs from +2.1 to +7.9 percentage points." in text
    assert "cannot tell" not in text


def test_an_interval_that_includes_zero_is_read_as_no_clear_gap():
    text = _text(gap_sentence(_with_interval(0.03, -0.012, 0.072), "mentee"))
    assert "from -1.2 to +7.2 percentage points: it includes zero" in text

"""How KPI values read on the page (reports/formatting.py, reports/dictionary.py)."""

from __future__ import annotations

import pytest

from reports.dictionary import SPECS, spec
from reports.formatting import format_interval, format_value


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (0.8312, "rate", "83.1%"),
        (1.0, "rate", "100.0%"),
        (0.0412, "gap", "+4.1 pp"),
        (-0.0412, "gap", "-4.1 pp"),
        (0.0004, "gap", "0.0 pp"),
        (-0.0004, "gap", "0.0 pp"),
        (1204.0, "count", "1,204"),
        (3.8666, "score", "3.87"),
        (0.3984, "score_delta", "+0.40"),
        (-0.0575, "score_delta", "-0.06"),
        (-0.001, "score_delta", "0.00"),
        (0.8707, "ratio", "0.87"),
        (2.0, "mean", "2.00"),
    ],
)
def test_each_kind_of_kpi_reads_as_a_person_expects(value, kind, shown):
    assert format_value(value, kind) == shown


def test_a_missing_value_is_never_formatted_as_a_number():
    with pytest.raises(ValueError):
        format_value(float("nan"), "rate")


def test_an_interval_reads_low_to_high_in_the_kpis_unit():
    assert format_interval(0.241, 0.295, "rate") == "24.1% to 29.5%"
    assert format_interval(-0.045, 0.134, "gap") == "-4.5 pp to +13.4 pp"
    assert format_interval(None, 0.3, "rate") is None


def test_every_kpi_has_a_label_a_kind_and_a_definition():
    for s in SPECS:
        assert s.label and s.definition and s.kind
    assert len({s.kpi for s in SPECS}) == len(SPECS)


def test_an_unknown_kpi_still_gets_a_readable_label():
    assert spec("some_new_kpi").label == "Some new kpi"

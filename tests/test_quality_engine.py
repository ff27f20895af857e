"""The SQL engine evaluates every expectation type exactly as GX's pandas path does."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.quality.gx_pandas import validate_with_gx_pandas
from pipelines.quality.sql_engine import SAMPLE_SIZE, compile_suite, evaluate_suite
from pipelines.quality.suites import Suite, suite_from_dict


def _suite(*expectations: dict[str, Any], sample: tuple[str, ...] = ("_line_number",)) -> Suite:
    return suite_from_dict(
        {
            "name": "t",
            "meta": {"table": "t", "sample_columns": list(sample)},
            "expectations": list(expectations),
        }
    )


def _frame() -> pd.DataFrame:
    """Nulls, duplicates, out-of-set and out-of-range values, dates on both sides."""
    return pd.DataFrame(
        {
            "_line_number": [1, 2, 3, 4, 5, 6],
            "id": ["a", "b", "b", None, "c", "d"],
            "t": ["x", "y", "z", "x", None, "x"],
            "lvl": [3.0, 20.0, np.nan, 5.0, 1.0, 15.0],
            "start": pd.to_datetime(
                ["2020-01-01", "2022-01-01", None, None, "2020-01-01", "2020-05-01"]
            ),
            "end": pd.to_datetime(
                ["2021-01-01", "2021-01-01", "2021-01-01", None, "2019-01-01", "2020-05-01"]
            ),
        }
    )


CASES: list[dict[str, Any]] = [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id", "mostly": 0.8}},
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["id", "t"]}},
    {
        "type": "expect_compound_columns_to_be_unique",
        "kwargs": {"column_list": ["id", "lvl"], "ignore_row_if": "any_value_is_missing"},
    },
    {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "t", "value_set": ["x", "y"]},
    },
    {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "lvl", "min_value": 1, "max_value": 15},
    },
    {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "lvl", "min_value": 1, "max_value": 15, "strict_max": True},
    },
    {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "lvl", "min_value": 1, "max_value": 15, "mostly": 0.7},
    },
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "lvl", "min_value": 4}},
    {
        "type": "expect_column_pair_values_a_to_be_greater_than_b",
        "kwargs": {
            "column_A": "end",
            "column_B": "start",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
    },
    {
        "type": "expect_column_pair_values_a_to_be_greater_than_b",
        "kwargs": {"column_A": "end", "column_B": "start"},
    },
    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1, "max_value": 5}},
    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 6}},
    {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": ["_line_number", "id", "t", "lvl", "start", "extra"]},
    },
    {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": ["_line_number", "id", "t", "lvl", "start", "end"]},
    },
    {
        "type": "expect_column_distinct_values_to_contain_set",
        "kwargs": {"column": "t", "value_set": ["x", "q"]},
    },
    {
        "type": "expect_column_distinct_values_to_contain_set",
        "kwargs": {"column": "t", "value_set": ["x", "z"]},
    },
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['type']}-{sorted(c['kwargs'].items())}")
def test_sql_engine_agrees_with_gx_pandas(case: dict[str, Any]) -> None:
    frame = _frame()
    suite = _suite(case)
    con = duckdb.connect()
    con.register("t", frame)
    (outcome,) = evaluate_suite(con, suite)
    (reference,) = validate_with_gx_pandas(frame, suite)
    assert outcome.success == reference["success"]
    for key in ("element_count", "unexpected_count", "missing_count", "unexpected_percent"):
        if key in reference["result"]:
            assert outcome.result.get(key) == pytest.approx(reference["result"][key]), key
    if case["type"].startswith("expect_table"):
        assert outcome.result["observed_value"] == reference["result"]["observed_value"]
    if case["type"] == "expect_column_distinct_values_to_contain_set":
        assert outcome.result["partial_missing_list"] == reference["result"]["partial_missing_list"]


def test_every_expectation_of_a_suite_runs_in_one_query() -> None:
    named = [{**c, "meta": {"check": f"case {i}"}} for i, c in enumerate(CASES)]
    suite = _suite(*named)
    con = duckdb.connect()
    con.register("t", _frame())
    sql = compile_suite(suite)
    assert sql.count(";") == 0 and sql.lstrip().startswith("with ")
    outcomes = evaluate_suite(con, suite)
    # The one query gives each expectation the outcome it gets alone.
    for case, together in zip(named, outcomes, strict=True):
        (alone,) = evaluate_suite(con, _suite(case))
        assert (together.success, together.unexpected_count) == (
            alone.success,
            alone.unexpected_count,
        )


def test_failing_keys_are_sampled_in_file_order_and_capped() -> None:
    con = duckdb.connect()
    con.execute(
        "create table t as select i as _line_number, 'E' || (i % 3) as id from range(100) r(i)"
    )
    suite = _suite(
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
        sample=("_line_number", "id"),
    )
    (outcome,) = evaluate_suite(con, suite)
    assert outcome.unexpected_count == 100
    assert len(outcome.sample) == SAMPLE_SIZE
    assert [s["_line_number"] for s in outcome.sample] == list(range(SAMPLE_SIZE))
    assert outcome.sample[1] == {"_line_number": 1, "id": "E1"}


def test_unexpected_rows_query_counts_and_samples_the_rows_it_returns() -> None:
    con = duckdb.connect()
    con.execute("create table t as select i as n from range(30) r(i)")
    suite = _suite(
        {
            "type": "unexpected_rows_expectation",
            "kwargs": {"unexpected_rows_query": "select n from {batch} where n >= 5"},
            "meta": {"check": "n below 5"},
        }
    )
    (outcome,) = evaluate_suite(con, suite)
    assert not outcome.success
    assert outcome.unexpected_count == 25
    assert outcome.sample == [{"n": n} for n in range(5, 5 + SAMPLE_SIZE)]


def test_an_empty_table_passes_column_checks_vacuously_as_in_gx() -> None:
    con = duckdb.connect()
    con.execute("create table t (_line_number bigint, id varchar)")
    suite = _suite(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
    )
    assert all(o.success for o in evaluate_suite(con, suite))


def test_a_check_that_cannot_run_fails_with_the_error_instead_of_passing() -> None:
    con = duckdb.connect()
    suite = _suite({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}})
    (outcome,) = evaluate_suite(con, suite)
    assert not outcome.success
    assert outcome.error is not None and "t" in outcome.error


def test_a_suite_with_an_unknown_expectation_type_does_not_load() -> None:
    with pytest.raises(ValueError, match="unsupported expectation type"):
        _suite({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "id"}})


def test_check_names_repeating_in_a_suite_are_refused() -> None:
    exp = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}
    with pytest.raises(ValueError, match="check names repeat"):
        _suite(exp, exp)

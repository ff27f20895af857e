"""The 95% intervals of kpis.json, checked against scipy and statsmodels.

The SQL (macros/intervals.sql) and these references share no code: each
interval is recomputed here by a library from the rows the KPI is defined on
(the intermediate tables of the same warehouse).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

PROJECT = Path(__file__).resolve().parent.parent
TOL = 1e-9
#: kpis.json rounds nothing, but the reference sums in another order.
REL = 1e-9


def _entry(published: dict[str, Any], kpi: str) -> dict[str, Any]:
    (entry,) = [k for k in published["kpis"]["kpis"] if k["kpi"] == kpi and k["group"] is None]
    assert entry["value"] is not None, entry
    assert entry["ci_low"] is not None and entry["ci_high"] is not None, entry
    return entry


def _interval(entry: dict[str, Any]) -> tuple[float, float]:
    return entry["ci_low"], entry["ci_high"]


@pytest.fixture(scope="module")
def rows(demo_kpis: dict[str, Any]) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(demo_kpis["warehouse"]), read_only=True)
    try:
        return {
            # the marts hold the rows of D (the intermediate models are not kept)
            "feedback": con.execute("select respondent_role, learning from main.fct_feedback").df(),
            "deltas": con.execute(
                "select participant_group, engagement_delta"
                " from main.mart_engagement_deltas where has_both_scores"
            ).df(),
            "cohorts": con.execute(
                "select participant_group, department_at_index_date as department,"
                " job_level_at_index_date as level, performance_band_at_index_date as band,"
                " cast(is_retained_12m as integer) as retained"
                " from main.mart_outcome_cohorts where is_eligible_12m"
            ).df(),
        }
    finally:
        con.close()


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    return float(low), float(high)


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_learning_means_have_the_t_interval(demo_kpis, rows, side: str) -> None:
    values = rows["feedback"].query("respondent_role == @side")["learning"].to_numpy(float)
    entry = _entry(demo_kpis, f"{side}_learning_avg")
    assert entry["n"] == len(values)
    assert _interval(entry) == pytest.approx(_t_interval(values), rel=REL, abs=TOL)


@pytest.mark.parametrize("group", ["mentee", "non_participant"])
def test_engagement_deltas_have_the_t_interval(demo_kpis, rows, group: str) -> None:
    values = rows["deltas"].query("participant_group == @group")["engagement_delta"].to_numpy(float)
    entry = _entry(demo_kpis, f"engagement_delta_{group}")
    assert _interval(entry) == pytest.approx(_t_interval(values), rel=REL, abs=TOL)


def test_engagement_uplift_has_the_welch_interval(demo_kpis, rows) -> None:
    deltas = rows["deltas"]
    mentees = deltas.query("participant_group == 'mentee'")["engagement_delta"].to_numpy(float)
    others = deltas.query("participant_group == 'non_participant'")["engagement_delta"]
    result = stats.ttest_ind(mentees, others.to_numpy(float), equal_var=False)
    expected = result.confidence_interval(0.95)
    entry = _entry(demo_kpis, "engagement_uplift_mentee")
    assert _interval(entry) == pytest.approx(tuple(expected), rel=REL, abs=TOL)


@pytest.mark.parametrize("group", ["mentee", "mentor"])
def test_adjusted_gap_has_the_variance_of_a_weighted_sum_of_stratum_differences(
    demo_kpis, rows, group: str
) -> None:
    """statsmodels: a cell-means regression with HC0 (sandwich) errors, then the contrast.

    In a regression on one dummy per (side, stratum) cell, each coefficient is
    the cell's retention share and HC0 gives it the variance p(1 - p)/n; the
    adjusted gap is the contrast sum_s w_s (mentee_s - non_participant_s).
    """
    import statsmodels.api as sm

    cohorts = rows["cohorts"]
    keys = ["department", "level", "band"]
    members = cohorts.query("participant_group == @group")
    others = cohorts.query("participant_group == 'non_participant'")
    sizes = members.groupby(keys).size().rename("n_1").to_frame()
    sizes = sizes.join(others.groupby(keys).size().rename("n_0"), how="inner")
    qualifying = sizes.query("n_1 >= 5 and n_0 >= 5")
    if qualifying.empty:
        pytest.fail(f"no qualifying stratum for {group}s: the demo is too small for this test")
    cells = pd.concat(
        [members.assign(side="member"), others.assign(side="other")], ignore_index=True
    ).merge(qualifying.reset_index()[keys], on=keys)
    cells["cell"] = cells[["side", *keys]].astype(str).agg("|".join, axis=1)
    design = pd.get_dummies(cells["cell"], dtype=float)
    fit = sm.OLS(cells["retained"].astype(float), design).fit(cov_type="HC0", use_t=False)

    weights = qualifying["n_1"] / qualifying["n_1"].sum()
    contrast = np.zeros(design.shape[1])
    for stratum, weight in weights.items():
        key = "|".join(str(v) for v in stratum)
        contrast[design.columns.get_loc(f"member|{key}")] += weight
        contrast[design.columns.get_loc(f"other|{key}")] -= weight
    test = fit.t_test(contrast)
    low, high = test.conf_int(alpha=0.05)[0]

    entry = _entry(demo_kpis, f"retention_12m_gap_{group}_adjusted")
    assert entry["value"] == pytest.approx(float(test.effect[0]), rel=REL, abs=TOL)
    assert entry["n"] == int(qualifying["n_1"].sum())
    assert _interval(entry) == pytest.approx((low, high), rel=1e-7, abs=1e-9)


def _dbt_show(sql: str, tmp_path: Path) -> list[tuple[Any, ...]]:
    """Run one inline query through dbt (its macros rendered) on an empty DuckDB file."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            "show",
            "--inline",
            sql,
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT / "profiles"),
            "--limit",
            "-1",
            "--quiet",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ]
    )
    assert result.success, result.exception
    return [tuple(row) for row in result.result.results[0].agate_table.rows]


def test_t_quantiles_match_scipy(tmp_path: Path, monkeypatch) -> None:
    """Integer df below 30 exact, above by the expansion; fractional df below 30 rounds down."""
    monkeypatch.setenv("MENTORSHIP_WAREHOUSE", str(tmp_path / "empty.duckdb"))
    dfs = [*range(1, 40), 45.5, 57.25, 99.0, 150.0, 487.3, 1000.0, 12345.0, 2.5, 7.9, 29.99, 0.5]
    values = ", ".join(f"({df!r})" for df in dfs)
    sql = f"select df, {{{{ t_975('df') }}}} as q from (values {values}) as v(df)"
    got = {float(df): (None if q is None else float(q)) for df, q in _dbt_show(sql, tmp_path)}
    for df in dfs:
        q = got[float(df)]
        if df < 1:
            assert q is None
        elif df < 30 and df != int(df):
            assert q == pytest.approx(stats.t.ppf(0.975, math.floor(df)), rel=1e-12)
            assert q >= stats.t.ppf(0.975, df)
        else:
            assert q == pytest.approx(stats.t.ppf(0.975, df), rel=5e-8), df

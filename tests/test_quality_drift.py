"""Volume and drift checks compare tonight's numbers with the previous published run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.errors import PipelineError
from pipelines.publish import new_run_dir, publish
from pipelines.quality.config import load_config
from pipelines.quality.drift import (
    Baseline,
    load_baseline,
    mart_drift_suites,
    source_drift_suites,
)
from pipelines.quality.results import CheckResult, run_suite

ROWS = {"employees": 1000, "matches": 200, "sessions": 5000}


def _kpi(kpi: str, value: float | None, group: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "group": group,
        "value": value,
        "n": None if value is None else 10,
        "suppressed": False,
        "unavailable": None if value is not None else "no data",
    }


BASE_KPIS = [
    _kpi("retention_12m_mentee", 0.80),
    _kpi("active_matches", 100.0),
    _kpi("mentor_learning_avg", 4.0),
    _kpi("participation_rate", 0.30, {"gender": "female"}),
    _kpi("succession_coverage_any", None),
]


def _publish(
    out: Path, run_id: str, rows: dict[str, int], kpis: list[dict], headcount: int
) -> Path:
    run_dir = new_run_dir(out, run_id)
    manifest = {
        "run_id": run_id,
        "as_of": "2026-11-24",
        "sources": [{"source": s, "rows_read": n} for s, n in rows.items()],
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    (run_dir / "kpis.json").write_text(json.dumps({"as_of": "2026-11-24", "kpis": kpis}))
    (run_dir / "quality").mkdir()
    (run_dir / "quality" / "results.json").write_text(
        json.dumps({"metrics": {"headcount": headcount}})
    )
    publish(out, run_dir)
    return run_dir


@pytest.fixture
def baseline(tmp_path: Path) -> Baseline:
    _publish(tmp_path / "published", "run-old", {"employees": 1, "matches": 1}, [], 1)
    _publish(tmp_path / "published", "run-prev", ROWS, BASE_KPIS, 900)
    loaded = load_baseline(tmp_path / "published")
    assert loaded is not None
    return loaded


def _run(con: duckdb.DuckDBPyConnection, suites: list) -> dict[str, CheckResult]:
    return {s.name: r for s in suites for r in run_suite(con, s, "test")}


def test_the_baseline_is_the_run_the_publication_points_at(baseline: Baseline) -> None:
    assert (baseline.run_id, baseline.rows_read, baseline.headcount) == ("run-prev", ROWS, 900)
    assert baseline.kpis == BASE_KPIS


def test_nothing_published_means_no_baseline(tmp_path: Path) -> None:
    assert load_baseline(tmp_path / "published") is None


def test_a_source_moving_more_than_20_percent_is_a_warning(baseline: Baseline) -> None:
    con = duckdb.connect()
    rows = {"employees": 1190, "matches": 159, "sessions": 5000}
    results = _run(con, source_drift_suites(con, rows, baseline, load_config()))
    volume = results["drift.source_volume"]
    assert (volume.success, volume.severity, volume.unexpected_count) == (False, "warning", 1)
    assert volume.sample == [
        {"source": "matches", "previous_rows_read": 200, "rows_read": 159, "change_share": -0.205}
    ]
    assert results["drift.source_presence"].success


def test_a_source_that_disappears_from_the_drop_is_critical(baseline: Baseline) -> None:
    con = duckdb.connect()
    rows = {"employees": 1000, "matches": 200}
    results = _run(con, source_drift_suites(con, rows, baseline, load_config()))
    presence = results["drift.source_presence"]
    assert (presence.success, presence.severity) == (False, "critical")
    assert presence.sample == [
        {"source": "sessions", "previous_rows_read": 5000, "exported": False}
    ]
    assert results["drift.source_volume"].success


def test_a_headcount_drop_of_more_than_10_percent_is_critical(baseline: Baseline) -> None:
    con = duckdb.connect()
    config = load_config()
    ok = _run(con, mart_drift_suites(con, 810, BASE_KPIS, baseline, config))["drift.headcount"]
    assert ok.success  # exactly 10 % is allowed
    dropped = _run(con, mart_drift_suites(con, 809, BASE_KPIS, baseline, config))["drift.headcount"]
    assert (dropped.success, dropped.severity) == (False, "critical")
    assert dropped.check == "headcount drop at most 10%"
    grown = _run(con, mart_drift_suites(con, 2000, BASE_KPIS, baseline, config))["drift.headcount"]
    assert grown.success  # growth is never a drop


def test_a_kpi_jump_beyond_its_limit_is_a_warning(baseline: Baseline) -> None:
    con = duckdb.connect()
    kpis = [
        _kpi("retention_12m_mentee", 0.69),  # -0.11 > 0.10: jump
        _kpi("active_matches", 119.0),  # +19 % <= 20 %: fine
        _kpi("mentor_learning_avg", 4.3),  # +0.30 > 0.25: jump
        _kpi("participation_rate", 0.38, {"gender": "female"}),  # +0.08: fine
        _kpi("succession_coverage_any", 0.5),  # unavailable before: not compared
    ]
    jumps = _run(con, mart_drift_suites(con, 900, kpis, baseline, load_config()))["drift.kpis"]
    assert (jumps.success, jumps.severity, jumps.unexpected_count) == (False, "warning", 2)
    assert [s["kpi"] for s in jumps.sample] == ["mentor_learning_avg", "retention_12m_mentee"]


def test_unchanged_numbers_pass_every_drift_check(baseline: Baseline) -> None:
    con = duckdb.connect()
    config = load_config()
    suites = source_drift_suites(con, ROWS, baseline, config)
    suites += mart_drift_suites(con, 900, BASE_KPIS, baseline, config)
    assert all(r.success for r in _run(con, suites).values())


def test_thresholds_and_severities_come_from_checks_yml(tmp_path: Path) -> None:
    path = tmp_path / "checks.yml"
    path.write_text("source_volume: {max_change_share: 0.5, severity: critical}\n")
    config = load_config(path)
    assert config.value("source_volume", "max_change_share") == 0.5
    assert config.severity("source_volume") == "critical"
    # Keys left out keep the defaults.
    assert config.value("headcount_drop", "max_drop_share") == 0.10
    assert config.kpi_limit("retention_12m_mentee").max_abs_change == 0.10


@pytest.mark.parametrize(
    "text, problem",
    [
        ("kpi_jump: {severity: fatal}\n", "severity"),
        ("headcount_drop: {max_drop_share: -1}\n", "max_drop_share"),
        ("volume: {}\n", "unknown check"),
        ("kpi_jump: {per_kpi: {active_matches: {max_jump: 2}}}\n", "per_kpi.active_matches"),
    ],
)
def test_a_bad_checks_yml_fails_with_the_setting_named(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "checks.yml"
    path.write_text(text)
    with pytest.raises(PipelineError, match=problem):
        load_config(path)

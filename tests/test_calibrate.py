"""`mentorship calibrate`: its statistics against statsmodels, and the installed command.

The command test runs the real path (the console script, output redirected
to a file as cron does, real demo organisations, real dbt builds) on two
small organisations, then calls again to prove it resumes from results.jsonl.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from pipelines import calibration as cal

MENTORSHIP = Path(sys.executable).parent / "mentorship"


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 10), (95, 100), (190, 200), (0, 50)])
def test_wilson_interval_matches_statsmodels(k: int, n: int) -> None:
    low, high = cal.wilson_interval(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_wilson_interval_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        cal.wilson_interval(3, 2)
    with pytest.raises(ValueError):
        cal.wilson_interval(0, 0)


def test_error_statistics_match_numpy() -> None:
    rng = np.random.default_rng(3)
    errors = list(rng.normal(0.01, 0.03, 57))
    mean, se = cal.mean_error(errors)
    assert mean == pytest.approx(np.mean(errors))
    assert se == pytest.approx(np.std(errors, ddof=1) / math.sqrt(len(errors)))
    assert cal.rmse(errors) == pytest.approx(math.sqrt(np.mean(np.square(errors))))
    assert cal.mean_error([0.2]) == (0.2, None)
    assert cal.mean_error([]) == (None, None)
    assert cal.rmse([]) is None


def _result(seed: int, truth: float | None, estimate: float | None, interval) -> cal.SeedResult:
    kpi = "retention_12m_gap_mentee_adjusted"
    return cal.SeedResult(
        seed=seed,
        employees=500,
        as_of="2026-11-25",
        code="x",
        seconds=1.0,
        generate_seconds=0.1,
        truths={"mentee": truth, "mentor": None},
        estimates={k: (estimate if k == kpi else None) for k, _, _ in cal.KPIS},
        intervals={k: (interval if k == kpi else None) for k, _, _ in cal.KPIS},
    )


def test_summary_counts_misses_hits_and_missing_intervals_apart() -> None:
    results = [
        _result(1, 0.05, 0.04, [0.01, 0.07]),  # covered
        _result(2, 0.05, 0.10, [0.08, 0.12]),  # missed
        _result(3, 0.05, 0.06, [0.05, 0.09]),  # covered on the bound
        _result(4, 0.05, 0.02, None),  # published without an interval
        _result(5, 0.05, None, None),  # not published
        _result(6, None, 0.03, [0.0, 0.1]),  # no truth: not counted at all
    ]
    s = cal.summarise(results, "retention_12m_gap_mentee_adjusted", "mentee", "adjusted")
    assert (s.organisations, s.published, s.intervals, s.covered) == (5, 4, 3, 2)
    assert s.missing_intervals == 1
    assert s.coverage == pytest.approx(2 / 3)
    assert s.mean_error == pytest.approx(np.mean([-0.01, 0.05, 0.01, -0.03]))
    assert "below target" in cal.verdict(s)
    assert "1 published values had no interval" in cal.verdict(s)


def test_a_torn_line_is_skipped_and_a_good_line_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    good = _result(1, 0.05, 0.04, [0.01, 0.07])
    cal.append_result(path, good)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"seed": 2, "employ')
    assert cal.load_results(path) == [good]


@pytest.mark.pipeline  # runs the demo through ingestion and dbt
def test_calibrate_command_reports_and_resumes(tmp_path: Path) -> None:
    out, report, log = tmp_path / "work", tmp_path / "CALIBRATION.md", tmp_path / "log.txt"
    args = [str(MENTORSHIP), "calibrate", "--seeds", "2", "--employees", "600"]
    args += ["--out", str(out), "--report", str(report)]
    with log.open("w") as fh:
        first = subprocess.run(args, stdout=fh, stderr=subprocess.STDOUT, timeout=900)
    text = log.read_text()
    assert first.returncode == 0, text
    assert "Traceback" not in text
    assert "seed 1 (1/2) computed" in text and "seed 2 (2/2) computed" in text
    assert "2 organisations computed, 0 reused" in text

    lines = (out / cal.RESULTS_FILE).read_text().splitlines()
    assert [json.loads(line)["seed"] for line in lines] == [1, 2]
    assert not (out / "seed-1").exists()  # each organisation's folder is removed once read

    md = report.read_text()
    for kpi, _, _ in cal.KPIS:
        assert f"| `{kpi}` |" in md
    assert "93–97%" in md
    truth = json.loads(lines[0])["truths"]["mentee"]
    assert f"{100 * truth:+.2f}" in md  # the organisations table shows each truth

    second = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 organisations computed, 2 reused" in second.stdout
    assert len((out / cal.RESULTS_FILE).read_text().splitlines()) == 2


def test_calibrate_rejects_a_bad_date_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(MENTORSHIP), "calibrate", "--seeds", "1", "--as-of", "2026-13-01"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "--as-of: '2026-13-01' is not a date" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_spread_of_standardised_errors_and_zero_width_intervals() -> None:
    intervals = [[0.00, 0.08], [0.02, 0.06], [-0.04, 0.12], [0.05, 0.05]]
    estimates = [0.04, 0.05, 0.02, 0.05]
    pairs = list(zip(estimates, intervals, strict=True))
    results = [_result(i, 0.03, e, iv) for i, (e, iv) in enumerate(pairs)]
    s = cal.summarise(results, "retention_12m_gap_mentee_adjusted", "mentee", "adjusted")
    z = [(e - 0.03) / ((iv[1] - iv[0]) / (2 * 1.959964)) for e, iv in pairs[:3]]
    assert s.zero_width == 1  # the last interval has no width: left out of the spread
    assert s.z_spread == pytest.approx(np.std(z, ddof=1))

"""The benchmark's smoke version: one small size through every measurement, and its report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.bench import render_markdown, run_bench


@pytest.mark.pipeline  # three real nights of a small demo, the floors and the pandas peer
def test_the_benchmark_measures_a_small_organisation_and_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    (result,) = run_bench([500], tmp_path / "bench", report, repeats=2)
    assert result["input_rows"] > 5000
    for night in ("first_night", "steady_night"):
        stages = result[night]["stage_seconds"]
        assert {"ingest", "check_sources", "transform.dbt_build", "report"} <= set(stages)
        assert result[night]["peak_rss_mb"] > 50
    # the first night redid the docs; the steady one reused them
    assert result["first_night"]["run_id"] != result["steady_night"]["run_id"]
    assert result["floor_parse_seconds"] > 0 and result["floor_count_seconds"] > 0
    assert result["peer"] is not None and result["peer"]["compute_seconds"] > 0
    assert result["unchanged_drop_seconds"] > 0
    # two of each, the median kept
    assert len(result["steady_night"]["all_seconds"]) == 2
    assert len(result["floor_parse_all_seconds"]) == 2
    assert len(result["peer"]["all_seconds"]) == 2
    assert result["steady_night"]["stage_seconds"]["up_to_kpis_json"] > 0
    text = report.read_text()
    assert "| 500 (steady) |" in text and "ratio to full parse (target < 10)" in text
    assert (tmp_path / "bench" / "results.json").is_file()


def test_the_report_shows_the_slope_between_sizes() -> None:
    def night(seconds: float) -> dict:
        stages = {"ingest": 1.0, "check_sources": 0.5, "transform.dbt_build": seconds / 2}
        return {"seconds": seconds, "stage_seconds": stages, "peak_rss_mb": 100.0 * seconds}

    results = [
        {
            "employees": n,
            "input_rows": 12 * n,
            "first_night": night(s),
            "steady_night": night(s),
            "unchanged_drop_seconds": 0.5,
            "warehouse_mb": 1.0,
            "output_mb": 1.0,
            "floor_count_seconds": 0.1,
            "floor_parse_seconds": 0.2,
            "peer": {"seconds": 2.0},
        }
        for n, s in ((10_000, 10.0), (100_000, 40.0))
    ]
    text = render_markdown(results, "abc1234")
    assert "| 10,000 | 100,000 | 10.0 | 4.0 |" in text
    assert "commit `abc1234`" in text


@pytest.mark.pipeline  # a throwaway PostgreSQL server and a real night on it
def test_the_benchmark_runs_the_nights_on_postgres_too(tmp_path: Path) -> None:
    from pipelines.bench import bench_target, render_targets_markdown
    from pipelines.targets.throwaway_postgres import binaries

    if binaries() is None:
        pytest.skip("Debian's postgresql package is not installed (make postgres)")
    (result,) = bench_target("postgres", [500], tmp_path / "bench")
    first = result["first_night"]["stage_seconds"]
    assert {"transform.hand_over", "transform.dbt_build", "transform.copy_back"} <= set(first)
    assert result["steady_night"]["seconds"] > 0
    text = render_targets_markdown([result], [])
    assert "| postgres | 500 (first night) |" in text and "| postgres | 500 (steady) |" in text

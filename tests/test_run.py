"""The run's own folder: a log of every step, a manifest, and publication only on success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.errors import PipelineError
from pipelines.publish import published_run_dir
from pipelines.run import PlainReporter, run, stage_ingest
from tests.conftest import EMPLOYEES_HEADER, write_csv

QUIET = PlainReporter(lambda _m: None)


def _drop(root: Path, header: list[str]) -> Path:
    rows = [["001", "Ann", "2020-01-01", "Sales", "3"]]
    write_csv(root / "inbox" / "2026-11-25" / "employees.csv", header, rows)
    return root / "inbox"


def test_a_published_run_keeps_its_log_and_manifest(tmp_path):
    inbox = _drop(tmp_path, EMPLOYEES_HEADER)
    ctx = run(inbox, tmp_path / "pub", tmp_path / "w.duckdb", reporter=QUIET,
              stages=[("ingest", stage_ingest)])  # fmt: skip
    log = (tmp_path / "pub" / "run.log").read_text()
    assert "STAGE ingest" in log and "employees: 1 read, 1 accepted, 0 quarantined" in log
    manifest = json.loads((tmp_path / "pub" / "manifest.json").read_text())
    assert manifest["status"] == "published" and manifest["run_id"] == ctx.run_id
    assert manifest["outputs"]["run_log"] == "run.log"
    assert published_run_dir(tmp_path / "pub") == ctx.run_dir.resolve()


def test_a_failed_run_logs_why_and_leaves_the_publication_alone(tmp_path):
    good = run(_drop(tmp_path / "a", EMPLOYEES_HEADER), tmp_path / "pub", tmp_path / "w.duckdb",
               reporter=QUIET, stages=[("ingest", stage_ingest)])  # fmt: skip
    bad_inbox = _drop(tmp_path / "b", ["employee_id", "hire_date", "job_level"])
    with pytest.raises(PipelineError, match="department"):
        run(bad_inbox, tmp_path / "pub", tmp_path / "w.duckdb", reporter=QUIET,
            stages=[("ingest", stage_ingest)])  # fmt: skip
    assert published_run_dir(tmp_path / "pub") == good.run_dir.resolve()
    failed = [d for d in (tmp_path / "pub-runs").iterdir() if d != good.run_dir]
    assert len(failed) == 1
    assert "FAIL  nothing published" in (failed[0] / "run.log").read_text()
    manifest = json.loads((failed[0] / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "department" in manifest["error"]


def test_a_second_run_on_the_same_output_is_refused_while_one_runs(tmp_path):
    from pipelines.publish import run_lock

    inbox = _drop(tmp_path, EMPLOYEES_HEADER)
    with run_lock(tmp_path / "pub"), pytest.raises(PipelineError, match="another run"):
        run(inbox, tmp_path / "pub", tmp_path / "w.duckdb", reporter=QUIET,
            stages=[("ingest", stage_ingest)])  # fmt: skip
    assert not (tmp_path / "pub").exists()

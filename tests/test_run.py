"""The run's own folder: a log of every step, a manifest, and publication only on success."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.context import PlainReporter
from pipelines.errors import PipelineError
from pipelines.publish import published_run_dir
from pipelines.run import run
from pipelines.stages import ingest_stage
from tests.conftest import EMPLOYEES_HEADER, write_csv

QUIET = PlainReporter(lambda _m: None)


def _drop(root: Path, header: list[str]) -> Path:
    rows = [["001", "Ann", "2020-01-01", "Sales", "3"]]
    write_csv(root / "inbox" / "2026-11-25" / "employees.csv", header, rows)
    return root / "inbox"


def test_a_published_run_keeps_its_log_and_manifest(tmp_path):
    inbox = _drop(tmp_path, EMPLOYEES_HEADER)
    ctx = run(inbox, tmp_path / "pub", tmp_path / "w.duckdb", reporter=QUIET,
              stages=[("ingest", ingest_stage)])  # fmt: skip
    log = (tmp_path / "pub" / "run.log").read_text()
    assert "STAGE ingest" in log and "employees: 1 read, 1 accepted, 0 quarantined" in log
    manifest = json.loads((tmp_path / "pub" / "manifest.json").read_text())
    assert manifest["status"] == "published" and manifest["run_id"] == ctx.run_id
    assert manifest["outputs"]["run_log"] == "run.log"
    assert published_run_dir(tmp_path / "pub") == ctx.run_dir.resolve()


def test_a_failed_run_logs_why_and_leaves_the_publication_alone(tmp_path):
    good = run(_drop(tmp_path / "a", EMPLOYEES_HEADER), tmp_path / "pub", tmp_path / "w.duckdb",
               reporter=QUIET, stages=[("ingest", ingest_stage)])  # fmt: skip
    bad_inbox = _drop(tmp_path / "b", ["employee_id", "hire_date", "job_level"])
    with pytest.raises(PipelineError, match="department"):
        run(bad_inbox, tmp_path / "pub", tmp_path / "w.duckdb", reporter=QUIET,
            stages=[("ingest", ingest_stage)])  # fmt: skip
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
            stages=[("ingest", ingest_stage)])  # fmt: skip
    assert not (tmp_path / "pub").exists()


def test_an_out_folder_that_is_not_a_publication_is_refused_and_left_alone(tmp_path):
    from pipelines.errors import InputError

    out = tmp_path / "pub"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not a publication"):
        run(
            _drop(tmp_path, EMPLOYEES_HEADER),
            out,
            tmp_path / "w.duckdb",
            reporter=QUIET,
            stages=[("ingest", ingest_stage)],
        )
    assert (out / "notes" / "keep.txt").read_text() == "mine"
    assert not (tmp_path / "pub-runs").exists() and not (tmp_path / "w.duckdb").exists()


def test_everything_a_run_writes_is_readable_by_its_owner_only_whatever_the_umask(tmp_path):
    import os
    import stat

    inbox = _drop(tmp_path, EMPLOYEES_HEADER)
    previous = os.umask(0o022)
    try:
        run(
            inbox,
            tmp_path / "site" / "pub",
            tmp_path / "site" / "w.duckdb",
            reporter=QUIET,
            stages=[("ingest", ingest_stage)],
        )
        assert os.umask(0o022) == 0o022  # the caller's umask is back
    finally:
        os.umask(previous)
    paths = list((tmp_path / "site").rglob("*"))
    assert any(p.name == "w.duckdb" for p in paths) and any(p.name == "run.log" for p in paths)
    assert any(p.name == ".w.duckdb.lock" for p in paths)
    for path in paths:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_retention_keeps_the_last_n_published_run_folders_and_every_audit_record(tmp_path):
    from pipelines.publish import runs_root
    from pipelines.run_history import past_runs

    inbox, out, warehouse = (
        _drop(tmp_path, EMPLOYEES_HEADER),
        tmp_path / "pub",
        tmp_path / "w.duckdb",
    )
    bad = _drop(tmp_path / "bad", ["employee_id", "hire_date", "job_level"])
    ids = []
    for source in (inbox, bad, inbox, inbox, inbox):
        try:
            ids.append(
                run(
                    source,
                    out,
                    warehouse,
                    reporter=QUIET,
                    keep_runs=2,
                    stages=[("ingest", ingest_stage)],
                ).run_id
            )
        except PipelineError:
            ids.append(None)
    kept = sorted(p.name for p in runs_root(out).iterdir())
    assert kept == sorted(ids[-2:])  # the failed folder was older than the oldest kept
    assert published_run_dir(out).name == ids[-1]
    history = past_runs(warehouse)
    assert [r["status"] for r in history] == [
        "published",
        "failed",
        "published",
        "published",
        "published",
    ]
    assert history[1]["exit_code"] == 2 and "department" in history[1]["error"]


def test_a_failed_run_is_in_the_audit_history_with_its_checks_once_a_run_publishes(tmp_path):
    import duckdb

    from pipelines.run_history import check_summary, past_runs

    warehouse = tmp_path / "w.duckdb"
    bad = _drop(tmp_path / "bad", ["employee_id", "hire_date", "job_level"])
    with pytest.raises(PipelineError):
        run(bad, tmp_path / "pub", warehouse, reporter=QUIET, stages=[("ingest", ingest_stage)])
    # not in the warehouse yet (it was never replaced), but listed from the journal
    assert not warehouse.exists()
    assert [r["status"] for r in past_runs(warehouse)] == ["failed"]
    run(
        _drop(tmp_path, EMPLOYEES_HEADER),
        tmp_path / "pub",
        warehouse,
        reporter=QUIET,
        stages=[("ingest", ingest_stage)],
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select status, exit_code from audit.runs order by started_at"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("failed", 2), ("published", 0)]
    assert check_summary(warehouse, past_runs(warehouse)[0]["run_id"])["checks"] == 0

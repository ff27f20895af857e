"""Two runs, or a run and an analyst, on the same warehouse or output.

A second run exits at once with exit code 75 and a message naming the first;
a lock left by a killed run is taken over with a warning; an analyst's
read-only connection never stops a run (the run builds a new warehouse file
and swaps it in); a process holding the warehouse open for writing makes the
run exit at once, naming it. Every process here is real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.context import PlainReporter, RunContext
from pipelines.errors import ExitCode
from pipelines.publish import published_run_dir, runs_root
from pipelines.run import run
from pipelines.run_history import past_runs
from pipelines.stages import ingest_stage
from tests.conftest import EMPLOYEES_HEADER, write_csv

REPO = Path(__file__).resolve().parents[1]
MENTORSHIP = Path(sys.executable).parent / "mentorship"
QUIET = PlainReporter(lambda _m: None)


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    rows = [["001", "Ann", "2020-01-01", "Sales", "3"], ["002", "Bo", "2021-01-01", "Ops", "4"]]
    return write_csv(
        tmp_path / "inbox" / "2026-11-25" / "employees.csv", EMPLOYEES_HEADER, rows
    ).parent


def ingest_run(drop: Path, out: Path, warehouse: Path) -> RunContext:
    """A real run that ingests only (the locks and the warehouse swap are the same)."""
    return run(drop, out, warehouse, reporter=QUIET, stages=[("ingest", ingest_stage)])


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


@pytest.fixture
def frozen_run(drop: Path) -> Iterator[object]:
    """Start ``mentorship run`` that freezes (SIGSTOP) holding its locks; kill -9 it after."""
    started: list[subprocess.Popen[bytes]] = []

    def start(out: Path, warehouse: Path) -> subprocess.Popen[bytes]:
        env = dict(os.environ, MENTORSHIP_FAILPOINT="stage.ingest:stop")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.cli_with_stages",
                "ingest",
                "run",
                "--inbox",
                str(drop),
                "--out",
                str(out),
                "--warehouse",
                str(warehouse),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        while proc.poll() is None and _state(proc.pid) != "T":
            time.sleep(0.05)  # waiting for the run to reach its failpoint, not timing it
        assert proc.poll() is None, "the run ended before its failpoint"
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MENTORSHIP), "run", *args], capture_output=True, text=True, cwd=REPO, timeout=300
    )


def test_a_second_run_on_the_same_warehouse_exits_at_once_and_a_dead_lock_is_taken_over(
    tmp_path: Path, drop: Path, frozen_run
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    first = frozen_run(tmp_path / "a" / "published", warehouse)
    second = _cli(
        "--inbox",
        str(drop),
        "--out",
        str(tmp_path / "b" / "published"),
        "--warehouse",
        str(warehouse),
    )
    assert second.returncode == ExitCode.IN_PROGRESS
    assert f"warehouse {warehouse} is in use by another run (pid {first.pid}" in second.stderr
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert not runs_root(tmp_path / "b" / "published").exists()  # it did nothing

    first.send_signal(signal.SIGKILL)  # the first run dies holding both locks
    first.wait()
    ctx = ingest_run(drop, tmp_path / "b" / "published", warehouse)
    assert published_run_dir(tmp_path / "b" / "published") == ctx.run_dir
    assert any(
        w.startswith(f"took over the lock of warehouse {warehouse}") and f"pid {first.pid}" in w
        for w in ctx.warnings
    ), ctx.warnings
    statuses = [r["status"] for r in past_runs(warehouse)]
    assert statuses == ["interrupted", "published"]


def test_a_second_run_on_the_same_output_exits_at_once(
    tmp_path: Path, drop: Path, frozen_run
) -> None:
    out = tmp_path / "published"
    first = frozen_run(out, tmp_path / "one.duckdb")
    second = _cli(
        "--inbox", str(drop), "--out", str(out), "--warehouse", str(tmp_path / "two.duckdb")
    )
    assert second.returncode == ExitCode.IN_PROGRESS
    assert f"output folder {out} is in use by another run (pid {first.pid}" in second.stderr
    assert not (tmp_path / "two.duckdb").exists()


ANALYST = """
import sys, duckdb
path, mode = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=(mode == "read"))
def answer():
    n = con.execute("select count(*) from audit.runs").fetchone()[0]
    print(n, con.execute("select count(*) from raw.employees").fetchone()[0], flush=True)
answer()
for line in sys.stdin:
    if line.strip() == "reconnect":
        con.close()
        con = duckdb.connect(path, read_only=True)
    answer()
"""


def _analyst(warehouse: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(warehouse), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _ask(analyst: subprocess.Popen[str], line: str = "query") -> str:
    assert analyst.stdin is not None and analyst.stdout is not None
    analyst.stdin.write(line + "\n")
    analyst.stdin.flush()
    return analyst.stdout.readline().strip()


def test_an_analyst_reading_the_warehouse_never_stops_the_nightly_run(
    tmp_path: Path, drop: Path
) -> None:
    out, warehouse = tmp_path / "published", tmp_path / "warehouse.duckdb"
    ingest_run(drop, out, warehouse)
    analyst = _analyst(warehouse, "read")
    try:
        assert analyst.stdout is not None
        assert analyst.stdout.readline().strip() == "1 2"
        ctx = ingest_run(drop, out, warehouse)  # the analyst's connection stays open
        assert published_run_dir(out) == ctx.run_dir
        assert _ask(analyst) == "1 2"  # still the warehouse it opened, consistent
        assert _ask(analyst, "reconnect") == "2 2"  # the new one, once it reconnects
    finally:
        analyst.kill()
        analyst.wait()


def test_a_process_writing_the_warehouse_makes_the_run_exit_at_once_naming_it(
    tmp_path: Path, drop: Path
) -> None:
    out, warehouse = tmp_path / "published", tmp_path / "warehouse.duckdb"
    ingest_run(drop, out, warehouse)
    before = published_run_dir(out)
    writer = _analyst(warehouse, "write")
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "1 2"
        result = _cli(
            "--inbox", str(drop), "--out", str(out), "--warehouse", str(warehouse), "--force"
        )
        assert result.returncode == ExitCode.IN_PROGRESS, result.stderr
        assert f"open for writing by process {writer.pid}" in result.stderr
        assert "read_only=True" in result.stderr
        assert published_run_dir(out) == before
    finally:
        writer.kill()
        writer.wait()

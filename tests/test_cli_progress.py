"""The CLI's progress never breaks a run, whatever dbt's threads do.

dbt reports every node from its worker threads through the event callback;
the progress display used to be closed by one thread (a warning line) while
another updated it, the exception went into dbt, and dbt marked the node and
everything after it as errors: 13 runs out of 80 failed at random. These
tests run the real ``mentorship run`` in a subprocess, its output redirected
to a file as cron does, on a dbt project whose 40 models each warn from one
of 4 threads, several times: the old reporter failed every one of them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.transform.dbt_runner import build
from tests.conftest import EMPLOYEES_HEADER, write_csv

PROJECT = Path(__file__).parent / "fixtures" / "dbt_warnings"
REPO = Path(__file__).resolve().parents[1]
#: Runs per test: the old reporter failed 10 runs out of 10 of this project.
RUNS = 3


def _drop(root: Path) -> Path:
    rows = [["001", "Ann", "2020-01-01", "Sales", "3"]]
    write_csv(root / "inbox" / "2026-11-25" / "employees.csv", EMPLOYEES_HEADER, rows)
    return root / "inbox"


def _run_cli(root: Path, i: int, terminal: bool) -> tuple[int, str]:
    """One ``mentorship run`` with stdout and stderr going to a file; (exit code, output)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    if terminal:  # rich's own switches: the display it would show on a terminal
        env.update(TTY_COMPATIBLE="1", TTY_INTERACTIVE="1", COLUMNS="120")
    log = root / f"run-{i}.log"
    with log.open("w") as fh:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.cli_with_stages",
                str(PROJECT),
                "run",
                "--inbox",
                str(root / "inbox"),
                "--out",
                str(root / f"out-{i}" / "published"),
            ],
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
            timeout=300,
        )
    return done.returncode, log.read_text()


@pytest.mark.parametrize("terminal", [True, False], ids=["rich-display", "cron-output"])
def test_dbt_threads_emitting_warnings_never_fail_a_cli_run(tmp_path: Path, terminal: bool) -> None:
    _drop(tmp_path)
    for i in range(RUNS):
        code, output = _run_cli(tmp_path, i, terminal)
        assert code == 0, output[-3000:]
        assert "published" in output
        assert "Exception on worker thread" not in output
        assert "progress display failed" not in output
        manifest = (tmp_path / f"out-{i}" / "published" / "manifest.json").read_text()
        assert '"status": "published"' in manifest
        # every node's result and warning is in run.log, whatever was shown
        log = (tmp_path / f"out-{i}" / "published" / "run.log").read_text()
        assert log.count("a warning from a dbt worker thread") == 40
        if not terminal:  # cron's mail: plain lines, no escape codes, no bar
            assert "\x1b[" not in output
            assert "━" not in output
            assert re.search(r"^\d\d:\d\d:\d\d == transform$", output, re.MULTILINE)


class ExplodingReporter:
    """A progress display that fails on every call."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, message: str) -> None:
        self.calls += 1
        raise RuntimeError("the display is broken")


def test_a_failing_progress_display_never_fails_the_build(tmp_path: Path) -> None:
    explode = ExplodingReporter()
    result = build(
        PROJECT,
        tmp_path / "w.duckdb",
        tmp_path / "dbt",
        explode,
    )
    assert result.success, result.failure_message()
    assert {n.status for n in result.nodes} == {"success"}
    assert explode.calls > 40
    assert result.callback_errors[0] == "RuntimeError: the display is broken"


def test_a_failed_build_names_the_first_real_error_not_the_skipped_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORSHIP_TEST_BREAK", "1")
    result = build(PROJECT, tmp_path / "w.duckdb", tmp_path / "dbt", lambda _m: None)
    assert not result.success
    message = result.failure_message()
    assert message.startswith("dbt could not build 6 model(s): model breaks errored: ")
    assert "a_table_that_does_not_exist" in message
    assert message.endswith("(5 model(s) downstream of it skipped)")
    assert "after_breaks" not in message and "\n" not in message

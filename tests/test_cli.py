"""The CLI: useful help on every command, one-line errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import ExitCode
from tests.conftest import write_csv

runner = CliRunner()
COMMANDS = ["demo", "ingest", "run", "runs", "show", "calibrate", "bench"]


def _mentorship(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_text(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.split()) > 20
    assert "--" in result.output


def test_every_command_is_in_the_readme():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for command in COMMANDS:
        assert f"mentorship {command}" in readme


def test_missing_required_column_is_a_one_line_error_naming_file_and_column(tmp_path):
    drop = tmp_path / "2026-11-25"
    write_csv(
        drop / "employees.csv",
        ["employee_id", "hire_date", "job_level"],
        [["1", "2020-01-01", "3"]],
    )
    result = _mentorship("ingest", "--inbox", str(drop), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == ExitCode.BAD_INPUT
    assert "Traceback" not in result.stderr
    assert "employees.csv" in result.stderr and "'department'" in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr


def test_bad_as_of_is_a_one_line_error(tmp_path):
    result = _mentorship("run", "--inbox", str(tmp_path), "--as-of", "25/11/2026")
    assert result.returncode == ExitCode.BAD_INPUT
    assert "Traceback" not in result.stderr
    assert "--as-of" in result.stderr


def test_missing_inbox_is_a_one_line_error(tmp_path):
    result = _mentorship("run", "--inbox", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert result.returncode == ExitCode.BAD_INPUT
    assert "no such folder" in result.stderr and "Traceback" not in result.stderr


def test_counted_steps_drive_a_progress_bar_and_failures_still_print():
    from io import StringIO

    from rich.console import Console

    import pipelines.cli as cli

    out = StringIO()
    reporter = cli.RichReporter(Console(file=out, width=200))
    reporter.stage("transform")
    reporter.step("1 of 3 START sql table model main.kpi_summary")
    reporter.step("2 of 3 PASS unique_kpi_summary_kpi")
    reporter.step("3 of 3 ERROR creating sql table model main.kpi_history")
    reporter.step("dbt build: FAILED")
    text = out.getvalue()
    assert "unique_kpi_summary_kpi" not in text
    assert "3 of 3 ERROR creating sql table model main.kpi_history" in text
    assert "dbt build: FAILED" in text


def test_the_progress_reporter_takes_lines_from_many_threads_at_once():
    """dbt reports from its worker threads: a line closing the bar while another thread
    updated it failed dbt nodes with "'NoneType' object has no attribute 'update'"."""
    import threading
    from io import StringIO

    from rich.console import Console

    import pipelines.cli as cli

    reporter = cli.RichReporter(Console(file=StringIO(), width=200))
    reporter.stage("transform")
    errors: list[BaseException] = []

    def report(worker: int) -> None:
        try:
            for i in range(300):
                reporter.step(f"{i} of 300 START sql table model main.m{worker}_{i}")
                reporter.step(f"worker {worker} line {i}")
        except BaseException as exc:  # noqa: BLE001 (the test collects any failure)
            errors.append(exc)

    threads = [threading.Thread(target=report, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_demo_too_small_to_plant_its_structure_fails_in_one_line(tmp_path: Path) -> None:
    result = _mentorship("demo", "--employees", "300", "--out", str(tmp_path / "inbox"))
    assert result.returncode == 2  # bad input
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = [x for x in (result.stdout + result.stderr).splitlines() if x.strip()]
    assert "--employees: at least 500" in line

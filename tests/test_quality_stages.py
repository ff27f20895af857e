"""The sources stage records every check everywhere an auditor looks, and stops on critical ones."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.context import PlainReporter, RunContext
from pipelines.errors import PipelineError
from pipelines.inbox import Drop
from pipelines.publish import new_run_dir
from pipelines.stages import check_sources_stage
from pipelines.warehouse import reset_raw_schema
from tests.test_quality_contract_checks import raw  # noqa: F401  (fixture)


def _context(tmp_path: Path, con: duckdb.DuckDBPyConnection, run_id: str) -> RunContext:
    """A run context on the fixture's warehouse file (the caller closes ``con`` first)."""
    out = tmp_path / "published"
    return RunContext(
        run_id=run_id,
        drop=Drop(folder=tmp_path, as_of=date(2026, 11, 25), files={}, unknown_files=()),
        warehouse=tmp_path / "warehouse.duckdb",  # the conftest fixture's file
        out=out,
        run_dir=new_run_dir(out, run_id),
        reporter=PlainReporter(lambda _: None),
    )


def _check_sources(ctx: RunContext) -> None:
    """The stage, then its connection closed (the run closes it before the commit)."""
    try:
        check_sources_stage(ctx)
    finally:
        ctx.close_connection()


def _audit_rows(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select run_id, suite, check_name, severity, success from audit.check_results "
            "order by run_id, suite, check_name"
        ).fetchall()
    finally:
        con.close()


def test_every_check_lands_in_the_audit_table_results_json_and_manifest(
    tmp_path: Path,
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    ctx = _context(tmp_path, raw, "run-1")
    raw.close()
    _check_sources(ctx)
    rows = _audit_rows(ctx.warehouse)
    results = json.loads((ctx.run_dir / "quality" / "results.json").read_text())
    assert len(rows) == len(results["checks"]) == len(ctx.checks) > 100
    assert results["summary"]["failed_critical"] == 0
    assert ctx.outputs["quality_results"] == "quality/results.json"
    first = results["checks"][0]
    assert set(first) >= {
        "suite",
        "check",
        "severity",
        "success",
        "observed_value",
        "unexpected_count",
        "failing_keys_sample",
    }
    assert {c["suite"] for c in ctx.checks} >= {"raw.employees", "raw.file_loads"}


def test_a_critical_failure_stops_the_run_naming_the_check_after_recording_it(
    tmp_path: Path,
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    raw.execute("update raw.employees set employee_id = 'E1' where employee_id = 'E2'")
    ctx = _context(tmp_path, raw, "run-1")
    raw.close()
    with pytest.raises(PipelineError) as error:
        _check_sources(ctx)
    message = str(error.value)
    assert message.startswith(
        "critical check failed: raw.employees employee_id unique (2 unexpected)"
    )
    assert "\n" not in message
    # The failed run folder documents why: results, Data Docs, the manifest's checks.
    results = json.loads((ctx.run_dir / "quality" / "results.json").read_text())
    assert results["summary"]["failed_critical"] == 1
    assert (ctx.run_dir / "quality" / "data_docs" / "index.html").exists()
    assert any(c["check"] == "employee_id unique" and not c["success"] for c in ctx.checks)
    assert ("run-1", "raw.employees", "employee_id unique", "critical", False) in _audit_rows(
        ctx.warehouse
    )


def test_several_critical_failures_are_counted_in_one_line(
    tmp_path: Path,
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    raw.execute("update raw.employees set job_level = 99, department = null")
    ctx = _context(tmp_path, raw, "run-1")
    raw.close()
    with pytest.raises(PipelineError, match=r"^2 critical checks failed: raw.employees "):
        _check_sources(ctx)


def test_a_failed_warning_is_published_as_a_run_warning(
    tmp_path: Path,
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    raw.execute("update raw.employees set hire_date = '2027-01-01' where employee_id = 'E2'")
    ctx = _context(tmp_path, raw, "run-1")
    raw.close()
    _check_sources(ctx)
    assert ctx.warnings == [
        "check failed (warning): raw.employees hire_date not after the export date (1 unexpected)"
    ]


def test_results_are_kept_across_runs_while_raw_is_replaced(
    tmp_path: Path,
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
) -> None:
    first = _context(tmp_path, raw, "run-1")
    raw.close()
    _check_sources(first)
    _check_sources(first)  # a stage rerun replaces its own rows, never duplicates
    con = duckdb.connect(str(first.warehouse))
    reset_raw_schema(con, first.as_of)  # what the next night's ingestion does
    con.close()
    second = replace(
        first,
        run_id="run-2",
        run_dir=new_run_dir(first.out, "run-2"),
        checks=[],
        warnings=[],
        outputs={},
        check_results=[],
        quality_metrics={},
        baseline=None,
        baseline_loaded=False,
    )
    with pytest.raises(PipelineError):  # an empty raw schema has no employees
        _check_sources(second)
    rows = _audit_rows(first.warehouse)
    per_run = {run: sum(r[0] == run for r in rows) for run in ("run-1", "run-2")}
    assert per_run["run-1"] == len(first.checks) // 2
    assert per_run["run-2"] == len(second.checks)

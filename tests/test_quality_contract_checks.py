"""The contract suites catch a loader that lets a bad row through; reconciliation catches lost rows.

Each test starts from a small, consistent raw schema (every check passes),
breaks one rule the way a loader regression would, and expects exactly the
check of that rule to fail, with its severity.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from pipelines.quality.results import CheckResult, run_suite
from pipelines.quality.suites import load_suites
from pipelines.warehouse import reset_raw_schema

EXPORT = "2026-11-25"


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    for line, row in enumerate(rows, start=2):
        full = {
            "_source_file": f"/drop/{table}.csv",
            "_line_number": line,
            "_file_sha256": f"sha-{table}",
            "_export_date": EXPORT,
            "_run_id": "run-1",
            **row,
        }
        cols = ", ".join(full)
        marks = ", ".join("?" * len(full))
        con.execute(f"insert into raw.{table} ({cols}) values ({marks})", list(full.values()))


def _file_load(con: duckdb.DuckDBPyConnection, source: str, read: int, accepted: int) -> None:
    con.execute(
        "insert into raw.file_loads values ('run-1', ?, ?, 'csv', ?, ?::date, ?, ?, ?, [], [])",
        [source, f"/drop/{source}.csv", f"sha-{source}", EXPORT, read, accepted, read - accepted],
    )


@pytest.fixture
def raw(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A consistent raw schema: 3 employees, 1 program, 1 match, 2 sessions."""
    reset_raw_schema(warehouse, date.fromisoformat(EXPORT))
    _insert(
        warehouse,
        "employees",
        [
            {
                "employee_id": f"E{i}",
                "hire_date": "2020-01-01",
                "department": "Sales",
                "job_level": 3,
                "manager_id": "E0" if i else None,
            }
            for i in range(3)
        ],
    )
    _insert(
        warehouse,
        "programs",
        [
            {
                "program_id": "P1",
                "program_name": "Career",
                "program_type": "traditional",
                "start_date": "2024-01-01",
            }
        ],
    )
    _insert(
        warehouse,
        "matches",
        [
            {
                "match_id": "M1",
                "program_id": "P1",
                "mentor_id": "E0",
                "mentee_id": "E1",
                "start_date": "2024-02-01",
                "status": "active",
            }
        ],
    )
    _insert(
        warehouse,
        "sessions",
        [
            {
                "session_id": f"S{i}",
                "match_id": "M1",
                "session_date": f"2024-03-0{i + 1}",
                "initiated_by": "mentee",
                "status": "held",
            }
            for i in range(2)
        ],
    )
    for source, n in (("employees", 3), ("programs", 1), ("matches", 1), ("sessions", 2)):
        _file_load(warehouse, source, n, n)
    return warehouse


def _failures(con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    return [r for s in load_suites("sources") for r in run_suite(con, s, "sources") if r.failed]


def _only_failure(con: duckdb.DuckDBPyConnection) -> CheckResult:
    failures = _failures(con)
    assert len(failures) == 1, [f.message() for f in failures]
    return failures[0]


def test_a_consistent_raw_schema_passes_every_contract_check(
    raw: duckdb.DuckDBPyConnection,
) -> None:
    assert _failures(raw) == []


def test_a_duplicate_key_fails_the_unique_check_naming_the_lines(
    raw: duckdb.DuckDBPyConnection,
) -> None:
    raw.execute("update raw.employees set employee_id = 'E1' where employee_id = 'E2'")
    failure = _only_failure(raw)
    assert (failure.suite, failure.check, failure.severity) == (
        "raw.employees",
        "employee_id unique",
        "critical",
    )
    assert failure.unexpected_count == 2
    assert [s["_line_number"] for s in failure.sample] == [3, 4]
    assert failure.message() == "raw.employees employee_id unique (2 unexpected)"


def test_a_missing_required_value_fails_the_not_null_check(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.employees set department = null where employee_id = 'E2'")
    failure = _only_failure(raw)
    assert (failure.check, failure.severity, failure.unexpected_count) == (
        "department not null",
        "critical",
        1,
    )


def test_a_value_outside_its_set_fails_the_enum_check(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.sessions set status = 'postponed' where session_id = 'S1'")
    failure = _only_failure(raw)
    assert (failure.suite, failure.check) == ("raw.sessions", "status in set")
    assert failure.sample == [{"_line_number": 3, "session_id": "S1", "status": "postponed"}]


def test_a_value_outside_its_range_fails_the_range_check(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.employees set job_level = 16 where employee_id = 'E1'")
    assert _only_failure(raw).check == "job_level between 1 and 15"


def test_an_unknown_reference_fails_critically(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.matches set mentee_id = 'E9'")
    failure = _only_failure(raw)
    assert (failure.check, failure.severity) == (
        "mentee_id references employees.employee_id",
        "critical",
    )


def test_an_unknown_manager_is_only_a_warning(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.employees set manager_id = 'X9' where employee_id = 'E2'")
    failure = _only_failure(raw)
    assert (failure.check, failure.severity) == (
        "manager_id references employees.employee_id",
        "warning",
    )


def test_a_mentor_matched_with_themself_fails_the_row_rule(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.matches set mentee_id = 'E0'")
    assert _only_failure(raw).check == "mentee_id <> mentor_id"


def test_a_session_before_its_match_started_fails(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.sessions set session_date = '2024-01-15' where session_id = 'S0'")
    assert _only_failure(raw).check == "r.session_date >= t.start_date"


def test_a_date_after_the_export_is_a_warning(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.employees set hire_date = '2027-01-01' where employee_id = 'E2'")
    failure = _only_failure(raw)
    assert (failure.check, failure.severity) == ("hire_date not after the export date", "warning")


def test_rows_read_not_accepted_plus_quarantined_breaks_reconciliation(
    raw: duckdb.DuckDBPyConnection,
) -> None:
    raw.execute("update raw.file_loads set rows_read = 5 where source = 'sessions'")
    failure = _only_failure(raw)
    assert (failure.suite, failure.check, failure.severity) == (
        "raw.file_loads",
        "rows read = accepted + quarantined",
        "critical",
    )
    assert failure.sample == [
        {"source": "sessions", "rows_read": 5, "rows_accepted": 2, "rows_quarantined": 0}
    ]


def test_an_accepted_row_missing_from_its_raw_table_breaks_reconciliation(
    raw: duckdb.DuckDBPyConnection,
) -> None:
    raw.execute("delete from raw.sessions where session_id = 'S1'")
    failure = _only_failure(raw)
    assert failure.check == "accepted rows = raw table rows"
    assert failure.sample == [{"source": "sessions", "rows_accepted": 2, "rows_in_raw_table": 1}]


def test_a_raw_row_from_another_file_breaks_the_lineage(raw: duckdb.DuckDBPyConnection) -> None:
    raw.execute("update raw.sessions set _file_sha256 = 'other' where session_id = 'S1'")
    assert _only_failure(raw).check == "raw rows carry their file's sha256"


def test_a_drop_without_employees_rows_fails(raw: duckdb.DuckDBPyConnection) -> None:
    for table in ("sessions", "matches", "programs", "employees"):
        raw.execute(f"delete from raw.{table}")
    raw.execute("delete from raw.file_loads")
    checks = {f.check for f in _failures(raw)}
    assert checks == {"row count at least 1", "required sources loaded"}

"""Contract section 3: every kind of bad row is kept with its line, column and reason."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.inbox import resolve_drop
from pipelines.ingest.loader import load_drop
from tests.conftest import write_csv

EMP = ["employee_id", "hire_date", "termination_date", "department", "job_level", "manager_id"]
GOOD_EMPLOYEES = [
    ["E1", "2020-01-01", "", "Sales", "3", ""],
    ["E2", "2020-01-01", "", "Sales", "4", "E1"],
    ["E3", "2020-01-01", "", "IT", "5", "E1"],
]
PROGRAMS = (
    ["program_id", "program_name", "program_type", "start_date"],
    [["P1", "Trad", "traditional", "2023-01-01"]],
)
MATCH_H = ["match_id", "program_id", "mentor_id", "mentee_id", "start_date", "end_date"]
SESSION_H = ["session_id", "match_id", "session_date", "initiated_by", "status"]


def _run(con: duckdb.DuckDBPyConnection, drop_dir: Path) -> dict[str, object]:
    loads = load_drop(con, resolve_drop(drop_dir), "run-q")
    return {load.source: load for load in loads}


def _quarantine(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple]:
    return con.execute(
        "select line_number, column_name, reason from raw.quarantine where source = ? "
        "order by line_number",
        [source],
    ).fetchall()


def _employees(drop_dir: Path, extra: list[list[str]]) -> None:
    write_csv(drop_dir / "employees.csv", EMP, GOOD_EMPLOYEES + extra)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["E9", "", "", "Sales", "3", ""], "hire_date", "missing required value"),
        (["E9", "2020-02-30", "", "Sales", "3", ""], "hire_date", "unparsable value '2020-02-30'"),
        (["E9", "01/02/2020", "", "Sales", "3", ""], "hire_date", "unparsable value '01/02/2020'"),
        (["E9", "2020-01-01", "", "Sales", "three", ""], "job_level", "unparsable value 'three'"),
        (["E9", "2020-01-01", "", "Sales", "3.5", ""], "job_level", "unparsable value '3.5'"),
        (["E9", "2020-01-01", "", "Sales", "16", ""], "job_level", "outside 1..15"),
        (
            ["E9", "2020-01-01", "2019-01-01", "Sales", "3", ""],
            "termination_date",
            "before hire_date",
        ),
        (["", "2020-01-01", "", "Sales", "3", ""], "employee_id", "missing required value"),
    ],
)
def test_bad_value_is_quarantined_with_its_column_and_reason(
    warehouse, drop_dir, row, column, reason
):
    _employees(drop_dir, [row])
    loads = _run(warehouse, drop_dir)
    [(line, col, why)] = _quarantine(warehouse, "employees")
    assert (line, col) == (5, column)
    assert reason in why
    assert loads["employees"].rows_accepted == 3


def test_value_outside_its_set_is_quarantined(warehouse, drop_dir):
    _employees(drop_dir, [])
    write_csv(
        drop_dir / "programs.csv",
        PROGRAMS[0],
        [*PROGRAMS[1], ["P2", "X", "coaching", "2023-01-01"]],
    )
    _run(warehouse, drop_dir)
    [(line, col, why)] = _quarantine(warehouse, "programs")
    assert (line, col) == (3, "program_type")
    assert "'coaching' not in (traditional, reverse, peer, group)" in why


def test_enum_values_are_case_insensitive_and_stored_lower_case(warehouse, drop_dir):
    _employees(drop_dir, [])
    write_csv(drop_dir / "programs.csv", PROGRAMS[0], [["P1", "Trad", " Reverse ", "2023-01-01"]])
    _run(warehouse, drop_dir)
    assert warehouse.execute("select program_type from raw.programs").fetchall() == [("reverse",)]


def test_duplicate_key_keeps_first_row_and_quarantines_the_rest(warehouse, drop_dir):
    _employees(
        drop_dir, [["E1", "2021-01-01", "", "IT", "2", ""], ["E1", "2022-01-01", "", "IT", "2", ""]]
    )
    _run(warehouse, drop_dir)
    assert warehouse.execute(
        "select hire_date::varchar from raw.employees where employee_id = 'E1'"
    ).fetchall() == [("2020-01-01",)]
    rows = _quarantine(warehouse, "employees")
    assert [r[0] for r in rows] == [5, 6]
    assert all("duplicate key (employee_id); first row at line 2 kept" in r[2] for r in rows)


def test_duplicate_of_an_invalid_row_is_accepted(warehouse, drop_dir):
    """The first *valid* row wins: a broken first row must not cost the good one."""
    write_csv(
        drop_dir / "employees.csv",
        EMP,
        [["E1", "bad", "", "S", "3", ""], ["E1", "2020-01-01", "", "S", "3", ""]],
    )
    _run(warehouse, drop_dir)
    assert warehouse.execute("select _line_number from raw.employees").fetchall() == [(3,)]
    assert [r[0] for r in _quarantine(warehouse, "employees")] == [2]


def test_unknown_manager_is_kept_and_counted_as_a_warning(warehouse, drop_dir):
    _employees(drop_dir, [["E4", "2020-01-01", "", "IT", "2", "OUTSIDE"]])
    loads = _run(warehouse, drop_dir)
    assert loads["employees"].rows_accepted == 4
    assert loads["employees"].warnings[0]["column"] == "manager_id"
    assert loads["employees"].warnings[0]["rows"] == 1


def _mentoring(
    drop_dir: Path, matches: list[list[str]], sessions: list[list[str]] | None = None
) -> None:
    write_csv(drop_dir / "programs.csv", *PROGRAMS)
    write_csv(drop_dir / "matches.csv", MATCH_H, matches)
    if sessions is not None:
        write_csv(drop_dir / "sessions.csv", SESSION_H, sessions)


def test_reference_to_unknown_employee_is_quarantined(warehouse, drop_dir):
    _employees(drop_dir, [])
    _mentoring(drop_dir, [["M1", "P1", "E1", "NOBODY", "2024-01-01", ""]])
    _run(warehouse, drop_dir)
    [(line, col, why)] = _quarantine(warehouse, "matches")
    assert (line, col) == (2, "mentee_id")
    assert "unknown employee_id 'NOBODY'" in why


def test_mentor_matched_with_themself_is_quarantined(warehouse, drop_dir):
    _employees(drop_dir, [])
    _mentoring(drop_dir, [["M1", "P1", "E1", "E1", "2024-01-01", ""]])
    _run(warehouse, drop_dir)
    assert "matched with themself" in _quarantine(warehouse, "matches")[0][2]


def test_session_before_its_match_started_is_quarantined(warehouse, drop_dir):
    _employees(drop_dir, [])
    _mentoring(
        drop_dir,
        [["M1", "P1", "E1", "E2", "2024-01-01", ""]],
        [
            ["S1", "M1", "2023-12-31", "mentee", "held"],
            ["S2", "M1", "2024-01-01", "mentor", "held"],
        ],
    )
    _run(warehouse, drop_dir)
    assert _quarantine(warehouse, "sessions") == [
        (2, "session_date", "session is before its match started")
    ]
    assert warehouse.execute("select session_id from raw.sessions").fetchall() == [("S2",)]


def test_reference_to_a_quarantined_row_cascades(warehouse, drop_dir):
    """A bad employee takes their match with them, and the match its sessions."""
    _employees(drop_dir, [["E9", "not-a-date", "", "Sales", "3", ""]])
    _mentoring(
        drop_dir,
        [["M1", "P1", "E1", "E9", "2024-01-01", ""]],
        [["S1", "M1", "2024-02-01", "mentee", "held"]],
    )
    loads = _run(warehouse, drop_dir)
    assert (
        "references a quarantined employees row (employee_id 'E9')"
        in _quarantine(warehouse, "matches")[0][2]
    )
    assert (
        "references a quarantined matches row (match_id 'M1')"
        in _quarantine(warehouse, "sessions")[0][2]
    )
    assert loads["sessions"].rows_accepted == 0


def test_quarantine_keeps_original_values_without_personal_data(warehouse, drop_dir):
    write_csv(
        drop_dir / "employees.csv",
        [*EMP, "full_name", "email"],
        [["E1", " 2020/01/01 ", "", "Sales", "3", "", "Ann Secret", "ann@x.org"]],
    )
    _run(warehouse, drop_dir)
    (original,) = warehouse.execute("select original_values from raw.quarantine").fetchone()
    values = json.loads(original)
    assert values["hire_date"] == " 2020/01/01 "
    assert "full_name" not in values and "email" not in values


def test_rows_read_equal_accepted_plus_quarantined_for_every_file(warehouse, drop_dir):
    _employees(drop_dir, [["E1", "2020-01-01", "", "S", "3", ""], ["E8", "x", "", "S", "3", ""]])
    _mentoring(
        drop_dir,
        [["M1", "P1", "E1", "E2", "2024-01-01", ""], ["M2", "P9", "E1", "E3", "2024-01-01", ""]],
        [
            ["S1", "M1", "2024-02-01", "mentee", "held"],
            ["S2", "M2", "2024-02-01", "mentee", "held"],
        ],
    )
    for load in _run(warehouse, drop_dir).values():
        assert load.rows_read == load.rows_accepted + load.rows_quarantined
        (stored,) = warehouse.execute(
            "select rows_read from raw.file_loads where source = ?", [load.source]
        ).fetchone()
        assert stored == load.rows_read

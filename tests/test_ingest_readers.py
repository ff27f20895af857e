"""Every allowed dialect and format lands the same rows with the right line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook

from pipelines.errors import InputFileError, PipelineError
from pipelines.inbox import resolve_drop
from pipelines.ingest.loader import load_drop
from tests.conftest import AS_OF, EMPLOYEES_HEADER, write_csv

ROWS = [
    ["007", "Ann Example", "2020-01-01", "Sales", "3"],
    ["008", "Bob Example", "2021-06-30", "Product; R&D", "5"],
]


def _load(con: duckdb.DuckDBPyConnection, drop_dir: Path) -> list:
    return load_drop(con, resolve_drop(drop_dir.parent), "run-test")


def _employees(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select employee_id, hire_date::varchar, department, job_level, _line_number "
        "from raw.employees order by _line_number"
    ).fetchall()


EXPECTED = [
    ("007", "2020-01-01", "Sales", 3, 2),
    ("008", "2021-06-30", "Product; R&D", 5, 3),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_dialects_load_identically(warehouse, drop_dir, delimiter, newline, bom):
    write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, ROWS, delimiter, newline, bom)
    (load,) = _load(warehouse, drop_dir)
    assert _employees(warehouse) == EXPECTED
    assert (load.rows_read, load.rows_accepted, load.rows_quarantined) == (2, 2, 0)


def test_column_names_are_case_insensitive_trimmed_and_in_any_order(warehouse, drop_dir):
    header = [" Job_Level ", "DEPARTMENT", "Hire_Date", "Employee_ID"]
    rows = [[r[4], r[3], r[2], r[0]] for r in ROWS]
    write_csv(drop_dir / "employees.csv", header, rows)
    _load(warehouse, drop_dir)
    assert _employees(warehouse) == EXPECTED


def test_ids_keep_leading_zeros(warehouse, drop_dir):
    write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, ROWS)
    _load(warehouse, drop_dir)
    assert [r[0] for r in _employees(warehouse)] == ["007", "008"]


def test_unknown_columns_are_ignored_and_listed(warehouse, drop_dir):
    write_csv(
        drop_dir / "employees.csv",
        [*EMPLOYEES_HEADER, "salary", "Shoe Size"],
        [[*r, "1", "2"] for r in ROWS],
    )
    (load,) = _load(warehouse, drop_dir)
    assert load.ignored_columns == ["salary", "shoe size"]


def test_personal_columns_never_enter_the_warehouse(warehouse, drop_dir):
    write_csv(
        drop_dir / "employees.csv", [*EMPLOYEES_HEADER, "email"], [[*r, "a@b.c"] for r in ROWS]
    )
    (load,) = _load(warehouse, drop_dir)
    assert load.dropped_personal_columns == ["full_name", "email"]
    columns = {c[0] for c in warehouse.execute("describe raw.employees").fetchall()}
    assert not columns & {"full_name", "email"}
    dumped = str(warehouse.execute("select * from raw.employees").fetchall())
    assert "Ann Example" not in dumped and "a@b.c" not in dumped


def test_quoted_line_breaks_keep_true_line_numbers(warehouse, drop_dir):
    rows = [
        ["001", "Ann", "2020-01-01", "Sales\nNorth", "3"],
        ["002", "Bob", "not-a-date", "Sales", "3"],
    ]
    write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, rows)
    _load(warehouse, drop_dir)
    assert warehouse.execute("select _line_number from raw.employees").fetchall() == [(2,)]
    assert warehouse.execute("select line_number from raw.quarantine").fetchall() == [(4,)]


def test_blank_lines_are_not_rows_and_do_not_shift_line_numbers(warehouse, drop_dir):
    path = drop_dir / "employees.csv"
    path.write_text(
        "employee_id,hire_date,department,job_level\n001,2020-01-01,S,3\n\n002,bad,S,3\n"
    )
    (load,) = _load(warehouse, drop_dir)
    assert load.rows_read == 2
    assert warehouse.execute("select line_number from raw.quarantine").fetchall() == [(4,)]


def test_row_with_wrong_number_of_columns_is_quarantined_not_lost(warehouse, drop_dir):
    path = drop_dir / "employees.csv"
    path.write_text(
        "employee_id,full_name,hire_date,department,job_level\n"
        "001,Ann,2020-01-01,S,3\n002,Bob,2020-01-01,S\n003,Cy,2020-01-01,S,3,extra\n"
    )
    (load,) = _load(warehouse, drop_dir)
    assert (load.rows_read, load.rows_accepted, load.rows_quarantined) == (3, 1, 2)
    rows = warehouse.execute(
        "select line_number, reason, original_values from raw.quarantine order by line_number"
    ).fetchall()
    assert [r[0] for r in rows] == [3, 4]
    assert rows[0][1] == "malformed row: expected 5 fields, found 4"
    assert rows[1][1] == "malformed row: expected 5 fields, found 6"


def test_a_malformed_record_keeps_its_field_count_and_hash_and_nothing_a_person_wrote(
    warehouse, drop_dir
):
    """An unquoted comma in a name shifts every value: none of them may be stored."""
    import hashlib

    line = "E0000100,Smith, John,john.smith@example.org,2015-03-02,Sales,3"
    (drop_dir / "employees.csv").write_text(
        "employee_id,full_name,email,hire_date,department,job_level\n"
        f"E0000099,Ann,ann@example.org,2015-03-02,Sales,3\n{line}\n"
    )
    (load,) = _load(warehouse, drop_dir)
    assert (load.rows_accepted, load.rows_quarantined) == (1, 1)
    [(line_number, column, values)] = warehouse.execute(
        "select line_number, column_name, original_values from raw.quarantine"
    ).fetchall()
    assert (line_number, column) == (3, None)
    assert json.loads(values) == {
        "field_count": 7,
        "line_sha256": hashlib.sha256(line.encode()).hexdigest(),
    }
    dumped = str(warehouse.execute("select * from raw.quarantine").fetchall())
    for fragment in ("Smith", "John", "john.smith", "E0000100", "Sales"):
        assert fragment not in dumped


def test_xlsx_first_sheet_loads_with_sheet_row_numbers(warehouse, drop_dir):
    wb = Workbook()
    ws = wb.active
    ws.append(EMPLOYEES_HEADER)
    for r in ROWS:
        ws.append([r[0], r[1], pd.Timestamp(r[2]).to_pydatetime(), r[3], int(r[4])])
    wb.create_sheet("ignored").append(["nothing"])
    wb.save(drop_dir / "employees.xlsx")
    (load,) = _load(warehouse, drop_dir)
    assert load.file_format == "xlsx"
    assert _employees(warehouse) == EXPECTED


def test_parquet_loads_with_row_numbers(warehouse, drop_dir):
    frame = pd.DataFrame([dict(zip(EMPLOYEES_HEADER, r, strict=True)) for r in ROWS])
    frame["job_level"] = frame["job_level"].astype(int)
    frame.to_parquet(drop_dir / "employees.parquet")
    (load,) = _load(warehouse, drop_dir)
    assert load.file_format == "parquet"
    assert _employees(warehouse) == EXPECTED


def test_missing_required_column_fails_naming_file_and_column(warehouse, drop_dir):
    write_csv(drop_dir / "employees.csv", ["employee_id", "hire_date", "job_level"], [])
    with pytest.raises(InputFileError) as err:
        _load(warehouse, drop_dir)
    assert "employees.csv" in str(err.value) and "'department'" in str(err.value)
    assert err.value.column == "department"


def test_unreadable_file_fails_naming_the_file(warehouse, drop_dir):
    (drop_dir / "employees.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputFileError, match="employees.parquet"):
        _load(warehouse, drop_dir)


def test_empty_file_fails_naming_the_file(warehouse, drop_dir):
    (drop_dir / "employees.csv").write_text("")
    with pytest.raises(InputFileError, match="employees.csv.*empty"):
        _load(warehouse, drop_dir)


def test_inbox_uses_newest_drop_on_or_before_as_of(tmp_path):
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        write_csv(tmp_path / day / "employees.csv", EMPLOYEES_HEADER, ROWS)
    assert resolve_drop(tmp_path).folder.name == "2026-11-25"
    from datetime import date

    drop = resolve_drop(tmp_path, date(2026, 11, 24))
    assert (drop.folder.name, drop.as_of) == ("2026-11-24", date(2026, 11, 24))


def test_drop_without_employees_is_refused(drop_dir):
    write_csv(drop_dir / "matches.csv", ["match_id"], [])
    with pytest.raises(PipelineError, match="employees"):
        resolve_drop(drop_dir)


def test_undated_drop_needs_as_of(tmp_path):
    write_csv(tmp_path / "export" / "employees.csv", EMPLOYEES_HEADER, ROWS)
    with pytest.raises(PipelineError, match="--as-of"):
        resolve_drop(tmp_path / "export")


def test_lineage_columns_name_file_line_hash_date_and_run(warehouse, drop_dir):
    write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, ROWS)
    (load,) = _load(warehouse, drop_dir)
    row = warehouse.execute(
        "select _source_file, _line_number, _file_sha256, _export_date::varchar, _run_id "
        "from raw.employees order by _line_number limit 1"
    ).fetchone()
    assert row == (str(drop_dir / "employees.csv"), 2, load.sha256, AS_OF, "run-test")
    assert len(load.sha256) == 64

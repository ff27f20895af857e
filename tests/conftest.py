"""Shared fixtures: small hand-written drops and a fresh warehouse."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import connect

AS_OF = "2026-11-25"

#: A minimal valid employees file (every required column).
EMPLOYEES_HEADER = ["employee_id", "full_name", "hire_date", "department", "job_level"]


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    delimiter: str = ",",
    newline: str = "\n",
    bom: bool = False,
) -> Path:
    """Write a CSV file in a chosen dialect."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def drop_dir(tmp_path: Path) -> Path:
    """An empty drop folder named for the as-of date."""
    folder = tmp_path / "inbox" / AS_OF
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB warehouse file, closed after the test."""
    con = connect(tmp_path / "warehouse.duckdb")
    yield con
    con.close()


@pytest.fixture
def make_employees(drop_dir: Path) -> Callable[..., Path]:
    """Write employees.csv with n valid rows (plus optional extra rows)."""

    def _make(n: int = 3, extra: list[list[str]] | None = None, **kw: object) -> Path:
        rows = [[f"E{i:03d}", f"Person {i}", "2020-01-01", "Sales", "3"] for i in range(n)]
        return write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, rows + (extra or []), **kw)  # type: ignore[arg-type]

    return _make

"""Sources load two at a time: a source lands its file while what it references loads."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.inbox import resolve_drop
from pipelines.ingest import loader
from pipelines.ingest.loader import _Abandoned, _Finished, load_drop
from tests.conftest import write_csv

EMP = ["employee_id", "hire_date", "termination_date", "department", "job_level", "manager_id"]
JOBS = ["employee_id", "effective_date", "department", "job_level", "job_title"]


def _drop(drop_dir: Path) -> None:
    write_csv(
        drop_dir / "employees.csv",
        EMP,
        [["E1", "2020-01-01", "", "Sales", "3", ""], ["E2", "2020-01-01", "", "IT", "4", "E1"]],
    )
    # job_history is the bigger file: it starts first, and waits for employees
    write_csv(
        drop_dir / "job_history.csv",
        JOBS,
        [["E1", f"2021-01-{d:02d}", "Sales", "3", "Rep"] for d in range(1, 29)]
        + [["E9", "2021-02-01", "Sales", "3", "Rep"]],
    )


def test_a_source_checks_its_references_against_the_finished_load(warehouse, drop_dir):
    _drop(drop_dir)
    loads = {load.source: load for load in load_drop(warehouse, resolve_drop(drop_dir), "run-l")}
    assert (loads["job_history"].rows_accepted, loads["job_history"].rows_quarantined) == (28, 1)
    assert warehouse.execute(
        "select column_name from raw.quarantine where source = 'job_history'"
    ).fetchall() == [("employee_id",)]


def test_a_failed_source_stops_the_sources_waiting_for_it(
    warehouse: duckdb.DuckDBPyConnection, drop_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drop(drop_dir)
    checked_table_sql = loader.checked_table_sql

    def broken_for_employees(source, landing, checked):  # type: ignore[no-untyped-def]
        if source.name == "employees":
            return "select * from no_such_table"
        return checked_table_sql(source, landing, checked)

    monkeypatch.setattr(loader, "checked_table_sql", broken_for_employees)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_drop(warehouse, resolve_drop(drop_dir), "run-l")
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the load hung on a source waiting for a failed one"
    assert len(outcome) == 1 and isinstance(outcome[0], duckdb.Error)
    assert "no_such_table" in str(outcome[0])


def test_waiting_for_an_abandoned_load_raises() -> None:
    finished = _Finished(["employees", "matches"])
    finished.finish("employees")
    finished.wait_for({"employees"})  # returns at once
    finished.abandon()
    with pytest.raises(_Abandoned):
        finished.wait_for({"matches"})

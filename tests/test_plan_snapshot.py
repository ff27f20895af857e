"""The executor's snapshot keeps versions as dbt's check strategy does (transform/snapshot.py).

Rows by hand on a real DuckDB file, night after night. That the rows are
dbt-duckdb's own, byte for byte, over nights with changes, is checked against
a real ``dbt build`` in ``tests/test_plan_nights.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.transform.plan import PlanNode, SnapshotStrategy
from pipelines.transform.snapshot import run_snapshot

SNAPSHOT = PlanNode(
    unique_id="snapshot.p.snp",
    name="snp",
    resource_type="snapshot",
    depends_on=(),
    sql='select id, dept, cast(night as timestamp) as exported_at from "w"."main"."src"',
    relation='"w"."snaps"."snp"',
    schema="snaps",
    snapshot=SnapshotStrategy(
        strategy="check", unique_key="id", updated_at="exported_at", check_cols=("dept",)
    ),
)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema snaps")
    return con


def _night(con: duckdb.DuckDBPyConnection, night: str, rows: list[tuple[str, str | None]]) -> str:
    con.execute("create or replace table main.src (id varchar, dept varchar, night date)")
    con.executemany("insert into main.src values (?, ?, ?)", [(i, d, night) for i, d in rows])
    return run_snapshot(con, SNAPSHOT)


def _versions(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select id, dept, cast(dbt_valid_from as date)::varchar, "
        "cast(dbt_valid_to as date)::varchar, dbt_scd_id from snaps.snp order by id, dbt_valid_from"
    ).fetchall()


def _scd(key: str, night: str) -> str:
    return hashlib.md5(f"{key}|{night} 00:00:00".encode()).hexdigest()


def test_the_first_night_keeps_one_open_version_per_key(con: duckdb.DuckDBPyConnection) -> None:
    assert _night(con, "2026-01-31", [("E1", "Sales"), ("E2", None)]) == "created"
    assert _versions(con) == [
        ("E1", "Sales", "2026-01-31", None, _scd("E1", "2026-01-31")),
        ("E2", None, "2026-01-31", None, _scd("E2", "2026-01-31")),
    ]
    columns = [r[0] for r in con.execute("select * from snaps.snp limit 0").description]
    assert columns == [
        "id",
        "dept",
        "exported_at",
        "dbt_scd_id",
        "dbt_updated_at",
        "dbt_valid_from",
        "dbt_valid_to",
    ]


def test_a_change_closes_the_old_version_and_opens_a_new_one(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _night(con, "2026-01-31", [("E1", "Sales"), ("E2", None), ("E3", "Ops"), ("E4", "Ops")])
    message = _night(
        con, "2026-02-28", [("E1", "Legal"), ("E2", "Ops"), ("E3", "Ops"), ("E5", "HR")]
    )
    assert message == "3 new versions, 2 closed"
    assert _versions(con) == [
        ("E1", "Sales", "2026-01-31", "2026-02-28", _scd("E1", "2026-01-31")),
        ("E1", "Legal", "2026-02-28", None, _scd("E1", "2026-02-28")),
        # null to a value is a change
        ("E2", None, "2026-01-31", "2026-02-28", _scd("E2", "2026-01-31")),
        ("E2", "Ops", "2026-02-28", None, _scd("E2", "2026-02-28")),
        # unchanged: one version, still open
        ("E3", "Ops", "2026-01-31", None, _scd("E3", "2026-01-31")),
        # gone from the export: kept open (hard deletes ignored, dbt's default)
        ("E4", "Ops", "2026-01-31", None, _scd("E4", "2026-01-31")),
        ("E5", "HR", "2026-02-28", None, _scd("E5", "2026-02-28")),
    ]


def test_an_older_export_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    _night(con, "2026-02-28", [("E1", "Sales")])
    before = _versions(con)
    message = _night(con, "2026-01-31", [("E1", "Legal")])
    assert message == "unchanged (older than the newest version kept)"
    assert _versions(con) == before


def test_the_same_export_again_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    _night(con, "2026-01-31", [("E1", "Sales"), ("E2", "Ops")])
    before = _versions(con)
    assert _night(con, "2026-01-31", [("E1", "Sales"), ("E2", "Ops")]) == "0 new versions, 0 closed"
    assert _versions(con) == before

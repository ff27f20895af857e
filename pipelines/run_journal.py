"""The journal: runs the warehouse has not recorded yet, in small files beside it.

A run builds a new warehouse file and swaps it in only when it passes
(``pipelines/warehouse_build.py``), so a run that fails, or dies, leaves the
warehouse exactly as it was, audit history included. Its record must not be
lost for that: each run writes ``.<warehouse>.journal/<run_id>.json`` when it
starts (status ``running``) and when it fails (status ``failed``, with its check
results exported beside it as Parquet). The next run carries every journal
entry into its own new warehouse, and removes the entries once that warehouse
is in place. ``mentorship runs`` shows the warehouse's ``audit.runs`` and the
journal together.

Every file is written to a temporary name and renamed, so a ``kill -9`` leaves
either the old entry or the new one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from pipelines.run_audit import store_run

#: The audit tables whose rows a failed run exports for the next run to carry in.
EXPORTED_TABLES = ("check_results", "kpi_sources")


def _sql_path(path: Path) -> str:
    """A file name as a SQL string literal (COPY takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def journal_dir(warehouse: Path) -> Path:
    """The journal folder of ``warehouse``."""
    return warehouse.parent / f".{warehouse.name}.journal"


def write_entry(warehouse: Path, record: dict[str, Any]) -> None:
    """Write (or replace) one run's entry atomically."""
    folder = journal_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['run_id']}.json"
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def entries(warehouse: Path) -> list[dict[str, Any]]:
    """Every journal entry, oldest run first."""
    folder = journal_dir(warehouse)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # never written half (rename), but never let one file stop a night
        if isinstance(record, dict) and record.get("run_id"):
            found.append(record)
    return found


def remove_entries(warehouse: Path, run_ids: set[str]) -> None:
    """Remove the entries (and exported rows) of ``run_ids``: the warehouse holds them now."""
    folder = journal_dir(warehouse)
    for run_id in run_ids:
        (folder / f"{run_id}.json").unlink(missing_ok=True)
        shutil.rmtree(folder / run_id, ignore_errors=True)


def export_audit_rows(con: duckdb.DuckDBPyConnection, warehouse: Path, run_id: str) -> None:
    """Export a failed run's audit rows from its (discarded) warehouse into the journal."""
    folder = journal_dir(warehouse) / run_id
    folder.mkdir(parents=True, exist_ok=True)
    for table in EXPORTED_TABLES:
        exists = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'audit' and table_name = ?",
            [table],
        ).fetchone()
        if not exists or not exists[0]:
            continue
        target = folder / f"{table}.parquet"
        temporary = folder / f"{table}.parquet.tmp"
        con.execute(
            f"copy (select * from audit.{table} where run_id = ?) to {_sql_path(temporary)} "
            "(format parquet)",
            [run_id],
        )
        os.replace(temporary, target)


def carry_into(con: duckdb.DuckDBPyConnection, warehouse: Path, recorded: set[str]) -> set[str]:
    """Insert every journal entry not in ``recorded`` into ``con``'s audit schema.

    ``con`` is a new warehouse being built; ``recorded`` the run ids the
    current warehouse's ``audit.runs`` already holds (those entries are left:
    the warehouse's row is the truth). Returns the run ids carried in.
    """
    carried: set[str] = set()
    folder = journal_dir(warehouse)
    for record in entries(warehouse):
        run_id = record["run_id"]
        if run_id in recorded:
            continue
        store_run(con, record)
        for table in EXPORTED_TABLES:
            exported = folder / run_id / f"{table}.parquet"
            if exported.exists():
                con.execute(f"delete from audit.{table} where run_id = ?", [run_id])
                rows = f"read_parquet({_sql_path(exported)})"
                con.execute(f"insert into audit.{table} by name select * from {rows}")
        carried.add(run_id)
    return carried

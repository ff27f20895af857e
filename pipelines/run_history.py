"""Past runs of a warehouse, as ``mentorship runs`` and ``mentorship show`` print them.

The warehouse's ``audit.runs`` (read-only: an analyst's view, never in a
run's way) plus the journal's entries it does not hold yet: the run going on
now, and failed or interrupted runs since the last published one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipelines import run_journal
from pipelines.errors import InputError
from pipelines.locks import pid_alive
from pipelines.run_audit import read_runs


def _warehouse_runs(warehouse: Path) -> list[dict[str, Any]]:
    if not warehouse.exists():
        return []
    from pipelines.warehouse_build import warehouse_open_error

    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise warehouse_open_error(warehouse, exc) from None
    try:
        return read_runs(con)
    finally:
        con.close()


def past_runs(warehouse: Path) -> list[dict[str, Any]]:
    """Every run of ``warehouse``, oldest first; a journal ``running`` entry whose process
    is gone shows as ``interrupted`` (the next run records it so)."""
    runs = _warehouse_runs(warehouse)
    recorded = {r["run_id"] for r in runs}
    for entry in run_journal.entries(warehouse):
        if entry["run_id"] in recorded:
            continue
        entry = dict(entry)
        if entry.get("status") in ("running", "publishing") and not pid_alive(entry.get("pid")):
            entry["status"] = "interrupted"
            entry.setdefault("error", None)
            entry["error"] = entry["error"] or (
                f"interrupted during {entry.get('stage') or 'start'} (process gone)"
            )
        runs.append(entry)
    return sorted(runs, key=lambda r: (str(r.get("started_at")), r["run_id"]))


def find_run(warehouse: Path, wanted: str) -> dict[str, Any]:
    """One run by id, unique id prefix, or ``latest``; a one-line error otherwise."""
    runs = past_runs(warehouse)
    if not runs:
        raise InputError(f"{warehouse}: no run recorded yet")
    if wanted == "latest":
        return runs[-1]
    matches = [r for r in runs if r["run_id"] == wanted] or [
        r for r in runs if str(r["run_id"]).startswith(wanted)
    ]
    if not matches:
        raise InputError(f"{warehouse}: no run {wanted!r} (see mentorship runs)")
    if len(matches) > 1:
        raise InputError(f"{wanted!r} names {len(matches)} runs; give more of the run id")
    return matches[0]


def check_summary(warehouse: Path, run_id: str) -> dict[str, Any]:
    """Counts of a run's checks in ``audit.check_results`` (or its journal export)."""
    sql = (
        "select count(*), count(*) filter (where not success and severity = 'critical'), "
        "count(*) filter (where not success and severity = 'warning'), "
        "list(suite || ' ' || check_name order by suite, check_name) "
        "filter (where not success) from {table} where run_id = ?"
    )
    exported = run_journal.journal_dir(warehouse) / run_id / "check_results.parquet"
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse.exists() else None
    try:
        if exported.exists():
            target = duckdb.connect()
            row = target.execute(
                sql.format(table="read_parquet(?)"), [str(exported), run_id]
            ).fetchone()
            target.close()
        elif con is not None and con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'audit' "
            "and table_name = 'check_results'"
        ).fetchone() == (1,):
            row = con.execute(sql.format(table="audit.check_results"), [run_id]).fetchone()
        else:
            row = None
    finally:
        if con is not None:
            con.close()
    if row is None:
        return {"checks": 0, "failed_critical": 0, "failed_warning": 0, "failed": []}
    return {
        "checks": row[0],
        "failed_critical": row[1],
        "failed_warning": row[2],
        "failed": list(row[3] or []),
    }

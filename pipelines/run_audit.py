"""``audit.runs``: one row per run of the warehouse, whatever its outcome.

Beside ``audit.check_results`` and ``audit.kpi_sources`` (the quality
stage's, ``pipelines/quality/audit_store.py``) this is what ``mentorship runs``
and ``mentorship show`` read. A published run's row is written into its new
warehouse before that warehouse replaces the old one, so the row and the
marts it describes appear together; a failed or interrupted run's row waits
in the journal (``pipelines/run_journal.py``) until the next published run
carries it in.

Statuses: ``running`` (only ever in the journal), ``publishing`` (passed every
stage, being published: only in a run folder's manifest), ``published``,
``failed`` (a check, the input or a bug stopped it: see ``exit_code``) and
``interrupted`` (the process died before it finished: ``kill -9``, power).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # the record reads a context; it does not depend on the run
    from pipelines.context import RunContext

RUNS_DDL = """
create table if not exists audit.runs (
    run_id varchar not null,
    drop_folder varchar not null,
    as_of date not null,
    status varchar not null,
    exit_code integer,
    error varchar,
    started_at timestamp not null,
    finished_at timestamp,
    duration_seconds double,
    n_warnings integer not null,
    warnings json not null,
    out varchar not null,
    run_dir varchar not null,
    source_files json not null,
    pid integer,
    host varchar
)
"""

#: The columns of ``audit.runs`` in order; a run record is a dict with these keys.
COLUMNS = (
    "run_id",
    "drop_folder",
    "as_of",
    "status",
    "exit_code",
    "error",
    "started_at",
    "finished_at",
    "duration_seconds",
    "n_warnings",
    "warnings",
    "out",
    "run_dir",
    "source_files",
    "pid",
    "host",
)
_JSON_COLUMNS = ("warnings", "source_files")


def ensure_runs_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``audit.runs`` if missing (never dropped)."""
    con.execute("create schema if not exists audit")
    con.execute(RUNS_DDL)


def store_run(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> None:
    """Insert or replace one run's row."""
    ensure_runs_table(con)
    values = [
        json.dumps(record.get(c), default=str) if c in _JSON_COLUMNS else record.get(c)
        for c in COLUMNS
    ]
    con.execute("delete from audit.runs where run_id = ?", [record["run_id"]])
    con.execute(
        f"insert into audit.runs ({', '.join(COLUMNS)}) values ({', '.join('?' * len(COLUMNS))})",
        values,
    )


def read_runs(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[dict[str, Any]]:
    """Every row of ``audit.runs`` as a record, oldest first (empty before the first run).

    ``catalog`` reads an attached database's table instead of the connection's own.
    """
    # a literal, not a parameter: see pipelines/warehouse_build.py
    database = "current_database()" if catalog is None else "'" + catalog.replace("'", "''") + "'"
    present = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'audit' "
        f"and table_name = 'runs' and database_name = {database}"
    ).fetchone()
    if not present or not present[0]:
        return []
    table = f'"{catalog}".audit.runs' if catalog else "audit.runs"
    rows = con.execute(
        f"select {', '.join(COLUMNS)} from {table} order by started_at, run_id"
    ).fetchall()
    records = []
    for row in rows:
        record = dict(zip(COLUMNS, row, strict=True))
        for column in _JSON_COLUMNS:
            record[column] = json.loads(record[column]) if record[column] else None
        records.append(record)
    return records


def run_ids(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> set[str]:
    """The run ids ``audit.runs`` holds."""
    return {r["run_id"] for r in read_runs(con, catalog)}


def run_record(
    ctx: RunContext, status: str, exit_code: int | None = None, error: str | None = None
) -> dict[str, Any]:
    """The run's row of ``audit.runs`` (and of its journal entry)."""
    finished = None if status == "running" else datetime.now(UTC)
    return {
        "run_id": ctx.run_id,
        "drop_folder": str(ctx.drop.folder),
        "as_of": ctx.as_of.isoformat(),
        "status": status,
        "stage": ctx.stage,
        "exit_code": exit_code,
        "error": error,
        "started_at": ctx.started_at.replace(tzinfo=None).isoformat(timespec="seconds"),
        "finished_at": finished.replace(tzinfo=None).isoformat(timespec="seconds")
        if finished
        else None,
        "duration_seconds": round((finished - ctx.started_at).total_seconds(), 3)
        if finished
        else None,
        "n_warnings": len(ctx.warnings),
        "warnings": list(ctx.warnings),
        "out": str(ctx.out),
        "run_dir": str(ctx.run_dir),
        "source_files": dict(ctx.source_files),
        "pid": os.getpid(),
        "host": socket.gethostname(),
    }


def new_run_id(as_of: date) -> str:
    """A sortable, unique run id: UTC start time (to the millisecond), as-of date, random suffix.

    Sorting run ids sorts runs by start, even several in one second (retention relies on it).
    """
    now = datetime.now(UTC)
    millis = now.microsecond // 1000
    return f"{now:%Y%m%dT%H%M%S}{millis:03d}Z-{as_of.isoformat()}-{uuid.uuid4().hex[:6]}"

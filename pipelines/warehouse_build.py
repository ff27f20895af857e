"""Each run builds a new warehouse file and swaps it in only when it passes.

The warehouse analysts read (``--warehouse``, say ``warehouse.duckdb``) is never
opened for writing by a run. A run creates
``.warehouse.duckdb.build-<run_id>/warehouse.duckdb``, copies into it what is
kept across runs (the ``audit`` schema and the dbt snapshots), builds
everything else from the drop, and, when every check passed, replaces the
warehouse with one ``rename``. So:

- an analyst's read-only connection never makes a run fail (DuckDB lets any
  number of read-only connections share the file a run only reads), and keeps
  seeing the last good warehouse until it reconnects;
- a failed or killed run leaves the warehouse exactly as it was;
- the warehouse always holds the marts of its last *published* run.

The build file has the warehouse's own file name, in its own folder, because
DuckDB names a database after its file: the views dbt creates refer to that
name, and must still resolve after the rename.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.errors import InputError, RunInProgress
from pipelines.run_audit import ensure_runs_table, run_ids
from pipelines.run_journal import carry_into

#: The schema dbt builds its snapshots in (``+schema: snapshots`` in dbt_project.yml).
SNAPSHOT_SCHEMA = "main_snapshots"
#: Schemas a run copies from the warehouse it replaces; every other schema is rebuilt.
KEPT_SCHEMAS = ("audit", SNAPSHOT_SCHEMA)
_PREVIOUS = "_mentorship_previous_warehouse"


@dataclass
class Build:
    """A warehouse being built for one run."""

    path: Path
    target: Path
    #: Run ids the replaced warehouse's ``audit.runs`` held.
    recorded: set[str] = field(default_factory=set)
    #: Journal entries carried into this build (removed once it is in place).
    carried: set[str] = field(default_factory=set)


def build_folder_prefix(warehouse: Path) -> str:
    """The name every build folder of ``warehouse`` starts with."""
    return f".{warehouse.name}.build-"


def leftover_builds(warehouse: Path) -> list[Path]:
    """Build folders of runs that did not finish (killed): safe to delete under the lock."""
    prefix = build_folder_prefix(warehouse)
    if not warehouse.parent.is_dir():
        return []
    return sorted(p for p in warehouse.parent.iterdir() if p.name.startswith(prefix))


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def warehouse_open_error(warehouse: Path, exc: duckdb.Error) -> Exception:
    """The one-line error for a warehouse DuckDB will not open (a writer holds it, or bad file)."""
    message = str(exc).splitlines()[0]
    if "lock" in message.lower():
        pid = re.search(r"\(PID (\d+)\)", message)
        holder = f"process {pid[1]}" if pid else "another process"
        return RunInProgress(
            f"warehouse {warehouse} is open for writing by {holder}; readers must connect "
            "read-only (duckdb.connect(path, read_only=True), or duckdb -readonly), "
            "then run again"
        )
    return InputError(f"warehouse {warehouse} cannot be opened: {message}")


def _copy_kept_schemas(con: duckdb.DuckDBPyConnection) -> None:
    """Copy every table of the kept schemas from the attached previous warehouse."""
    # literals, not parameters: the first query with parameters makes DuckDB's
    # client import pandas (0.4 s), which the run imports in the background
    kept = ", ".join(f"'{schema}'" for schema in KEPT_SCHEMAS)
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where database_name = '{_PREVIOUS}' and schema_name in ({kept}) "
        "order by schema_name, table_name"
    ).fetchall()
    existing = {
        (s, t)
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
    }
    for schema, table in tables:
        source = f'{_PREVIOUS}."{schema}"."{table}"'
        if (schema, table) in existing:
            # created from our DDL (defaults, not-null): fill it by column name
            con.execute(f'insert into "{schema}"."{table}" by name select * from {source}')
        else:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{table}" as select * from {source}')


def start_build(warehouse: Path, run_id: str) -> Build:
    """Create the run's new warehouse with the history of ``warehouse`` and of the journal.

    Raises :class:`RunInProgress` when another process holds ``warehouse``
    open for writing (a read-only reader is no obstacle).
    """
    # GX comes with the audit tables' module: imported here, not on the quick skip path
    from pipelines.quality.audit_store import ensure_audit_schema

    path = warehouse.parent / f"{build_folder_prefix(warehouse)}{run_id}" / warehouse.name
    path.parent.mkdir(parents=True, exist_ok=False)
    build = Build(path=path, target=warehouse)
    con = duckdb.connect(str(path))
    try:
        ensure_audit_schema(con)
        ensure_runs_table(con)
        if warehouse.exists():
            try:
                con.execute(f"attach {_sql_path(warehouse)} as {_PREVIOUS} (read_only)")
            except duckdb.Error as exc:
                raise warehouse_open_error(warehouse, exc) from None
            try:
                _copy_kept_schemas(con)
                build.recorded = run_ids(con, _PREVIOUS)
            finally:
                con.execute(f"detach {_PREVIOUS}")
        build.carried = carry_into(con, warehouse, build.recorded)
        con.execute("checkpoint")
    except BaseException:
        con.close()
        discard(build)
        raise
    con.close()
    return build


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(build: Build) -> None:
    """Replace the warehouse with the build, atomically (one ``rename``) and durably.

    Every connection to the build must be closed. A write-ahead log left
    beside the old warehouse (a writer that crashed) belongs to the old file
    and would be replayed onto the new one: it goes away with the build folder.
    """
    con = duckdb.connect(str(build.path))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(build.path)
    stale_wal = build.target.with_name(build.target.name + ".wal")
    if stale_wal.exists():
        os.replace(stale_wal, build.path.parent / "replaced-warehouse.wal")
    os.replace(build.path, build.target)
    _fsync(build.target.parent)
    shutil.rmtree(build.path.parent, ignore_errors=True)


def discard(build: Build) -> None:
    """Delete a build that will not be published."""
    shutil.rmtree(build.path.parent, ignore_errors=True)

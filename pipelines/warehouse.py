"""The DuckDB warehouse: connection and the raw schema's layout.

Schemas:
- ``raw``: one table per contract source holding the accepted rows of the
  current run, typed, with lineage columns; ``raw.quarantine`` the set-aside rows;
  ``raw.file_loads`` one row per source file read; ``raw.run_parameters`` one
  row, the run's as-of date D, which every dbt model reads (so that dbt's
  compiled SQL is the same every night). Replaced by every run: every export is
  a full snapshot.
- ``audit``: kept across runs (check results, KPI lineage), written by the
  quality stage (``pipelines/quality/audit_store.py``), for history.
- ``main`` (dbt's target schema) and its ``_staging``/``_intermediate``
  siblings: built by dbt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines.contract import SOURCES, Source

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    line_number bigint not null,
    column_name varchar,
    reason varchar not null,
    original_values json not null
)
"""

FILE_LOADS_DDL = """
create table if not exists raw.file_loads (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    file_format varchar not null,
    sha256 varchar not null,
    export_date date not null,
    rows_read bigint not null,
    rows_accepted bigint not null,
    rows_quarantined bigint not null,
    ignored_columns varchar[] not null,
    dropped_personal_columns varchar[] not null
)
"""


RUN_PARAMETERS_DDL = """
create table raw.run_parameters (
    as_of_date date not null
)
"""


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open (or create) the warehouse file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path))


def raw_table_ddl(source: Source) -> str:
    """DDL of the raw table of one source: contract columns then lineage."""
    cols = [f"    {c.name} {c.sql_type}" for c in source.stored_columns]
    cols += [
        "    _source_file varchar",
        "    _line_number bigint",
        "    _file_sha256 varchar",
        "    _export_date date",
        "    _run_id varchar",
    ]
    return f"create or replace table raw.{source.name} (\n" + ",\n".join(cols) + "\n)"


def reset_raw_schema(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Drop and recreate the raw schema with empty tables for every source.

    A source absent from a drop keeps an empty table, and ``raw.file_loads``
    says whether it was exported: dbt models read both. ``raw.run_parameters``
    holds ``as_of``, the date D the models evaluate every KPI at.
    """
    con.execute("drop schema if exists raw cascade")
    con.execute("create schema raw")
    for source in SOURCES:
        con.execute(raw_table_ddl(source))
    con.execute(QUARANTINE_DDL)
    con.execute(FILE_LOADS_DDL)
    con.execute(RUN_PARAMETERS_DDL)
    con.execute("insert into raw.run_parameters values (?)", [as_of])

"""PostgreSQL as dbt's target: the raw schema handed over in bulk, the marts copied back.

Ingestion and its quarantine stay in DuckDB; the accepted rows go to
PostgreSQL, where ``dbt build --target postgres`` builds the same models
(``mentorship run --target postgres``, see :mod:`pipelines.targets`). By hand::

    python -m pipelines.targets.postgres load WAREHOUSE.duckdb
    python -m pipelines.targets.postgres kpis OUT/kpis.json --as-of 2026-11-25

The connection comes from MENTORSHIP_PG_HOST, MENTORSHIP_PG_PORT,
MENTORSHIP_PG_USER, MENTORSHIP_PG_PASSWORD and MENTORSHIP_PG_DBNAME (the
same variables the ``postgres`` dbt target reads); no secret in the repo.

The raw tables are handed over in bulk: DuckDB writes each as CSV
(``COPY ... TO``) and PostgreSQL reads it with ``COPY ... FROM STDIN``. The
copy back is the same the other way: ``COPY (select ...) TO STDOUT`` as CSV,
read by DuckDB with every column's type given (:func:`duck_type`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import PipelineError, RunInProgress
from pipelines.targets import HANDED_OVER_SCHEMAS
from pipelines.transform import kpis_json

#: DuckDB column type -> PostgreSQL column type.
PG_TYPES = {
    "VARCHAR": "text",
    "DATE": "date",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "JSON": "json",
    "VARCHAR[]": "text[]",
}


def connect() -> Any:
    """A psycopg2 connection from the MENTORSHIP_PG_* variables."""
    import psycopg2  # type: ignore[import-untyped]

    return psycopg2.connect(
        host=os.environ.get("MENTORSHIP_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("MENTORSHIP_PG_PORT", "5432")),
        user=os.environ.get("MENTORSHIP_PG_USER", "postgres"),
        password=os.environ.get("MENTORSHIP_PG_PASSWORD", ""),
        dbname=os.environ.get("MENTORSHIP_PG_DBNAME", "mentorship"),
    )


def _export_expression(column: str, duck_type: str) -> str:
    """The DuckDB expression writing one column as PostgreSQL's COPY reads it."""
    quoted = f'"{column}"'
    if duck_type == "VARCHAR[]":
        # PostgreSQL array literal: {"a","b"}, elements quoted and escaped.
        element = "'\"' || replace(replace(e, '\\', '\\\\'), '\"', '\\\"') || '\"'"
        return (
            f"case when {quoted} is null then null else "
            f"'{{' || array_to_string(list_transform({quoted}, e -> {element}), ',') || '}}' end"
            f" as {quoted}"
        )
    return quoted


def copy_raw_schema(warehouse: Path, pg: Any, schema: str = "raw") -> dict[str, int]:
    """Replace PostgreSQL's ``schema`` by the DuckDB warehouse's, table by table."""
    counts: dict[str, int] = {}
    duck = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            r[0]
            for r in duck.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? order by table_name",
                [schema],
            ).fetchall()
        ]
        with pg.cursor() as cur:
            cur.execute(f'drop schema if exists "{schema}" cascade')
            cur.execute(f'create schema "{schema}"')
        with tempfile.TemporaryDirectory() as folder:
            for table in tables:
                columns = duck.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                ddl = ", ".join(f'"{name}" {PG_TYPES[kind]}' for name, kind in columns)
                select = ", ".join(_export_expression(name, kind) for name, kind in columns)
                csv_path = Path(folder) / f"{table}.csv"
                duck.execute(
                    f'copy (select {select} from "{schema}"."{table}") '
                    f"to '{csv_path}' (format csv, header false)"
                )
                with pg.cursor() as cur, csv_path.open("r", encoding="utf-8") as handle:
                    cur.execute(f'create table "{schema}"."{table}" ({ddl})')
                    cur.copy_expert(
                        f'copy "{schema}"."{table}" from stdin with (format csv)', handle
                    )
                    cur.execute(f'select count(*) from "{schema}"."{table}"')
                    counts[table] = int(cur.fetchone()[0])
        pg.commit()
    finally:
        duck.close()
    return counts


class _Cursor:
    """Enough of DuckDB's connection API (execute().fetchall/fetchone) for kpis_json."""

    def __init__(self, pg: Any) -> None:
        self._cur = pg.cursor()

    def execute(self, sql: str, params: list[Any] | None = None) -> _Cursor:
        self._cur.execute(sql.replace("?", "%s"), params)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._cur.fetchall())

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._cur.fetchone()
        return None if row is None else tuple(row)


def write_kpis_json(pg: Any, path: Path, as_of: date) -> Path:
    """kpis.json from PostgreSQL's main.kpi_summary, exactly as the DuckDB path writes it."""
    return kpis_json.write_kpis_json(_Cursor(pg), path, as_of)  # type: ignore[arg-type]


#: PostgreSQL column type (information_schema's data_type) -> DuckDB type; numeric
#: is decided per column (:func:`duck_type`), arrays by their element type.
DUCK_TYPES = {
    "text": "VARCHAR",
    "character varying": "VARCHAR",
    "date": "DATE",
    "integer": "INTEGER",
    "smallint": "INTEGER",
    "bigint": "BIGINT",
    "double precision": "DOUBLE",
    "real": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp without time zone": "TIMESTAMP",
    "json": "JSON",
    "jsonb": "JSON",
}


#: PostgreSQL array (udt_name) -> DuckDB element type.
ARRAY_ELEMENTS = {
    "_text": "VARCHAR",
    "_varchar": "VARCHAR",
    "_int4": "INTEGER",
    "_int8": "BIGINT",
    "_float8": "DOUBLE",
    "_date": "DATE",
    "_bool": "BOOLEAN",
}


def duck_type(data_type: str, udt_name: str, integral: bool | None) -> str:
    """The DuckDB type a PostgreSQL column comes back as.

    ``numeric`` is what PostgreSQL gives for sums of bigints and for decimal
    arithmetic, where DuckDB gives HUGEINT or DOUBLE: a column whose values
    are all whole (``integral``) comes back as HUGEINT, any other as DOUBLE.
    """
    if data_type == "numeric":
        return "HUGEINT" if integral else "DOUBLE"
    if data_type == "ARRAY":
        element = ARRAY_ELEMENTS.get(udt_name)
        if element is None:
            raise PipelineError(f"PostgreSQL array type {udt_name} has no DuckDB type here")
        return f"{element}[]"
    try:
        return DUCK_TYPES[data_type]
    except KeyError:
        raise PipelineError(f"PostgreSQL type {data_type} has no DuckDB type here") from None


def _pg_export(column: str, data_type: str) -> str:
    """The PostgreSQL expression writing one column as text DuckDB casts back."""
    quoted = f'"{column}"'
    if data_type == "ARRAY":
        return f"array_to_json({quoted})::text"
    if data_type == "boolean":
        return f"case when {quoted} then 'true' when not {quoted} then 'false' end"
    return quoted


def copy_back(pg: Any, warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, int]:
    """Copy ``relations`` (schema, name) from PostgreSQL into the DuckDB warehouse as tables."""
    counts: dict[str, int] = {}
    duck = duckdb.connect(str(warehouse))
    try:
        with tempfile.TemporaryDirectory() as folder, pg.cursor() as cur:
            for schema, table in relations:
                cur.execute(
                    "select column_name, data_type, udt_name, numeric_scale "
                    "from information_schema.columns "
                    "where table_schema = %s and table_name = %s order by ordinal_position",
                    [schema, table],
                )
                columns = cur.fetchall()
                if not columns:
                    raise PipelineError(f"{schema}.{table}: not built on PostgreSQL")
                numeric = [c[0] for c in columns if c[1] == "numeric"]
                whole: dict[str, bool] = {}
                if numeric:
                    tests = ", ".join(
                        f'coalesce(bool_and("{c}" = trunc("{c}")), false)' for c in numeric
                    )
                    cur.execute(f'select {tests} from "{schema}"."{table}"')
                    whole = dict(zip(numeric, cur.fetchone(), strict=True))
                types = [(c[0], duck_type(c[1], c[2], whole.get(c[0]))) for c in columns]
                csv_path = Path(folder) / f"{schema}.{table}.csv"
                select = ", ".join(_pg_export(c[0], c[1]) for c in columns)
                with csv_path.open("w", encoding="utf-8") as handle:
                    cur.copy_expert(
                        f'copy (select {select} from "{schema}"."{table}") '
                        "to stdout with (format csv)",
                        handle,
                    )
                read_as = ", ".join(f"'{name}': 'VARCHAR'" for name, _ in types)
                casts = ", ".join(
                    f'cast(cast("{name}" as JSON) as {kind}) as "{name}"'
                    if kind.endswith("[]")
                    else f'cast("{name}" as {kind}) as "{name}"'
                    for name, kind in types
                )
                duck.execute(f'create schema if not exists "{schema}"')
                duck.execute(
                    f'create or replace table "{schema}"."{table}" as select {casts} '
                    f"from read_csv('{csv_path}', columns = {{{read_as}}}, header = false, "
                    "auto_detect = false, delim = ',', allow_quoted_nulls = false, "
                    "quote = '\"', escape = '\"')"
                )
                row = duck.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
                counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    finally:
        duck.close()
    return counts


class PostgresSession:
    """The PostgreSQL target of one run (:class:`pipelines.targets.TargetSession`)."""

    name = "postgres"

    def __init__(self, pg: Any) -> None:
        self.pg = pg

    @classmethod
    def open(cls) -> PostgresSession:
        """Connect from the MENTORSHIP_PG_* variables; a one-line error when it cannot."""
        try:
            return cls(connect())
        except ModuleNotFoundError:
            raise PipelineError(
                "--target postgres: psycopg2 is not installed "
                "(pip install 'mentorship-analytics[postgres]')"
            ) from None
        except Exception as exc:  # psycopg2.OperationalError and kin: try again later
            raise RunInProgress(
                f"--target postgres: cannot connect (MENTORSHIP_PG_*): {_first_line(exc)}"
            ) from None

    def hand_over(self, warehouse: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        for schema in HANDED_OVER_SCHEMAS:
            for table, rows in copy_raw_schema(warehouse, self.pg, schema).items():
                counts[f"{schema}.{table}"] = rows
        return counts

    def write_kpis_json(self, path: Path, as_of: date) -> Path:
        return write_kpis_json(self.pg, path, as_of)

    def copy_back(self, warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, int]:
        return copy_back(self.pg, warehouse, relations)

    def close(self) -> None:
        self.pg.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.targets.postgres")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="copy the raw schema of a DuckDB warehouse")
    load.add_argument("warehouse", type=Path)
    kpis = sub.add_parser("kpis", help="write kpis.json from main.kpi_summary")
    kpis.add_argument("out", type=Path)
    kpis.add_argument("--as-of", required=True, type=date.fromisoformat)
    args = parser.parse_args(argv)
    try:
        pg = connect()
    except ModuleNotFoundError:
        print(
            "error: psycopg2 is not installed (pip install 'mentorship-analytics[postgres]')",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # psycopg2.OperationalError and kin: one line, not a traceback
        print(
            f"error: cannot connect to PostgreSQL (MENTORSHIP_PG_*): {_first_line(exc)}",
            file=sys.stderr,
        )
        return 2
    try:
        if args.command == "load":
            print(json.dumps(copy_raw_schema(args.warehouse, pg), indent=1))
        else:
            print(write_kpis_json(pg, args.out, args.as_of))
    finally:
        pg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

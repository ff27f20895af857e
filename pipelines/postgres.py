"""PostgreSQL as dbt's target: the raw schema handed over in bulk, kpis.json read back.

Ingestion and its quarantine stay in DuckDB; the accepted rows go to
PostgreSQL, where ``dbt build --target postgres`` builds the same models.
Not yet a stage of ``mentorship run`` (issue 14); for now::

    python -m pipelines.postgres load WAREHOUSE.duckdb
    python -m pipelines.postgres kpis OUT/kpis.json --as-of 2026-11-25

The connection comes from MENTORSHIP_PG_HOST, MENTORSHIP_PG_PORT,
MENTORSHIP_PG_USER, MENTORSHIP_PG_PASSWORD and MENTORSHIP_PG_DBNAME (the
same variables the ``postgres`` dbt target reads); no secret in the repo.

The raw tables are handed over in bulk: DuckDB writes each as CSV
(``COPY ... TO``) and PostgreSQL reads it with ``COPY ... FROM STDIN``.
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

from pipelines.transform import kpis_json

#: DuckDB column type -> PostgreSQL column type.
PG_TYPES = {
    "VARCHAR": "text",
    "DATE": "date",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.postgres")
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
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: cannot connect to PostgreSQL (MENTORSHIP_PG_*): {first}", file=sys.stderr)
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

"""Apache Spark as dbt's target: the warehouse's schemas handed over as Parquet, kpis.json back.

Ingestion and its quarantine stay in DuckDB; the accepted rows (and the
snapshot's history) go to a local Spark session, where ``dbt build --target
spark`` (dbt-spark, method ``session``) builds the same models
(``mentorship run --target spark``, see :mod:`pipelines.targets`). By hand::

    python -m pipelines.targets.spark --work-dir DIR load WAREHOUSE.duckdb
    python -m pipelines.targets.spark --work-dir DIR kpis OUT/kpis.json --as-of 2026-11-25

The session is local and in-process (pyspark, Java 17), its Hive catalogue
in embedded Derby and its tables plain Parquet under ``DIR`` (see
:func:`environment`). Derby admits one process at a time, so dbt must run in
the same process (dbtRunner, as pipelines/transform/dbt_runner.py does): its
``getOrCreate()`` then returns the session :func:`session` started.

Both directions go through Parquet files: DuckDB writes them (``COPY ... TO
... (FORMAT parquet)``) and Spark reads them, or the other way round, so the
types travel with the data (no CSV quoting of arrays and JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import PipelineError
from pipelines.targets import HANDED_OVER_SCHEMAS
from pipelines.transform import kpis_json

#: The variables the ``spark`` target of profiles/profiles.yml reads, with its defaults.
WAREHOUSE_DIR_ENV = "MENTORSHIP_SPARK_WAREHOUSE_DIR"
METASTORE_DIR_ENV = "MENTORSHIP_SPARK_METASTORE_DIR"
SHUFFLE_PARTITIONS_ENV = "MENTORSHIP_SPARK_SHUFFLE_PARTITIONS"
DRIVER_MEMORY_ENV = "MENTORSHIP_SPARK_DRIVER_MEMORY"
_DEFAULTS = {
    WAREHOUSE_DIR_ENV: "out/spark/warehouse",
    METASTORE_DIR_ENV: "out/spark/metastore",
    SHUFFLE_PARTITIONS_ENV: "2",
    # local mode: the driver is the executor, and pyspark's default is 1g
    DRIVER_MEMORY_ENV: "4g",
}


def environment(work_dir: Path) -> dict[str, str]:
    """The MENTORSHIP_SPARK_* values of a session whose files all live in ``work_dir``."""
    work_dir = Path(work_dir).resolve()
    return {
        WAREHOUSE_DIR_ENV: str(work_dir / "warehouse"),
        METASTORE_DIR_ENV: str(work_dir / "metastore"),
    }


def server_side_parameters(env: Mapping[str, str]) -> dict[str, str]:
    """The ``spark`` profile's server_side_parameters, rendered from ``env``.

    The same keys and values as profiles/profiles.yml (a fast test holds the
    two together), plus the one dbt-spark adds itself (ANSI mode off), so a
    session started here is the one dbt would have started.
    """

    def get(name: str) -> str:
        return env.get(name) or _DEFAULTS[name]

    metastore = get(METASTORE_DIR_ENV)
    return {
        "spark.master": "local[2]",
        "spark.sql.warehouse.dir": get(WAREHOUSE_DIR_ENV),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={metastore}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={metastore} -Duser.timezone=UTC",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": get(SHUFFLE_PARTITIONS_ENV),
        "spark.driver.memory": get(DRIVER_MEMORY_ENV),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        # dbt-spark forces it on every connection (dbt/adapters/spark/connections.py)
        "spark.sql.ansi.enabled": "false",
    }


def session(work_dir: Path) -> Any:
    """The local SparkSession (Hive catalogue), with its metastore and tables in ``work_dir``.

    Exports the MENTORSHIP_SPARK_* variables of ``work_dir`` (and
    SPARK_LOCAL_IP) into this process first, so that dbt run in-process
    renders the same profile and its ``getOrCreate()`` returns this session.
    """
    return start_session(environment(work_dir))


def start_session(env: Mapping[str, str]) -> Any:
    """The local SparkSession of the MENTORSHIP_SPARK_* values ``env``, exported first."""
    from pyspark.sql import SparkSession

    os.environ.update(env)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    Path(os.environ[METASTORE_DIR_ENV]).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in server_side_parameters(os.environ).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _tables(duck: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        r[0]
        for r in duck.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [schema],
        ).fetchall()
    ]


def _spark_select(spark: Any, path: Path) -> Any:
    """The Parquet file as a DataFrame, DuckDB's naive timestamps as Spark timestamps.

    DuckDB writes TIMESTAMP as a Parquet timestamp not adjusted to UTC, which
    Spark reads as TIMESTAMP_NTZ; dbt's snapshot columns are TIMESTAMP, the
    same wall-clock time in the session's UTC.
    """
    from pyspark.sql import functions
    from pyspark.sql.types import TimestampNTZType

    frame = spark.read.parquet(str(path))
    return frame.select(
        *(
            functions.col(f.name).cast("timestamp").alias(f.name)
            if isinstance(f.dataType, TimestampNTZType)
            else functions.col(f.name)
            for f in frame.schema.fields
        )
    )


def copy_raw_schema(
    warehouse: Path, spark: Any, schemas: tuple[str, ...] = ("raw", "main_snapshots")
) -> dict[str, int]:
    """Replace Spark's databases ``schemas`` by the DuckDB warehouse's, table by table.

    Each table goes over as a Parquet file (DuckDB ``COPY ... TO``) that Spark
    loads into a managed Parquet table. A schema the warehouse does not have
    (no snapshot yet) is dropped on Spark too: the target keeps no state of
    its own between nights.
    Returns the row count of every table Spark now holds, keyed by table name
    (``schema.table`` for the schemas after the first).
    """
    counts: dict[str, int] = {}
    duck = duckdb.connect(str(warehouse), read_only=True)
    try:
        with tempfile.TemporaryDirectory(prefix="mentorship-spark-") as folder:
            for index, schema in enumerate(schemas):
                tables = _tables(duck, schema)
                spark.sql(f"drop database if exists `{schema}` cascade")
                if not tables:
                    continue
                spark.sql(f"create database `{schema}`")
                for table in tables:
                    path = Path(folder) / f"{schema}.{table}.parquet"
                    duck.execute(
                        f'copy (select * from "{schema}"."{table}") to \'{path}\' (format parquet)'
                    )
                    frame = _spark_select(spark, path)
                    frame.write.format("parquet").saveAsTable(f"`{schema}`.`{table}`")
                    key = table if index == 0 else f"{schema}.{table}"
                    counts[key] = int(spark.table(f"`{schema}`.`{table}`").count())
    finally:
        duck.close()
    return counts


class _Cursor:
    """Enough of DuckDB's connection API (execute().fetchall/fetchone) for kpis_json."""

    def __init__(self, spark: Any) -> None:
        self._spark = spark
        self._rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: list[Any] | None = None) -> _Cursor:
        # Spark SQL's named markers: ? becomes :p0, :p1, ... bound through args.
        args: dict[str, Any] = {}
        for i, value in enumerate(params or []):
            sql = sql.replace("?", f":p{i}", 1)
            args[f"p{i}"] = value
        self._rows = [tuple(r) for r in self._spark.sql(sql, args=args or None).collect()]
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


def write_kpis_json(spark: Any, path: Path, as_of: date) -> Path:
    """kpis.json from Spark's main.kpi_summary, exactly as the DuckDB path writes it."""
    return kpis_json.write_kpis_json(_Cursor(spark), path, as_of)  # type: ignore[arg-type]


def copy_back(spark: Any, warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, int]:
    """Copy Spark's ``relations`` (schema, table) into the DuckDB warehouse as tables.

    Each goes over as Parquet: Spark writes it, DuckDB replaces its table by
    it (creating the schema if need be). Spark's timestamps are written as
    TIMESTAMP_NTZ (their wall-clock time in the session's UTC), which DuckDB
    reads as TIMESTAMP, naive UTC as a DuckDB build has them, not
    TIMESTAMPTZ; decimals, integers, doubles, dates and strings keep their
    types. Returns the row count of each ``schema.table`` in DuckDB.
    """
    from pyspark.sql import functions
    from pyspark.sql.types import TimestampType

    counts: dict[str, int] = {}
    duck = duckdb.connect(str(warehouse))
    try:
        with tempfile.TemporaryDirectory(prefix="mentorship-spark-") as folder:
            for schema, table in relations:
                frame = spark.table(f"`{schema}`.`{table}`")
                frame = frame.select(
                    *(
                        functions.col(f.name).cast("timestamp_ntz").alias(f.name)
                        if isinstance(f.dataType, TimestampType)
                        else functions.col(f.name)
                        for f in frame.schema.fields
                    )
                )
                target = Path(folder) / f"{schema}.{table}"
                frame.coalesce(1).write.parquet(str(target))
                duck.execute(f'create schema if not exists "{schema}"')
                duck.execute(
                    f'create or replace table "{schema}"."{table}" as '
                    f"select * from read_parquet('{target}/*.parquet')"
                )
                row = duck.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
                counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    finally:
        duck.close()
    return counts


def local_environment(work_dir: Path) -> dict[str, str]:
    """The MENTORSHIP_SPARK_* values for ``work_dir``, where the environment gives none."""
    return {k: os.environ.get(k) or v for k, v in environment(work_dir).items()}


class SparkTargetSession:
    """The Spark target of one run (:class:`pipelines.targets.TargetSession`).

    The session stays up after :meth:`close`: dbt's docs and the next drop of a
    catch-up reuse it, and the JVM ends with the process.
    """

    name = "spark"

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    @classmethod
    def open(cls, work_dir: Path) -> SparkTargetSession:
        """The local session, its files in MENTORSHIP_SPARK_* or else in ``work_dir``."""
        missing = missing_runtime()
        if missing:
            raise PipelineError(f"--target spark: {missing}")
        try:
            spark = start_session(local_environment(work_dir))
        except Exception as exc:  # the JVM did not start
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            raise PipelineError(
                f"--target spark: cannot start a local Spark session: {first}"
            ) from None
        return cls(spark)

    def hand_over(self, warehouse: Path) -> dict[str, int]:
        counts = copy_raw_schema(warehouse, self.spark, HANDED_OVER_SCHEMAS)
        return {k if "." in k else f"{HANDED_OVER_SCHEMAS[0]}.{k}": v for k, v in counts.items()}

    def write_kpis_json(self, path: Path, as_of: date) -> Path:
        return write_kpis_json(self.spark, path, as_of)

    def copy_back(self, warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, int]:
        return copy_back(self.spark, warehouse, relations)

    def close(self) -> None:
        """Nothing to release before the process ends (see the class doc)."""


def missing_runtime() -> str | None:
    """Why a Spark session cannot start on this machine (no pyspark, no java), or None."""
    try:
        import pyspark  # noqa: F401
    except ModuleNotFoundError:
        return "pyspark is not installed (pip install 'mentorship-analytics[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and not shutil.which("java"):
        return "java is not installed (Spark needs a Java 17 runtime, e.g. openjdk-17-jre-headless)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.targets.spark")
    parser.add_argument("--work-dir", type=Path, default=Path("out/spark"))
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="copy the raw and snapshot schemas of a DuckDB warehouse")
    load.add_argument("warehouse", type=Path)
    kpis = sub.add_parser("kpis", help="write kpis.json from main.kpi_summary")
    kpis.add_argument("out", type=Path)
    kpis.add_argument("--as-of", required=True, type=date.fromisoformat)
    args = parser.parse_args(argv)
    missing = missing_runtime()
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    try:
        spark = session(args.work_dir)
    except Exception as exc:  # the JVM did not start: one line, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: cannot start a local Spark session: {first}", file=sys.stderr)
        return 2
    try:
        if args.command == "load":
            print(json.dumps(copy_raw_schema(args.warehouse, spark), indent=1))
        else:
            print(write_kpis_json(spark, args.out, args.as_of))
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

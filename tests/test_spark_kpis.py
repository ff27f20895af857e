"""The same dbt models on Apache Spark give DuckDB's kpis.json (issue 14).

The installed ``mentorship run --target spark`` (output to a file, as cron
runs it) publishes the demo drop with dbt on a local Spark session: its
kpis.json must equal the DuckDB run's (the session's ``published_demo``):
values and intervals within 1e-9, same n, same suppression, same
availability; the mart checks and reports run on what came back.

For the parts below the run, a local Spark session is started in this
process (pyspark; its Derby catalogue and Parquet tables in a temporary
folder) and dbt runs in-process (dbtRunner, so that dbt-spark's
``getOrCreate()`` returns this session: Derby admits one process at a time).
The copy back must give DuckDB's types and rows, and the snapshot, which
runs on Spark through the project's own materialization
(macros/snapshot_spark.sql), must give dbt-duckdb's rows over two nights.
Skipped only when the machine has no Java runtime (or no pyspark).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.paths import project_dir
from tests.conftest import DEMO_AS_OF, DemoSite
from tests.reference.compare import assert_kpis_match, entry_key

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for the module, its files in a temporary folder."""
    from pipelines.targets import spark as spark_target

    missing = spark_target.missing_runtime()
    if missing:
        pytest.skip(missing)
    work_dir = tmp_path_factory.mktemp("spark")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        for name, value in spark_target.environment(work_dir).items():
            patch.setenv(name, value)
        session = spark_target.session(work_dir)
        try:
            yield session
        finally:
            session.stop()


def _dbt(target: str, as_of: date, run_dir: Path, *selection: str) -> None:
    """``dbt build`` in this process (for Spark: in the module's session)."""
    from dbt.cli.main import dbtRunner

    root = project_dir()
    args = [
        "build",
        "--target",
        target,
        *selection,
        "--vars",
        json.dumps({"as_of": as_of.isoformat()}),
        "--profiles-dir",
        str(root / "profiles"),
        "--project-dir",
        str(root),
        "--target-path",
        str(run_dir / "target"),
        "--log-path",
        str(run_dir / "logs"),
        "--quiet",
    ]
    outcome = dbtRunner().invoke(args)
    failed = [
        f"{r.node.name}: {r.status} {r.message}"
        for r in getattr(outcome.result, "results", None) or []
        if str(r.status) not in {"success", "pass"}
    ]
    assert outcome.success, failed or outcome.exception


def test_mentorship_run_on_spark_publishes_duckdbs_kpis(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    """The installed command, as cron runs it: ``--target spark``, output to a file."""
    from pipelines.targets import spark as spark_target

    if spark_target.missing_runtime():
        pytest.skip(spark_target.missing_runtime() or "")
    shutil.copytree(published_demo.drop, tmp_path / "inbox" / DEMO_AS_OF.isoformat())
    log = tmp_path / "run.log"
    with log.open("w") as handle:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "mentorship"),
                "run",
                "--inbox",
                str(tmp_path / "inbox"),
                "--out",
                str(tmp_path / "published"),
                "--warehouse",
                str(tmp_path / "warehouse.duckdb"),
                "--target",
                "spark",
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
    output = log.read_text()
    assert done.returncode == 0, output[-4000:]
    assert "spark: handed over" in output and "spark: copied back" in output
    assert "Traceback" not in output and "\x1b[" not in output
    # the session's files live beside the warehouse, not in the working folder
    assert (tmp_path / ".warehouse.duckdb.spark" / "metastore").is_dir()
    on_spark: dict[str, Any] = json.loads((tmp_path / "published" / "kpis.json").read_text())
    on_duckdb: dict[str, Any] = json.loads((published_demo.out / "kpis.json").read_text())
    assert on_spark["as_of"] == on_duckdb["as_of"]
    # models, seed, snapshot, data tests and the 34 unit tests ran on Spark
    assert_kpis_match(on_spark["kpis"], on_duckdb["kpis"], allow_extra_kpis=False)
    duck = {entry_key(e): e for e in on_duckdb["kpis"]}
    for entry in on_spark["kpis"]:
        for bound in ("ci_low", "ci_high"):
            mine, theirs = entry[bound], duck[entry_key(entry)][bound]
            assert (mine is None) == (theirs is None), (entry_key(entry), bound)
            if mine is not None:
                assert abs(mine - theirs) <= 1e-9, (entry_key(entry), bound, mine, theirs)
    manifest = json.loads((tmp_path / "published" / "manifest.json").read_text())
    assert manifest["target"] == "spark" and manifest["status"] == "published"
    after_dbt = [
        c for c in manifest["checks"] if c["suite"].split(".")[0] in {"marts", "published"}
    ]
    assert len(after_dbt) > 100 and all(c["success"] for c in after_dbt), after_dbt
    for page in ("program_impact", "program_operations", "workforce", "data_quality"):
        assert (tmp_path / "published" / f"{page}.html").stat().st_size > 10_000, page


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def test_copy_back_gives_duckdb_tables_with_their_row_counts_and_naive_timestamps(
    published_demo: DemoSite, tmp_path: Path, spark: Any
) -> None:
    from pipelines.targets import spark as spark_target

    spark_target.copy_raw_schema(published_demo.warehouse, spark)
    relations = [
        ("raw", "employees"),
        ("raw", "file_loads"),
        ("main_snapshots", "snp_hr__employees"),
    ]
    copy = tmp_path / "copy.duckdb"
    counts = spark_target.copy_back(spark, copy, relations)
    original = duckdb.connect(str(published_demo.warehouse), read_only=True)
    back = duckdb.connect(str(copy), read_only=True)
    try:
        for schema, table in relations:
            (n,) = original.execute(f'select count(*) from "{schema}"."{table}"').fetchone()  # type: ignore[misc]
            assert counts[f"{schema}.{table}"] == n > 0
            assert _columns(back, schema, table) == _columns(original, schema, table)
        # the same rows, timestamps included (naive UTC both sides)
        query = "select * from main_snapshots.snp_hr__employees order by employee_id"
        assert back.execute(query).fetchall() == original.execute(query).fetchall()
    finally:
        original.close()
        back.close()


#: Night two's changes to raw.employees: a department, a job level, a manager, a new hire.
NIGHT_TWO_CHANGES = [
    "update raw.employees set department = 'Night Two Dept' where employee_id in "
    "(select employee_id from raw.employees order by employee_id limit 3)",
    "update raw.employees set job_level = job_level + 1 where employee_id in "
    "(select employee_id from raw.employees order by employee_id limit 2 offset 10)",
    "update raw.employees set manager_id = null where employee_id in "
    "(select employee_id from raw.employees where manager_id is not null "
    "order by employee_id limit 1 offset 20)",
    "insert into raw.employees select * replace ('E9999999' as employee_id) "
    "from raw.employees order by employee_id limit 1",
]


def test_snapshot_on_spark_gives_duckdb_rows_over_two_nights(
    published_demo: DemoSite, tmp_path: Path, spark: Any
) -> None:
    from pipelines.targets import spark as spark_target

    night_two = DEMO_AS_OF + timedelta(days=1)
    # the snapshot and its one parent; tests that need other models left out
    select = ("--select", "+snp_hr__employees", "--indirect-selection", "cautious")
    # DuckDB: the published warehouse holds night one's snapshot; night two on a copy
    on_duckdb = tmp_path / "duckdb.duckdb"
    shutil.copyfile(published_demo.warehouse, on_duckdb)
    con = duckdb.connect(str(on_duckdb))
    for statement in NIGHT_TWO_CHANGES:
        con.execute(statement)
    con.close()
    # Spark: night one from no snapshot at all (the materialization's create)
    spark_target.copy_raw_schema(published_demo.warehouse, spark, schemas=("raw",))
    spark.sql("drop database if exists main_snapshots cascade")
    _dbt("spark", DEMO_AS_OF, tmp_path / "spark-1", *select)
    # night two: the changed raw schema, then the materialization's rebuild
    spark_target.copy_raw_schema(on_duckdb, spark, schemas=("raw",))
    _dbt("spark", night_two, tmp_path / "spark-2", *select)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORSHIP_WAREHOUSE", str(on_duckdb))
        _dbt("duckdb", night_two, tmp_path / "duckdb-2", *select)
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    DuckDBConnectionManager.close_all_connections()
    back = tmp_path / "spark.duckdb"
    spark_target.copy_back(spark, back, [("main_snapshots", "snp_hr__employees")])
    query = "select * from main_snapshots.snp_hr__employees order by employee_id, dbt_valid_from"
    duck, from_spark = duckdb.connect(str(on_duckdb)), duckdb.connect(str(back))
    try:
        expected, got = duck.execute(query).fetchall(), from_spark.execute(query).fetchall()
        changed = duck.execute(
            "select count(*) from main_snapshots.snp_hr__employees where dbt_valid_to is not null"
        ).fetchone()
    finally:
        duck.close()
        from_spark.close()
    assert changed == (6,)  # three departments, two levels, one manager closed on night two
    assert got == expected

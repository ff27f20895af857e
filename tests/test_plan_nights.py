"""A night that runs the compiled plan builds the warehouse a ``dbt build`` builds.

The demo site's first night ran ``dbt build`` (with its unit tests) and kept
the plan. The nights here run the plan and are compared with dbt's: every
table and view of dbt's schemas, kpis.json byte for byte, and the snapshot
over nights whose exports change (dbt's own snapshot materialization against
the executor's).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.context import PlainReporter
from pipelines.run import run
from tests.conftest import DemoSite

pytestmark = pytest.mark.pipeline


def _relations(con: duckdb.DuckDBPyConnection, db: str) -> dict[tuple[str, str], str]:
    rows = con.execute(
        f"""
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = '{db}' and schema_name like 'main%'
        union all
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = '{db}' and schema_name like 'main%' and not internal
        """
    ).fetchall()
    return {(s, t): kind for s, t, kind in rows}


def _columns(con: duckdb.DuckDBPyConnection, db: str, schema: str, name: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [db, schema, name],
    ).fetchall()
    return [r[0] for r in rows]


def assert_same_warehouse(built_by_dbt: Path, built_by_plan: Path) -> None:
    """Same relations, kinds, columns and rows in every schema dbt builds.

    Run ids differ from night to night, and the input files' paths differ
    between a site and its copy: those two columns aside. Views are read each
    in its own warehouse (they name their database, ``warehouse``).
    """
    assert built_by_dbt.name == built_by_plan.name
    con = duckdb.connect()
    con.execute(f"attach '{built_by_dbt}' as a (read_only)")
    con.execute(f"attach '{built_by_plan}' as b (read_only)")
    relations = _relations(con, "a")
    assert relations == _relations(con, "b")
    assert len(relations) > 35  # marts, staging views, the snapshot, what the checks read
    views = []
    for (schema, name), kind in sorted(relations.items()):
        columns = _columns(con, "a", schema, name)
        assert columns and columns == _columns(con, "b", schema, name), (schema, name)
        kept = ", ".join(f'"{c}"' for c in columns if c not in ("run_id", "source_file"))
        if kind == "view":
            views.append(f'select {kept} from "{schema}"."{name}" order by all')
            continue
        for x, y in (("a", "b"), ("b", "a")):
            extra = con.execute(
                f'select count(*) from (select {kept} from {x}."{schema}"."{name}" '
                f'except all select {kept} from {y}."{schema}"."{name}")'
            ).fetchone()
            assert extra == (0,), f"{schema}.{name}: rows of {x} not in {y}"
    con.close()
    rows = []
    for path in (built_by_dbt, built_by_plan):
        own = duckdb.connect(str(path), read_only=True)
        rows.append([own.execute(sql).fetchall() for sql in views])
        own.close()
    for sql, by_dbt, by_plan in zip(views, *rows, strict=True):
        assert by_dbt == by_plan, sql


def test_a_night_from_the_plan_builds_what_dbt_built(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    site = published_demo.copy(tmp_path / "site")
    by_dbt = tmp_path / "by_dbt" / site.warehouse.name
    by_dbt.parent.mkdir()
    shutil.copy(site.warehouse, by_dbt)
    kpis_by_dbt = (site.out / "kpis.json").read_bytes()

    lines: list[str] = []
    ctx = run(site.inbox, site.out, site.warehouse, reporter=PlainReporter(lines.append))
    assert any("without dbt" in line for line in lines), lines
    assert ctx.dbt_result is not None and ctx.dbt_result.success
    assert ctx.dbt_result.command[0] == "build" and "--from-plan" in ctx.dbt_result.command
    assert (site.out / "kpis.json").read_bytes() == kpis_by_dbt
    assert_same_warehouse(by_dbt, site.warehouse)


def _next_drop(site: DemoSite, day: str) -> None:
    """A later export: three people moved department and level, one person hired."""
    drop = site.inbox / day
    shutil.copytree(site.drop, drop)
    path = drop / "employees.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row, department in zip(rows[:3], ("Legal", "Finance", "Sales"), strict=True):
        row["department"] = department if row["department"] != department else "Operations"
        row["job_level"] = str(int(row["job_level"]) + 1)
    hired = dict(rows[3], employee_id="E9999999", hire_date=day, termination_date="")
    rows.append(hired)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _snapshot(warehouse: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select * from main_snapshots.snp_hr__employees order by all").fetchall()
    finally:
        con.close()


def test_the_snapshot_from_the_plan_keeps_the_versions_dbt_keeps(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    by_dbt = published_demo.copy(tmp_path / "dbt")
    by_plan = published_demo.copy(tmp_path / "plan")
    quiet = PlainReporter(lambda _m: None)
    first = _snapshot(by_dbt.warehouse)
    for site in (by_dbt, by_plan):
        _next_drop(site, "2026-11-26")

    lines: list[str] = []
    run(by_dbt.inbox, by_dbt.out, by_dbt.warehouse, reporter=quiet, dbt_build=True)
    run(by_plan.inbox, by_plan.out, by_plan.warehouse, reporter=PlainReporter(lines.append))
    assert any("without dbt" in line for line in lines), lines
    second = _snapshot(by_plan.warehouse)
    assert second == _snapshot(by_dbt.warehouse)
    assert len(second) == len(first) + 4  # three new versions, one new person
    assert (by_plan.out / "kpis.json").read_bytes() == (by_dbt.out / "kpis.json").read_bytes()

    # the older export again: dbt's guard and the executor's both change nothing
    for site, force_dbt in ((by_dbt, True), (by_plan, False)):
        older = site.inbox / "2026-11-25"
        run(older, site.out, site.warehouse, reporter=quiet, dbt_build=force_dbt)
    assert _snapshot(by_plan.warehouse) == _snapshot(by_dbt.warehouse) == second


def test_dbt_build_runs_dbt_on_an_unchanged_project(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    site = published_demo.copy(tmp_path / "site")
    lines: list[str] = []
    ctx = run(
        site.inbox, site.out, site.warehouse, reporter=PlainReporter(lines.append), dbt_build=True
    )
    assert not any("nodes dbt compiled for it" in line for line in lines)
    assert any("dbt unit tests: skipped" in line for line in lines), lines
    assert ctx.dbt_result is not None and "--from-plan" not in ctx.dbt_result.command

"""The suites run unchanged through GX's own SQL route, and GX agrees with our engine.

The nightly run evaluates suites with ``pipelines/quality/sql_engine.py``; a
suite must still be a GX suite that GX itself can execute on the warehouse
(a GX SQL datasource on the DuckDB file, a table asset, ``batch.validate``).
This holds the ``{batch}`` queries to GX's substitution (which rejects
``{batch} as r``) and our engine's outcomes to GX's, on data that passes and
on data with bad rows injected. ``tests/gx_sql.py`` works around the upstream
DuckDB failure of that route.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.paths import kpi_catalog_file
from pipelines.quality.sql_engine import SAMPLE_SIZE, Outcome, evaluate_suite, jsonable
from pipelines.quality.suites import EXPECTATIONS_DIR, Suite, check_name, load_suite
from pipelines.warehouse import connect
from tests.gx_sql import validate_with_gx_sql
from tests.test_quality_contract_checks import raw  # noqa: F401 (a fixture)

pytest.importorskip("duckdb_engine")

#: Source suites with every form of ``{batch}``: aliased alone (``r`` in the
#: reference checks), aliased and joined (``r`` in the session date rule,
#: ``f`` in the load reconciliation), unaliased (row rules).
SOURCE_SUITES = ("sources/employees.json", "sources/sessions.json", "sources/file_loads.json")
#: The KPI suites (``k`` in the completeness check, the ``p``/``r`` self-join of
#: the suppression check) and a hand-written mart suite (``c``, joined).
MART_SUITES = (
    "marts/kpi_summary.json",
    "marts/kpi_history.json",
    "marts/mart_source_row_counts.json",
)

_KPI_COLUMNS = (
    "kpi varchar, group_attribute varchar, group_value varchar, value double, n bigint, "
    "suppressed boolean, unavailable varchar"
)
#: A few KPI rows (not every KPI: the completeness checks fail, in both engines).
_KPI_ROWS = [
    ("participation_rate", None, None, 0.5, 2, False, None),
    ("participation_rate", "gender", "female", None, None, True, None),
    ("participation_rate", "gender", "male", None, None, True, None),
    ("representation_index", "gender", "female", None, None, True, None),
    ("representation_index", "gender", "male", None, None, True, None),
    ("active_matches", None, None, 1.0, None, False, None),
    ("headcount", None, None, 2.0, None, False, None),
    ("engagement_score_avg", None, None, None, None, False, "no survey in the window"),
]


def _suites(names: tuple[str, ...]) -> list[Suite]:
    return [load_suite(EXPECTATIONS_DIR / name) for name in names]


def _build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Tiny marts the mart suites read (consistent with ``raw``) and the real KPI catalogue."""
    con.execute(
        "create table main.kpi_catalog as select * from read_csv(?, header = true, "
        "types = {'is_count': 'boolean', 'value_low': 'double', 'value_high': 'double'})",
        [str(kpi_catalog_file())],
    )
    con.execute(f"create table main.kpi_summary ({_KPI_COLUMNS})")
    con.executemany("insert into main.kpi_summary values (?, ?, ?, ?, ?, ?, ?)", _KPI_ROWS)
    con.execute(f"create table main.kpi_history (as_of_date date, {_KPI_COLUMNS})")
    for as_of in ("2026-10-31", "2026-11-25"):
        con.execute(f"insert into main.kpi_history select date '{as_of}', * from main.kpi_summary")
    con.execute("create table main.fct_matches as select true as is_active")
    con.execute(
        "create table main.dim_employees as "
        "select * from (values (true), (true), (false)) as e(is_employed_on_as_of_date)"
    )
    con.execute("create table main.mart_succession_coverage (role_id varchar)")
    con.execute(
        "create table main.mart_source_row_counts as select source as source_name, "
        "rows_accepted as n_rows, true as is_exported from raw.file_loads union all "
        "select name, 0, false from (values ('job_history'), ('performance_reviews'), "
        "('engagement_surveys'), ('succession_plans'), ('enrollments'), ('feedback')) as s(name)"
    )


def _ours(database: Path, suites: list[Suite]) -> dict[str, list[Outcome]]:
    con = connect(database)
    try:
        return {s.name: evaluate_suite(con, s) for s in suites}
    finally:
        con.close()


def _assert_agree(ours: Outcome, gx: dict[str, Any]) -> None:
    result = gx["result"]
    assert gx["exception"] is None, gx["exception"]
    assert ours.error is None, ours.error
    assert ours.success == gx["success"]
    if "element_count" in result:  # column-map expectations
        for key in ("element_count", "unexpected_count", "missing_count", "unexpected_percent"):
            if key in result:
                assert ours.result.get(key) == pytest.approx(result[key]), key
    elif "missing_count" in result:  # distinct values contain a set
        assert ours.result["missing_count"] == result["missing_count"]
    elif isinstance(result.get("observed_value"), list):  # the table's columns
        assert sorted(ours.result["observed_value"]) == sorted(result["observed_value"])
    else:  # row count, or the rows an unexpected_rows_query returned
        assert ours.observed_value == result["observed_value"]
    if "details" in result and "unexpected_rows" in result["details"]:
        # The same rows (ours: a sample of SAMPLE_SIZE of them).
        rows = sorted(_canonical(r) for r in result["details"]["unexpected_rows"])
        sample = sorted(_canonical(r) for r in ours.sample)
        if len(rows) <= SAMPLE_SIZE:
            assert sample == rows
        else:
            assert len(sample) == SAMPLE_SIZE and set(sample) <= set(rows)


def _canonical(row: dict[str, Any]) -> str:
    return json.dumps(jsonable(row), sort_keys=True)


def _copy(database: Path, folder: str) -> Path:
    """A copy of the (closed) warehouse file to change: GX may hold the original open."""
    copy = database.parent / folder / database.name
    copy.parent.mkdir()
    shutil.copyfile(database, copy)
    return copy


def _compare(database: Path, suites: list[Suite]) -> set[tuple[str, str]]:
    """Both engines on the same file; the checks that failed (in both)."""
    ours = _ours(database, suites)
    theirs = validate_with_gx_sql(database, suites, result_format="COMPLETE")
    failed = set()
    for suite in suites:
        assert len(theirs[suite.name]) == len(ours[suite.name]) == len(suite.expectations)
        for config, mine, gx in zip(
            suite.expectations, ours[suite.name], theirs[suite.name], strict=True
        ):
            name = check_name(config)
            try:
                _assert_agree(mine, gx)
            except AssertionError as exc:
                raise AssertionError(f"{suite.name} {name}: {exc}") from exc
            if not mine.success:
                failed.add((suite.name, name))
    return failed


def test_gx_sql_route_agrees_with_our_engine_on_source_suites(
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
    tmp_path: Path,
) -> None:
    database = tmp_path / "warehouse.duckdb"
    raw.close()
    suites = _suites(SOURCE_SUITES)
    assert _compare(database, suites) == set()

    bad = _copy(database, "bad")
    con = connect(bad)
    # An unknown manager (a reference check: `r` alone), a session before its
    # match started (`r` joined), a session row lost after loading (`f` joined).
    con.execute("update raw.employees set manager_id = 'X9' where employee_id = 'E2'")
    con.execute("update raw.sessions set session_date = '2024-01-15' where session_id = 'S0'")
    con.execute("delete from raw.sessions where session_id = 'S1'")
    con.close()
    assert _compare(bad, suites) == {
        ("raw.employees", "manager_id references employees.employee_id"),
        ("raw.sessions", "r.session_date >= t.start_date"),
        ("raw.file_loads", "accepted rows = raw table rows"),
    }


def test_gx_sql_route_agrees_with_our_engine_on_mart_suites(
    raw: duckdb.DuckDBPyConnection,  # noqa: F811
    tmp_path: Path,
) -> None:
    database = tmp_path / "warehouse.duckdb"
    _build_marts(raw)
    raw.close()
    suites = _suites(MART_SUITES)
    incomplete = {
        ("marts.kpi_summary", "every KPI of the dictionary"),
        ("marts.kpi_summary", "every KPI at every grain"),
        ("marts.kpi_history", "every KPI at every date"),
    }
    assert _compare(database, suites) == incomplete

    bad = _copy(database, "bad")
    con = connect(bad)
    # representation_index published where participation_rate is suppressed
    # (the p/r self-join; and now one suppressed value of two), a KPI out of
    # range, a source count that no longer reconciles (`c` joined).
    for table in ("kpi_summary", "kpi_history"):
        con.execute(
            f"update main.{table} set suppressed = false, value = 1.1, n = 9 "
            "where kpi = 'representation_index' and group_value = 'male'"
        )
    con.execute(
        "update main.kpi_summary set value = 1.5 where kpi = 'participation_rate' and n = 2"
    )
    con.execute("update main.mart_source_row_counts set n_rows = 7 where source_name = 'sessions'")
    con.close()
    assert _compare(bad, suites) == incomplete | {
        ("marts.kpi_summary", "participation and representation suppressed together"),
        ("marts.kpi_summary", "complementary suppression"),
        ("marts.kpi_summary", "values within their range"),
        ("marts.kpi_history", "participation and representation suppressed together"),
        ("marts.kpi_history", "complementary suppression"),
        ("marts.kpi_history", "kpi_summary = kpi_history at the as-of date"),
        ("marts.mart_source_row_counts", "rows = file_loads rows_accepted"),
    }

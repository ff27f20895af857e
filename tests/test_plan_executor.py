"""The compiled plan runs as ``dbt build`` would (pipelines/transform/plan.py, executor.py).

Hand-made plans on a real DuckDB file: build order, tables and views, dbt's
judgement of a data test (severity, warn_if, error_if), what a failure keeps
from running, ``run_results.json``, and what :func:`plan_from_manifest`
refuses. The equivalence with a real ``dbt build`` on the demo organisation
is in ``tests/test_plan_nights.py``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.transform.executor import execute
from pipelines.transform.plan import (
    Judgement,
    Plan,
    PlanNode,
    PlanUnsupported,
    plan_from_manifest,
)

NULL_X = 'select * from "w"."main"."{}" where x is null'


def _model(name: str, sql: str, *parents: str, view: bool = False) -> PlanNode:
    return PlanNode(
        unique_id=f"model.p.{name}",
        name=name,
        resource_type="model",
        depends_on=tuple(f"model.p.{p}" for p in parents),
        sql=sql,
        relation=f'"w"."main"."{name}"',
        database="w",
        schema="main",
        materialized="view" if view else "table",
    )


def _test(name: str, sql: str, *parents: str, **judgement: object) -> PlanNode:
    return PlanNode(
        unique_id=f"test.p.{name}",
        name=name,
        resource_type="test",
        depends_on=tuple(f"model.p.{p}" for p in parents),
        sql=sql,
        test=Judgement(**judgement),  # type: ignore[arg-type]
        attached_to=f"model.p.{parents[0]}",
    )


def _run(tmp_path: Path, nodes: list[PlanNode]) -> tuple[duckdb.DuckDBPyConnection, object]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    plan = Plan(fingerprint="f", database="w", dbt_version="1.11", nodes=nodes)
    lines: list[str] = []
    result = execute(con, plan, tmp_path / "seeds", lines.append, tmp_path / "target")
    return con, result


def _statuses(result: object) -> dict[str, str]:
    return {n.name: n.status for n in result.nodes}  # type: ignore[attr-defined]


def test_models_build_as_tables_and_views_in_the_plans_order(tmp_path: Path) -> None:
    con, result = _run(
        tmp_path,
        [
            _model("a", "select 1 as x union all select 2"),
            _model("b", 'select x * 10 as y from "w"."main"."a"', "a", view=True),
            _model("c", 'select sum(y) as total from "w"."main"."b"', "b"),
        ],
    )
    assert _statuses(result) == {"a": "success", "b": "success", "c": "success"}
    assert result.success  # type: ignore[attr-defined]
    kinds = dict(con.execute("select table_name, 'table' from duckdb_tables()").fetchall())
    kinds |= dict(
        con.execute("select view_name, 'view' from duckdb_views() where not internal").fetchall()
    )
    assert kinds == {"a": "table", "b": "view", "c": "table"}
    assert con.execute('select total from "w"."main"."c"').fetchone() == (30,)


def test_a_model_that_errors_skips_what_is_built_from_it_and_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    _, result = _run(
        tmp_path,
        [
            _model("a", "select 1 as x"),
            _model("broken", "select * from a_table_that_does_not_exist", "a"),
            _test(
                "not_null_broken_x", 'select * from "w"."main"."broken" where x is null', "broken"
            ),
            _model("after", 'select * from "w"."main"."broken"', "broken"),
            _model("after_after", 'select * from "w"."main"."after"', "after"),
            _model("unrelated", 'select x from "w"."main"."a"', "a"),
        ],
    )
    assert _statuses(result) == {
        "a": "success",
        "broken": "error",
        "not_null_broken_x": "skipped",
        "after": "skipped",
        "after_after": "skipped",
        "unrelated": "success",
    }
    assert not result.success  # type: ignore[attr-defined]
    assert result.failure_message().startswith(  # type: ignore[attr-defined]
        "dbt could not build 3 model(s): model broken errored: "
    )
    assert "a_table_that_does_not_exist" in result.failure_message()  # type: ignore[attr-defined]


def test_a_failing_error_test_blocks_what_reads_its_model_not_the_models_other_tests(
    tmp_path: Path,
) -> None:
    _, result = _run(
        tmp_path,
        [
            _model("a", "select 1 as x union all select 1"),
            _test("unique_a_x", 'select x from "w"."main"."a" group by x having count(*) > 1', "a"),
            _test("not_null_a_x", 'select * from "w"."main"."a" where x is null', "a"),
            _model("b", 'select * from "w"."main"."a"', "a"),
        ],
    )
    assert _statuses(result) == {
        "a": "success",
        "unique_a_x": "fail",
        "not_null_a_x": "pass",
        "b": "skipped",
    }
    failed = next(n for n in result.nodes if n.name == "unique_a_x")  # type: ignore[attr-defined]
    assert failed.failures == 1
    assert failed.message == "Got 1 result, configured to fail if != 0"


def test_a_test_is_judged_by_its_severity_and_thresholds_as_dbt_judges_it(
    tmp_path: Path,
) -> None:
    three_rows = 'select * from "w"."main"."a"'
    _, result = _run(
        tmp_path,
        [
            _model("a", "select 1 as x union all select 2 union all select 3"),
            _test("warn_only", three_rows, "a", severity="warn"),
            _test("under_error_threshold", three_rows, "a", error_if="> 5", warn_if="> 1"),
            _test("under_both", three_rows, "a", error_if="> 5", warn_if="> 4"),
            _test("over_error_threshold", three_rows, "a", error_if=">= 3"),
            _test("limited", three_rows, "a", limit=2, error_if="> 2"),
            _test("custom_fail_calc", three_rows, "a", fail_calc="sum(x)", error_if="> 5"),
            _model("b", 'select * from "w"."main"."a"', "a"),
        ],
    )
    statuses = _statuses(result)
    assert statuses == {
        "a": "success",
        "warn_only": "warn",
        "under_error_threshold": "warn",
        "under_both": "pass",
        "over_error_threshold": "fail",
        "limited": "warn",
        "custom_fail_calc": "fail",
        "b": "skipped",
    }
    by_name = {n.name: n for n in result.nodes}  # type: ignore[attr-defined]
    assert by_name["warn_only"].message == "Got 3 results, configured to warn if != 0"
    assert by_name["custom_fail_calc"].failures == 6
    assert by_name["limited"].failures == 2  # the limit applies before counting
    assert by_name["under_both"].failures == 0


def test_warnings_alone_block_nothing_and_the_build_succeeds(tmp_path: Path) -> None:
    _, result = _run(
        tmp_path,
        [
            _model("a", "select null as x"),
            _test(
                "not_null_a_x", 'select * from "w"."main"."a" where x is null', "a", severity="warn"
            ),
            _model("b", 'select * from "w"."main"."a"', "a"),
        ],
    )
    assert _statuses(result) == {"a": "success", "not_null_a_x": "warn", "b": "success"}
    assert result.success  # type: ignore[attr-defined]


def test_run_results_json_holds_every_nodes_status_and_compiled_sql(tmp_path: Path) -> None:
    sql = 'select * from "w"."main"."a" where x is null'
    _run(tmp_path, [_model("a", "select 1 as x"), _test("not_null_a_x", sql, "a")])
    document = json.loads((tmp_path / "target" / "run_results.json").read_text())
    by_id = {r["unique_id"]: r for r in document["results"]}
    assert by_id["test.p.not_null_a_x"]["compiled_code"] == sql
    assert by_id["test.p.not_null_a_x"]["status"] == "pass"
    assert by_id["model.p.a"]["status"] == "success"


def test_a_rebuild_replaces_a_relation_even_when_it_changed_kind(tmp_path: Path) -> None:
    con, _ = _run(tmp_path, [_model("a", "select 1 as x", view=True)])
    con.close()
    con, result = _run(tmp_path, [_model("a", "select 2 as x")])
    assert result.success  # type: ignore[attr-defined]
    assert con.execute('select x from "w"."main"."a"').fetchone() == (2,)
    assert con.execute(
        "select count(*) from duckdb_tables() where table_name = 'a'"
    ).fetchone() == (1,)


def test_a_plan_round_trips_through_its_json(tmp_path: Path) -> None:
    plan = Plan(
        fingerprint="f",
        database="w",
        dbt_version="1.11",
        nodes=[
            _model("a", "select 1 as x"),
            _test("t", "select 1", "a", severity="warn", limit=3),
            replace(_model("s", "select 1 as id"), resource_type="snapshot"),
        ],
    )
    assert Plan.from_json(plan.to_json()) == plan


def _manifest(tmp_path: Path, nodes: dict[str, dict[str, object]]) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps({"metadata": {"adapter_type": "duckdb", "dbt_version": "1.11"}, "nodes": nodes})
    )
    return path


def _manifest_model(
    name: str, parents: list[str], materialized: str = "table"
) -> dict[str, object]:
    return {
        "name": name,
        "resource_type": "model",
        "database": "w",
        "schema": "main",
        "relation_name": f'"w"."main"."{name}"',
        "config": {"materialized": materialized},
        "depends_on": {"nodes": [f"model.p.{p}" for p in parents]},
        "compiled_code": f"select 1 as {name}",
        "language": "sql",
    }


def test_an_ephemeral_model_has_no_node_and_stands_for_its_own_parents(tmp_path: Path) -> None:
    manifest = _manifest(
        tmp_path,
        {
            "model.p.a": _manifest_model("a", []),
            "model.p.e": _manifest_model("e", ["a"], materialized="ephemeral"),
            "model.p.b": _manifest_model("b", ["e"]),
        },
    )
    plan = plan_from_manifest(manifest, "f")
    assert [n.name for n in plan.nodes] == ["a", "b"]
    assert plan.nodes[1].depends_on == ("model.p.a",)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"config": {"materialized": "incremental"}}, "incremental"),
        ({"config": {"materialized": "table", "post-hook": ["grant select"]}}, "hooks"),
        ({"language": "python"}, "python"),
        ({"compiled_code": None}, "no compiled SQL"),
    ],
)
def test_the_plan_refuses_what_the_executor_would_not_run_as_dbt_does(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    manifest = _manifest(tmp_path, {"model.p.a": {**_manifest_model("a", []), **change}})
    with pytest.raises(PlanUnsupported, match=reason):
        plan_from_manifest(manifest, "f")


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_results_follow_the_plans_order_whatever_the_threads(tmp_path: Path, threads: int) -> None:
    nodes = [_model(f"m{i}", f"select {i} as x") for i in range(8)]
    nodes += [_test(f"t{i}", NULL_X.format(f"m{i}"), f"m{i}") for i in range(8)]
    nodes += [
        _model(
            "total",
            " union all ".join(f'select x from "w"."main"."m{i}"' for i in range(8)),
            *(f"m{i}" for i in range(8)),
        )
    ]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    plan = Plan(fingerprint="f", database="w", dbt_version="1.11", nodes=nodes)
    result = execute(con, plan, tmp_path, lambda _line: None, threads=threads)
    assert [n.name for n in result.nodes] == [n.name for n in nodes]
    assert result.success
    assert con.execute('select sum(x) from "w"."main"."total"').fetchone() == (28,)

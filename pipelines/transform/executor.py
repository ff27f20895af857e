"""Run a :class:`~pipelines.transform.plan.Plan` in one DuckDB connection, as ``dbt build`` would.

Each node is one statement (two or three for a snapshot) in the run's own
connection to the warehouse being built:

- a table model: ``create or replace table <relation> as (<compiled SQL>)``,
  a view model ``create or replace view``: the relation dbt-duckdb's table
  and view materializations leave, without their rename dance;
- a seed: the rows dbt loaded on the night the plan was made, from Parquet;
- a snapshot: :func:`pipelines.transform.snapshot.run_snapshot`;
- a data test: dbt's own wrapper (``get_test_sql``) around the compiled
  query for failing rows, judged as dbt judges it: ``fail`` when the test's
  severity is error and ``<fail_calc> <error_if>`` holds, else ``warn`` when
  ``<fail_calc> <warn_if>`` holds, else ``pass``.

As in ``dbt build``, a model that errors, or an error-severity test that
fails, skips every node downstream of it; the rest of the plan goes on.
The result is a :class:`~pipelines.transform.results.DbtResult` with one
:class:`~pipelines.transform.results.NodeResult` per node, and a
``run_results.json`` with each node's compiled SQL (what the data-quality
report shows for a dbt test).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipelines.failpoints import failpoint
from pipelines.transform.plan import Plan, PlanNode
from pipelines.transform.results import DbtResult, NodeResult
from pipelines.transform.snapshot import run_snapshot

#: What the executor reports its work as (``DbtResult.command``): the build dbt would run.
COMMAND = ["build", "--from-plan"]


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] if text else type(exc).__name__


def _existing_kind(con: duckdb.DuckDBPyConnection, node: PlanNode) -> str | None:
    """'table' or 'view' when the relation exists (another kind must be dropped first)."""
    row = con.execute(
        """
        select 'view' from duckdb_views()
        where database_name = ? and schema_name = ? and view_name = ?
        union all
        select 'table' from duckdb_tables()
        where database_name = ? and schema_name = ? and table_name = ?
        """,
        [_database(node), node.schema, node.name] * 2,
    ).fetchone()
    return str(row[0]) if row else None


def _database(node: PlanNode) -> str:
    assert node.relation is not None
    return node.relation.split(".", 1)[0].strip('"')


def _build(con: duckdb.DuckDBPyConnection, node: PlanNode, seeds: Path) -> str:
    """Run a model, seed or snapshot; return the message of its log line."""
    if node.resource_type == "snapshot":
        return f"snapshotted {node.display}: {run_snapshot(con, node)}"
    kind = "table" if node.resource_type == "seed" else (node.materialized or "table")
    existing = _existing_kind(con, node)
    if existing is not None and existing != kind:
        con.execute(f"drop {existing} {node.relation}")
    if node.resource_type == "seed":
        path = str(seeds / f"{node.name}.parquet").replace("'", "''")
        con.execute(
            f"create or replace table {node.relation} as select * from read_parquet('{path}')"
        )
        return f"loaded seed {node.display}"
    con.execute(f"create or replace {kind} {node.relation} as (\n{node.sql}\n)")
    return f"created {kind} model {node.display}"


def _test(con: duckdb.DuckDBPyConnection, node: PlanNode) -> tuple[str, int, str | None]:
    """Run a data test; (status, failures, message) as dbt's test task gives them."""
    judge = node.test
    assert judge is not None
    limit = f"\nlimit {judge.limit}" if judge.limit is not None else ""
    row = con.execute(
        f"""
        select
          {judge.fail_calc} as failures,
          {judge.fail_calc} {judge.warn_if} as should_warn,
          {judge.fail_calc} {judge.error_if} as should_error
        from (
          {node.sql}{limit}
        ) dbt_internal_test
        """
    ).fetchone()
    failures, should_warn, should_error = row if row else (0, False, False)
    failures = int(failures or 0)
    noun = "result" if failures == 1 else "results"
    if judge.severity == "error" and should_error:
        return "fail", failures, f"Got {failures} {noun}, configured to fail if {judge.error_if}"
    if should_warn:
        return "warn", failures, f"Got {failures} {noun}, configured to warn if {judge.warn_if}"
    return "pass", 0, None


def execute(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    seeds: Path,
    log: Callable[[str], None],
    results_dir: Path | None = None,
) -> DbtResult:
    """Run every node of ``plan``; one result per node, downstream of a failure skipped.

    ``seeds`` is the folder of the plan's seed files; ``results_dir``, when
    given, receives ``run_results.json``.
    """
    started = time.perf_counter()
    for schema in plan.schemas:
        con.execute(f'create schema if not exists "{plan.database}"."{schema}"')
    blocked: dict[str, str] = {}  # node -> the failure upstream of it
    children = _children(plan)
    results: list[NodeResult] = []
    compiled: dict[str, str] = {}
    total = len(plan.nodes)
    for index, node in enumerate(plan.nodes, start=1):
        t0 = time.perf_counter()
        failures: int | None = None
        message: str | None
        if node.unique_id in blocked:
            status, message = "skipped", f"skipped: {blocked[node.unique_id]} failed upstream"
            line = f"{index} of {total} SKIP {node.display}"
        else:
            try:
                if node.resource_type == "test":
                    status, failures, message = _test(con, node)
                    verb = {"pass": "PASS", "warn": f"WARN {failures}", "fail": f"FAIL {failures}"}
                    line = f"{index} of {total} {verb[status]} {node.name}"
                else:
                    done = _build(con, node, seeds)
                    status, message = "success", None
                    line = f"{index} of {total} OK {done}"
            except duckdb.Error as exc:
                status, message = "error", _first_line(exc)
                line = f"{index} of {total} ERROR {node.display}: {message}"
            failed = status == "error" or status == "fail"
            if failed:
                for downstream in _descendants(node, children, plan):
                    blocked.setdefault(downstream, node.name)
        seconds = time.perf_counter() - t0
        log(f"{line} [in {seconds:.2f}s]")
        if node.sql:
            compiled[node.unique_id] = node.sql
        results.append(
            NodeResult(
                unique_id=node.unique_id,
                name=node.name,
                resource_type=node.resource_type,
                status=status,
                message=message,
                failures=failures,
                execution_time=seconds,
            )
        )
        failpoint("dbt.node")
    result = DbtResult(
        command=COMMAND,
        success=all(r.status in ("success", "pass", "warn") for r in results),
        elapsed_seconds=time.perf_counter() - started,
        nodes=results,
    )
    if results_dir is not None:
        write_run_results(results_dir, result, compiled)
    return result


def _children(plan: Plan) -> dict[str, list[str]]:
    """Direct children of every node (tests included)."""
    children: dict[str, list[str]] = {n.unique_id: [] for n in plan.nodes}
    for node in plan.nodes:
        for parent in node.depends_on:
            children.setdefault(parent, []).append(node.unique_id)
    return children


def _descendants(node: PlanNode, children: dict[str, list[str]], plan: Plan) -> set[str]:
    """What a failed node keeps from running, as in ``dbt build``.

    A failed model blocks its tests and everything built from it, and their
    tests. A failed test stands between the nodes it tests and what is built
    from them: it blocks those (and their tests), not the tested nodes nor
    their other tests.
    """
    kinds = {n.unique_id: n.resource_type for n in plan.nodes}
    tests = {n.unique_id: n.depends_on for n in plan.nodes if n.resource_type == "test"}
    roots = list(node.depends_on) if node.resource_type == "test" else [node.unique_id]
    blocked: set[str] = set()
    stack = [c for root in roots for c in children.get(root, []) if kinds.get(c) != "test"]
    while stack:
        uid = stack.pop()
        if uid in blocked:
            continue
        blocked.add(uid)
        stack.extend(c for c in children.get(uid, []) if kinds.get(c) != "test")
    failed = set() if node.resource_type == "test" else {node.unique_id}
    blocked |= {t for t, parents in tests.items() if set(parents) & (blocked | failed)}
    blocked.discard(node.unique_id)
    return blocked


def write_run_results(folder: Path, result: DbtResult, compiled: dict[str, str]) -> Path:
    """A ``run_results.json`` in dbt's shape, as far as this project reads it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "run_results.json"
    document = {
        "metadata": {"generated_by": "pipelines.transform.executor", "command": result.command},
        "elapsed_time": result.elapsed_seconds,
        "results": [
            {
                "unique_id": n.unique_id,
                "status": n.status,
                "message": n.message,
                "failures": n.failures,
                "execution_time": n.execution_time,
                "compiled_code": compiled.get(n.unique_id),
            }
            for n in result.nodes
        ],
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path

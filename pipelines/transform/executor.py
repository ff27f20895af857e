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
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import duckdb

from pipelines.failpoints import failpoint
from pipelines.transform.plan import Plan, PlanNode
from pipelines.transform.results import DbtResult, NodeResult
from pipelines.transform.snapshot import run_snapshot

#: What the executor reports its work as (``DbtResult.command``): the build dbt would run.
COMMAND = ["build", "--from-plan"]

#: Nodes run at once, as the profile's ``threads`` (the machines have 2 cores).
DEFAULT_THREADS = 2


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] if text else type(exc).__name__


def _create(con: duckdb.DuckDBPyConnection, kind: str, relation: str, select: str) -> None:
    """``create or replace <kind> <relation> as (<select>)``, over a relation of the other kind too.

    A model that changed from table to view (or back) finds the old relation
    in a warehouse the plan ran in before; DuckDB refuses to replace one kind
    with the other, so the old one is dropped first. (Asking the catalog
    first costs more: DuckDB's ``duckdb_tables()`` reads every table's
    storage metadata on its first call.)
    """
    statement = f"create or replace {kind} {relation} as (\n{select}\n)"
    try:
        con.execute(statement)
    except duckdb.CatalogException as exc:
        other = {"table": "view", "view": "table"}[kind]
        if f"is of type {other}" not in str(exc).lower():
            raise
        con.execute(f"drop {other} {relation}")
        con.execute(statement)


def _build(con: duckdb.DuckDBPyConnection, node: PlanNode, seeds: Path) -> str:
    """Run a model, seed or snapshot; return the message of its log line."""
    if node.resource_type == "snapshot":
        return f"snapshotted {node.display}: {run_snapshot(con, node)}"
    assert node.relation is not None
    if node.resource_type == "seed":
        path = str(seeds / f"{node.name}.parquet").replace("'", "''")
        _create(con, "table", node.relation, f"select * from read_parquet('{path}')")
        return f"loaded seed {node.display}"
    kind = node.materialized or "table"
    _create(con, kind, node.relation, node.sql)
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
    threads: int = DEFAULT_THREADS,
) -> DbtResult:
    """Run every node of ``plan``; one result per node, downstream of a failure skipped.

    ``seeds`` is the folder of the plan's seed files; ``results_dir``, when
    given, receives ``run_results.json``. Up to ``threads`` nodes run at once,
    each in its own cursor of ``con``, as dbt's threads do: a node starts
    when the nodes it reads are built and their error-severity tests passed
    (:func:`_waits_for`). Results are listed in the plan's order.
    """
    started = time.perf_counter()
    for database in plan.memory_databases:
        con.execute(f"attach if not exists ':memory:' as \"{database}\"")
    for database, schema in plan.schemas:
        con.execute(f'create schema if not exists "{database}"."{schema}"')
    by_id = {node.unique_id: node for node in plan.nodes}
    order = {node.unique_id: i for i, node in enumerate(plan.nodes)}
    waits = _waits_for(plan)
    waiting_on = {uid: set(w) for uid, w in waits.items()}
    dependents: dict[str, list[str]] = {uid: [] for uid in by_id}
    for uid, w in waits.items():
        for other in w:
            dependents[other].append(uid)
    children = _children(plan)
    blocked: dict[str, str] = {}  # node -> the failure upstream of it
    results: dict[str, NodeResult] = {}
    lock = threading.Lock()
    finished = 0
    cursors = [con.cursor() for _ in range(max(1, threads))]
    free = list(range(len(cursors)))
    ready = sorted((uid for uid, w in waiting_on.items() if not w), key=order.__getitem__)
    try:
        with ThreadPoolExecutor(max_workers=len(cursors)) as pool:
            running: dict[Future[NodeResult], tuple[str, int]] = {}
            while ready or running:
                while ready and free:
                    uid = ready.pop(0)
                    slot = free.pop()
                    reason = blocked.get(uid)
                    future = pool.submit(_run_node, cursors[slot], by_id[uid], seeds, reason)
                    running[future] = (uid, slot)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: order[running[f][0]]):
                    uid, slot = running.pop(future)
                    free.append(slot)
                    outcome = future.result()
                    results[uid] = outcome
                    node = by_id[uid]
                    if outcome.status in ("error", "fail"):
                        for downstream in _descendants(node, children, plan):
                            blocked.setdefault(downstream, node.name)
                    with lock:
                        finished += 1
                        log(f"{finished} of {len(by_id)} {_line(node, outcome)}")
                    failpoint("dbt.node")
                    for other in dependents[uid]:
                        waiting_on[other].discard(uid)
                        if not waiting_on[other]:
                            ready.append(other)
                    ready.sort(key=order.__getitem__)
    finally:
        for cursor in cursors:
            cursor.close()
    ordered = [results[node.unique_id] for node in plan.nodes]
    result = DbtResult(
        command=COMMAND,
        success=all(r.status in ("success", "pass", "warn") for r in ordered),
        elapsed_seconds=time.perf_counter() - started,
        nodes=ordered,
    )
    if results_dir is not None:
        compiled = {node.unique_id: node.sql for node in plan.nodes if node.sql}
        write_run_results(results_dir, result, compiled)
    return result


def _run_node(
    cursor: duckdb.DuckDBPyConnection, node: PlanNode, seeds: Path, blocked_by: str | None
) -> NodeResult:
    """Run one node in ``cursor`` (or skip it when a failure upstream blocks it)."""
    t0 = time.perf_counter()
    failures: int | None = None
    message: str | None = None
    if blocked_by is not None:
        status, message = "skipped", f"skipped: {blocked_by} failed upstream"
    else:
        try:
            if node.resource_type == "test":
                status, failures, message = _test(cursor, node)
            else:
                message = _build(cursor, node, seeds)
                status = "success"
        except duckdb.Error as exc:
            status, message = "error", _first_line(exc)
    return NodeResult(
        unique_id=node.unique_id,
        name=node.name,
        resource_type=node.resource_type,
        status=status,
        message=message,
        failures=failures,
        execution_time=time.perf_counter() - t0,
    )


def _line(node: PlanNode, result: NodeResult) -> str:
    """The node's line in the progress log, as dbt words it."""
    seconds = f"[in {result.execution_time:.2f}s]"
    if result.status == "skipped":
        return f"SKIP {node.display}"
    if result.status == "error":
        return f"ERROR {node.display}: {result.message} {seconds}"
    if node.resource_type == "test":
        verb = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}[result.status]
        count = f" {result.failures}" if result.status != "pass" else ""
        return f"{verb}{count} {node.name} {seconds}"
    return f"OK {result.message} {seconds}"


def _waits_for(plan: Plan) -> dict[str, set[str]]:
    """What each node waits for: the nodes it reads, and their error-severity tests.

    As in ``dbt build``, the tests attached to a model stand between it and
    the models built from it, except a test that itself reads one of those
    (a relationships test towards a model built later): it cannot run first.
    A warn-severity test blocks nothing, so nothing waits for it.
    """
    parents = {node.unique_id: node.depends_on for node in plan.nodes}
    upstream: dict[str, set[str]] = {}

    def ancestors(uid: str) -> set[str]:
        if uid not in upstream:
            found: set[str] = set()
            for parent in parents.get(uid, ()):
                found.add(parent)
                found |= ancestors(parent)
            upstream[uid] = found
        return upstream[uid]

    tests_of: dict[str, list[str]] = {}
    for node in plan.nodes:
        blocking = node.test is not None and node.test.severity == "error"
        if blocking and node.attached_to is not None:
            tests_of.setdefault(node.attached_to, []).append(node.unique_id)
    waits: dict[str, set[str]] = {}
    for node in plan.nodes:
        w = set(node.depends_on)
        if node.resource_type != "test":
            for parent in node.depends_on:
                w.update(t for t in tests_of.get(parent, ()) if node.unique_id not in ancestors(t))
        waits[node.unique_id] = w
    return waits


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
    tests. A failed test stands between the node it is attached to and what
    is built from that node: it blocks those (and their tests), not the
    tested node nor its other tests.
    """
    kinds = {n.unique_id: n.resource_type for n in plan.nodes}
    tests = {n.unique_id: n.depends_on for n in plan.nodes if n.resource_type == "test"}
    if node.resource_type == "test":
        roots = [node.attached_to] if node.attached_to else list(node.depends_on)
    else:
        roots = [node.unique_id]
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

"""The nightly plan: the project as dbt compiled it, to run again while the project is unchanged.

dbt decides what every model, snapshot, seed and data test computes; it need
not decide it again every night. While the project's files, dbt and its
adapter are unchanged (the fingerprint of :mod:`pipelines.transform.dbt_cache`),
its compiled SQL is the same every night, because nothing in it depends on
the night: the as-of date is a row of ``raw.run_parameters``, not a var. So a
night after a change of the project runs ``dbt build`` (and its unit tests,
and the docs); the plan is taken from that build's ``manifest.json``, and the
nights after run it with :mod:`pipelines.transform.executor` in the run's own
DuckDB connection, without dbt's start-up (3 to 5 s) and its cost per node
(tens of milliseconds, 350 nodes).

A plan holds, in an order that respects every dependency:

- each table and view model: its relation and compiled SQL (an ephemeral
  model has no node: dbt compiled it into its consumers);
- each seed: its relation; its rows are kept beside the plan (Parquet,
  exported from the table dbt loaded), so they are typed exactly as dbt typed
  them;
- each snapshot: its relation, its compiled select and its strategy;
- each data test: its compiled SQL (the query for the failing rows) and the
  configuration dbt judges the failures with (severity, warn_if, error_if,
  fail_calc, limit).

:func:`plan_from_manifest` refuses a project whose semantics the executor
does not reproduce (incremental or Python models, hooks, a snapshot strategy
other than dbt's default check and timestamp ones): such a project keeps
``dbt build`` every night, and the log says why.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Bumped when the plan's shape or the executor's semantics change: a stored
#: plan of another version is rebuilt by the next ``dbt build``.
PLAN_VERSION = 2

_MODEL_MATERIALIZATIONS = ("table", "view")

#: The in-memory database the DuckDB profile attaches for the intermediate
#: models (profiles/profiles.yml, macros/database_names.sql); the executor
#: attaches it the same way.
SCRATCH_DATABASE = "dbt_scratch"
_SUPPORTED_SNAPSHOT = {"strategy": ("check", "timestamp"), "hard_deletes": (None, "ignore")}


class PlanUnsupported(Exception):
    """The project uses something the executor does not reproduce (the message says what)."""


@dataclass(frozen=True)
class Judgement:
    """How dbt turns a data test's failing rows into pass, warn or fail."""

    severity: str = "error"
    warn_if: str = "!= 0"
    error_if: str = "!= 0"
    fail_calc: str = "count(*)"
    limit: int | None = None


@dataclass(frozen=True)
class SnapshotStrategy:
    """dbt's snapshot configuration, as far as the executor needs it."""

    strategy: str
    unique_key: str
    updated_at: str
    check_cols: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanNode:
    """One node to run: a model, a seed, a snapshot or a data test."""

    unique_id: str
    name: str
    resource_type: str
    #: The nodes of the plan this one reads (ephemeral models resolved through).
    depends_on: tuple[str, ...]
    #: Compiled SQL: a model's select, a snapshot's select, a test's failing rows.
    sql: str = ""
    #: Quoted ``"database"."schema"."identifier"`` of what a model, seed or snapshot builds.
    relation: str | None = None
    database: str | None = None
    schema: str | None = None
    #: ``table`` or ``view`` for models.
    materialized: str | None = None
    test: Judgement | None = None
    #: The node a test is attached to (dbt's ``attached_node``): a failing
    #: error-severity test blocks what is built from that node.
    attached_to: str | None = None
    snapshot: SnapshotStrategy | None = None

    @property
    def display(self) -> str:
        """``schema.name`` as dbt's log names a relation; the test's name for tests."""
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass
class Plan:
    """What ``dbt build`` ran for one version of the project, in run order."""

    fingerprint: str
    #: The DuckDB database name the compiled SQL refers to (the warehouse file's stem).
    database: str
    dbt_version: str
    nodes: list[PlanNode] = field(default_factory=list)
    #: Databases attached in memory for the build (:data:`SCRATCH_DATABASE`).
    memory_databases: tuple[str, ...] = ()
    version: int = PLAN_VERSION

    @property
    def schemas(self) -> list[tuple[str, str]]:
        """The (database, schema) pairs the plan builds into, in first-use order."""
        seen: dict[tuple[str, str], None] = {}
        for node in self.nodes:
            if node.schema and node.database and node.resource_type != "test":
                seen.setdefault((node.database, node.schema), None)
        return list(seen)

    def seeds(self) -> list[PlanNode]:
        return [n for n in self.nodes if n.resource_type == "seed"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        raw = json.loads(text)
        nodes = []
        for node in raw.pop("nodes"):
            test = node.pop("test")
            snapshot = node.pop("snapshot")
            if snapshot is not None:
                snapshot["check_cols"] = tuple(snapshot["check_cols"])
            nodes.append(
                PlanNode(
                    **{**node, "depends_on": tuple(node["depends_on"])},
                    test=Judgement(**test) if test is not None else None,
                    snapshot=SnapshotStrategy(**snapshot) if snapshot is not None else None,
                )
            )
        raw["memory_databases"] = tuple(raw.get("memory_databases", ()))
        return cls(**raw, nodes=nodes)


def plan_from_manifest(manifest_path: Path, fingerprint: str) -> Plan:
    """The plan of a successful ``dbt build`` from its ``manifest.json``.

    Raises :class:`PlanUnsupported` when a node is of a kind the executor
    does not run the way dbt does.
    """
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    nodes: dict[str, dict[str, Any]] = manifest["nodes"]
    if manifest["metadata"].get("adapter_type") != "duckdb":
        raise PlanUnsupported(f"the build ran on {manifest['metadata'].get('adapter_type')}")
    ephemeral = {
        uid
        for uid, n in nodes.items()
        if n["resource_type"] == "model" and n["config"].get("materialized") == "ephemeral"
    }
    planned: dict[str, PlanNode] = {}
    databases: set[str] = set()
    for uid, node in sorted(nodes.items()):
        kind = node["resource_type"]
        if kind in ("unit_test", "analysis") or uid in ephemeral:
            continue
        _refuse_hooks(uid, node)
        depends = tuple(sorted(_resolved_parents(uid, nodes, ephemeral)))
        if kind == "test":
            attached = node.get("attached_node")
            if attached not in depends:
                attached = depends[0] if len(depends) == 1 else None
            planned[uid] = PlanNode(
                uid,
                node["name"],
                kind,
                depends,
                sql=_compiled(uid, node),
                test=_judgement(node),
                attached_to=attached,
            )
            continue
        database = node.get("database")
        if database:
            databases.add(database)
        common = {
            "unique_id": uid,
            "name": node["name"],
            "resource_type": kind,
            "depends_on": depends,
            "relation": node["relation_name"],
            "database": database,
            "schema": node["schema"],
        }
        if kind == "model":
            materialized = node["config"].get("materialized")
            if node.get("language", "sql") != "sql" or materialized not in _MODEL_MATERIALIZATIONS:
                raise PlanUnsupported(f"{uid}: a {materialized} {node.get('language')} model")
            planned[uid] = PlanNode(**common, sql=_compiled(uid, node), materialized=materialized)
        elif kind == "seed":
            planned[uid] = PlanNode(**common)
        elif kind == "snapshot":
            planned[uid] = PlanNode(
                **common, sql=_compiled(uid, node), snapshot=_snapshot_strategy(uid, node)
            )
        else:
            raise PlanUnsupported(f"{uid}: a {kind} node")
    persisted = databases - {SCRATCH_DATABASE}
    if len(persisted) != 1:
        raise PlanUnsupported(f"the project builds into {len(persisted)} databases on disk")
    return Plan(
        fingerprint=fingerprint,
        database=persisted.pop(),
        dbt_version=str(manifest["metadata"].get("dbt_version")),
        nodes=_run_order(planned),
        memory_databases=tuple(sorted(databases & {SCRATCH_DATABASE})),
    )


def _compiled(uid: str, node: dict[str, Any]) -> str:
    sql = node.get("compiled_code")
    if not sql:
        raise PlanUnsupported(f"{uid} has no compiled SQL in the manifest (was it built?)")
    return str(sql)


def _refuse_hooks(uid: str, node: dict[str, Any]) -> None:
    config = node.get("config", {})
    if config.get("pre-hook") or config.get("post-hook"):
        raise PlanUnsupported(f"{uid} has hooks")
    if config.get("contract", {}).get("enforced"):
        raise PlanUnsupported(f"{uid} enforces a contract")


def _resolved_parents(uid: str, nodes: dict[str, Any], ephemeral: set[str]) -> set[str]:
    """Parents among the planned nodes: an ephemeral parent stands for its own parents."""
    parents: set[str] = set()
    stack = list(nodes[uid].get("depends_on", {}).get("nodes", []))
    while stack:
        parent = stack.pop()
        if parent in ephemeral:
            stack.extend(nodes[parent].get("depends_on", {}).get("nodes", []))
        elif parent in nodes:  # sources are not nodes: ingestion built them
            parents.add(parent)
    return parents


def _judgement(node: dict[str, Any]) -> Judgement:
    config = node["config"]
    if config.get("store_failures"):
        raise PlanUnsupported(f"{node['unique_id']} stores its failures")
    limit = config.get("limit")
    return Judgement(
        severity=str(config.get("severity") or "error").lower(),
        warn_if=str(config.get("warn_if") or "!= 0"),
        error_if=str(config.get("error_if") or "!= 0"),
        fail_calc=str(config.get("fail_calc") or "count(*)"),
        limit=int(limit) if limit is not None else None,
    )


def _snapshot_strategy(uid: str, node: dict[str, Any]) -> SnapshotStrategy:
    config = node["config"]
    for key, allowed in _SUPPORTED_SNAPSHOT.items():
        if config.get(key) not in allowed:
            raise PlanUnsupported(f"{uid}: snapshot {key} {config.get(key)!r}")
    if config.get("invalidate_hard_deletes") or config.get("dbt_valid_to_current"):
        raise PlanUnsupported(f"{uid}: snapshot hard deletes or dbt_valid_to_current")
    if any(config.get("snapshot_meta_column_names", {}).values()):
        raise PlanUnsupported(f"{uid}: snapshot column names renamed")
    unique_key, updated_at = config.get("unique_key"), config.get("updated_at")
    if not isinstance(unique_key, str) or not updated_at:
        raise PlanUnsupported(f"{uid}: snapshot without one unique_key and an updated_at")
    check_cols = config.get("check_cols") or ()
    if config["strategy"] == "check" and (not isinstance(check_cols, list) or not check_cols):
        raise PlanUnsupported(f"{uid}: check_cols {check_cols!r}")
    return SnapshotStrategy(
        strategy=config["strategy"],
        unique_key=unique_key,
        updated_at=str(updated_at),
        check_cols=tuple(check_cols),
    )


def _run_order(planned: dict[str, PlanNode]) -> list[PlanNode]:
    """Models, seeds and snapshots in dependency order, each followed by the tests it unblocks.

    A test runs as soon as every node it reads is built, the way ``dbt build``
    runs a model's tests before the models downstream of it. Ties go by
    unique id, so the order is the same every night.
    """
    builders = {uid: n for uid, n in planned.items() if n.resource_type != "test"}
    tests = sorted(
        (n for n in planned.values() if n.resource_type == "test"), key=lambda n: n.unique_id
    )
    order: list[PlanNode] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        if uid in visiting:
            raise PlanUnsupported(f"a dependency cycle through {uid}")
        visiting.add(uid)
        for parent in builders[uid].depends_on:
            visit(parent)
        visiting.discard(uid)
        done.add(uid)
        order.append(builders[uid])
        ready = [t for t in tests if t.unique_id not in done and set(t.depends_on) <= done]
        for test in ready:
            done.add(test.unique_id)
            order.append(test)

    for uid in sorted(builders):
        visit(uid)
    left = [t.unique_id for t in tests if t.unique_id not in done]
    if left:
        raise PlanUnsupported(f"tests on nodes the plan does not build: {left[:3]}")
    return order

"""Where dbt builds the models: DuckDB (the default), PostgreSQL or Apache Spark.

``mentorship run --target NAME`` picks one of :data:`TARGETS`. Ingestion, its
quarantine and the source checks always run in the run's DuckDB warehouse
(DECISIONS.md, "Other targets: ingestion and the checks stay in DuckDB").
On another target the transform stage then

1. hands the accepted rows (the ``raw`` schema) and the kept dbt snapshot
   (``main_snapshots``) to the target in bulk: :meth:`TargetSession.hand_over`;
2. runs ``dbt build --target NAME`` there: the same models, tests and seed;
3. writes ``kpis.json`` from the target's ``main.kpi_summary``:
   :meth:`TargetSession.write_kpis_json`;
4. copies back into the run's DuckDB warehouse what the mart checks and the
   reports read (:func:`relations_read_downstream`) and the updated snapshot:
   :meth:`TargetSession.copy_back`. The checks compare the copied-back
   ``kpi_summary`` with the published kpis.json, so the copy is checked too.

The target keeps no state of its own between nights: the warehouse file is
still what a run publishes or discards, so a failed night changes nothing
that the next one reads.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Protocol

from pipelines.errors import InputError

#: The targets ``--target`` accepts; the first is the default.
TARGETS = ("duckdb", "postgres", "spark")

#: The schemas handed to the target before dbt builds (raw: ingestion's
#: accepted rows; main_snapshots: the snapshot the warehouse keeps across nights).
HANDED_OVER_SCHEMAS = ("raw", "main_snapshots")

#: Schemas copied back whole: the marts, the seed and the KPI tables (main),
#: and the snapshot the next night hands over again.
COPIED_BACK_SCHEMAS = ("main", "main_snapshots")

#: Relations outside those schemas that the mart checks read (expectations/marts/
#: and pipelines/quality/audit_store.py). tests/test_targets.py fails when a
#: check reads a staging or intermediate relation missing here.
READ_OUTSIDE_MAIN = (
    ("main_intermediate", "int_kpi_required_sources"),
    ("main_intermediate", "int_source_availability"),
    ("main_staging", "stg_hr__employees"),
    ("main_staging", "stg_hr__job_history"),
    ("main_staging", "stg_hr__performance_reviews"),
    ("main_staging", "stg_hr__engagement_surveys"),
    ("main_staging", "stg_hr__succession_plans"),
    ("main_staging", "stg_mentoring__programs"),
    ("main_staging", "stg_mentoring__enrollments"),
    ("main_staging", "stg_mentoring__matches"),
    ("main_staging", "stg_mentoring__sessions"),
    ("main_staging", "stg_mentoring__feedback"),
)


class TargetSession(Protocol):
    """An open connection to a target other than DuckDB, for one run."""

    name: str

    def hand_over(self, warehouse: Path) -> dict[str, int]:
        """Replace the target's :data:`HANDED_OVER_SCHEMAS` by the warehouse's; rows per table."""
        ...

    def write_kpis_json(self, path: Path, as_of: date) -> Path:
        """kpis.json from the target's ``main.kpi_summary``, as the DuckDB path writes it."""
        ...

    def copy_back(self, warehouse: Path, relations: list[tuple[str, str]]) -> dict[str, int]:
        """Copy ``relations`` from the target into the warehouse as tables; rows per relation."""
        ...

    def close(self) -> None: ...


def check_target(name: str) -> str:
    """``name`` if it is a known target, else a one-line error listing them."""
    if name not in TARGETS:
        raise InputError(f"--target {name!r}: unknown target (one of {', '.join(TARGETS)})")
    return name


def relations_read_downstream(manifest: Path) -> list[tuple[str, str]]:
    """What the checks and reports read: every relation dbt built in
    :data:`COPIED_BACK_SCHEMAS`, per the build's ``manifest.json``, and
    :data:`READ_OUTSIDE_MAIN`."""
    nodes = json.loads(Path(manifest).read_text(encoding="utf-8"))["nodes"].values()
    built = {
        (node["schema"], node.get("alias") or node["name"])
        for node in nodes
        if node["resource_type"] in {"model", "seed", "snapshot"}
        and node["schema"] in COPIED_BACK_SCHEMAS
        and node.get("config", {}).get("materialized") != "ephemeral"
    }
    return sorted(built | set(READ_OUTSIDE_MAIN))


def open_target(name: str, warehouse: Path) -> TargetSession:
    """Connect to target ``name`` (not duckdb) for a run of ``warehouse`` (the published one).

    A local Spark session keeps its tables and catalogue beside the warehouse
    (``.<warehouse>.spark/``) unless MENTORSHIP_SPARK_* say where.
    """
    if name == "postgres":
        from pipelines.targets.postgres import PostgresSession

        return PostgresSession.open()
    if name == "spark":
        from pipelines.targets.spark import SparkTargetSession

        return SparkTargetSession.open(warehouse.parent / f".{warehouse.name}.spark")
    raise InputError(f"--target {name!r}: not available in this version")

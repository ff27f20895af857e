"""The audit trail in the warehouse, kept across runs.

- ``audit.check_results``: every check of every run (one row per run and check),
  so quality can be shown over time and any published number traced to the
  checks that guarded it.
- ``audit.kpi_sources``: for every run and KPI, the source files that fed it
  (path and SHA-256), so an auditor goes from a published number to its input
  files without the run folder.

The raw schema is replaced by each run; the ``audit`` schema never is.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # GX comes with results; a run creates the audit tables before it needs GX
    from pipelines.quality.results import CheckResult

CHECK_RESULTS_DDL = """
create table if not exists audit.check_results (
    run_id varchar not null,
    as_of date not null,
    stage varchar not null,
    suite varchar not null,
    check_name varchar not null,
    expectation_type varchar not null,
    severity varchar not null,
    success boolean not null,
    observed_value json,
    element_count bigint,
    unexpected_count bigint,
    failing_keys_sample json not null,
    description varchar,
    kwargs json,
    error varchar,
    recorded_at timestamp not null default current_timestamp
)
"""


KPI_SOURCES_DDL = """
create table if not exists audit.kpi_sources (
    run_id varchar not null,
    as_of date not null,
    kpi varchar not null,
    source varchar not null,
    source_file varchar not null,
    sha256 varchar not null,
    rows_accepted bigint not null
)
"""

#: Which files fed each KPI of this run: employees (required by every KPI)
#: plus the sources dbt's KPI catalog says the KPI needs, as loaded.
KPI_SOURCES_QUERY = """
with needs as (
    select distinct kpi, 'employees' as source_name from main.kpi_summary
    union
    select kpi, source_name from main_intermediate.int_kpi_required_sources
)
select needs.kpi, f.source, f.source_file, f.sha256, f.rows_accepted
from needs
join raw.file_loads as f on f.source = needs.source_name
order by needs.kpi, f.source
"""


def ensure_audit_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the audit schema and its tables if missing (never dropped)."""
    con.execute("create schema if not exists audit")
    con.execute(CHECK_RESULTS_DDL)
    con.execute(KPI_SOURCES_DDL)


def store_kpi_sources(
    con: duckdb.DuckDBPyConnection, run_id: str, as_of: date
) -> dict[str, list[dict[str, object]]]:
    """Record which files fed each KPI of the run; return it as {kpi: [file, ...]}."""
    ensure_audit_schema(con)
    rows = con.execute(KPI_SOURCES_QUERY).fetchall()
    con.execute("delete from audit.kpi_sources where run_id = ?", [run_id])
    if rows:
        con.executemany(
            "insert into audit.kpi_sources values (?, ?, ?, ?, ?, ?, ?)",
            [(run_id, as_of, *row) for row in rows],
        )
    lineage: dict[str, list[dict[str, object]]] = {}
    for kpi, source, file, sha256, accepted in rows:
        lineage.setdefault(kpi, []).append(
            {"source": source, "file": file, "sha256": sha256, "rows_accepted": accepted}
        )
    return lineage


def _json(value: object) -> str:
    from pipelines.quality.sql_engine import jsonable

    return json.dumps(jsonable(value), default=str)


def store_results(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    as_of: date,
    stage: str,
    results: list[CheckResult],
) -> None:
    """Record a stage's results; rerunning a stage of a run replaces its rows."""
    ensure_audit_schema(con)
    con.execute("begin transaction")
    try:
        con.execute(
            "delete from audit.check_results where run_id = ? and stage = ?", [run_id, stage]
        )
        if results:
            con.executemany(
                """
                insert into audit.check_results (
                    run_id, as_of, stage, suite, check_name, expectation_type, severity,
                    success, observed_value, element_count, unexpected_count,
                    failing_keys_sample, description, kwargs, error)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    (
                        run_id,
                        as_of,
                        stage,
                        r.suite,
                        r.check,
                        r.expectation_type,
                        r.severity,
                        r.success,
                        _json(r.observed_value),
                        r.element_count,
                        r.unexpected_count,
                        _json(r.sample),
                        r.description,
                        _json(r.kwargs),
                        r.error,
                    )
                    for r in results
                ],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise

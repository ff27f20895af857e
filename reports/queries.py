"""Everything the reports read from the warehouse, and the only module naming tables.

Marts are read as they are: every query here is a plain select that renames
columns for the page, filters (to the run, to the rows at risk) and orders.
Every number a report shows is computed by dbt (``models/marts/``): KPI values
in ``kpi_summary`` and ``kpi_history``, roll-ups in their own marts (per
program type, per department, per month over programs, totals over programs,
coverage states of critical roles, quarantine reasons). The one aggregation
left here is ``check_failures_by_run``: it reads the audit schema, which the
quality stage writes and dbt does not build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import duckdb
import pandas as pd
import yaml  # type: ignore[import-untyped]

from pipelines.contract import SOURCES, SOURCES_BY_NAME
from pipelines.paths import project_dir

#: The schema dbt builds the marts in (the profile's target schema).
MARTS = "main"
#: The demographic attributes KPIs are published per value of (departments
#: are a group attribute too, of the workforce KPIs).
GROUP_ATTRIBUTES = ("gender", "ethnicity")


@dataclass(frozen=True)
class Kpi:
    """One row of ``kpi_summary``: a published KPI exactly as ``kpis.json`` has it."""

    kpi: str
    group_attribute: str | None
    group_value: str | None
    value: float | None
    n: int | None
    suppressed: bool
    unavailable: str | None
    ci_low: float | None
    ci_high: float | None

    @property
    def is_published(self) -> bool:
        """A value to show (neither suppressed nor unavailable)."""
        return self.value is not None and not self.suppressed and not self.unavailable


class KpiTable:
    """The rows of ``kpi_summary``, looked up by (kpi, group attribute, group value)."""

    def __init__(self, rows: list[Kpi]) -> None:
        self.rows = rows
        self._by_key = {(r.kpi, r.group_attribute, r.group_value): r for r in rows}

    def get(self, kpi: str, attribute: str | None = None, value: str | None = None) -> Kpi:
        """One KPI row. A missing row is a transform bug (every KPI is in every run)."""
        try:
            return self._by_key[(kpi, attribute, value)]
        except KeyError:
            group = f" for {attribute}={value}" if attribute else ""
            raise KeyError(f"kpi_summary has no row {kpi}{group}") from None

    def group_rows(self, kpi: str, attribute: str) -> list[Kpi]:
        """The per-group-value rows of a KPI for one attribute, by group value."""
        rows = [
            r
            for r in self.rows
            if r.kpi == kpi and r.group_attribute == attribute and r.group_value is not None
        ]
        return sorted(rows, key=lambda r: r.group_value or "")

    def attributes(self) -> list[str]:
        """Group attributes present (department, ethnicity, gender), in a stable order."""
        return sorted({r.group_attribute for r in self.rows if r.group_attribute})

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self.rows)


def _records(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether a table or view exists (audit tables appear with the quality stage)."""
    row = con.execute(
        "select exists (select 1 from information_schema.tables"
        " where table_schema = ? and table_name = ?)",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


# --------------------------------------------------------------------------- KPIs


def kpi_summary(con: duckdb.DuckDBPyConnection) -> KpiTable:
    """Every row of ``kpi_summary``: the KPIs of ``kpis.json`` for the as-of date."""
    rows = con.execute(
        f"""
        select kpi, group_attribute, group_value, value, n, suppressed, unavailable,
               ci_low, ci_high
        from {MARTS}.kpi_summary
        order by kpi, group_attribute nulls first, group_value nulls first
        """
    ).fetchall()
    return KpiTable(
        [
            Kpi(
                kpi=r[0],
                group_attribute=r[1],
                group_value=r[2],
                value=None if r[3] is None else float(r[3]),
                n=None if r[4] is None else int(r[4]),
                suppressed=bool(r[5]),
                unavailable=r[6],
                ci_low=None if r[7] is None else float(r[7]),
                ci_high=None if r[8] is None else float(r[8]),
            )
            for r in rows
        ]
    )


def kpi_trends(con: duckdb.DuckDBPyConnection, kpis: list[str]) -> pd.DataFrame:
    """The overall (not per group) history of some KPIs: D and the previous month-ends."""
    return _df(
        con,
        f"""
        select as_of_date, kpi, value, n, unavailable, ci_low, ci_high
        from {MARTS}.kpi_history
        where group_attribute is null and kpi in (select unnest(?::varchar[]))
        order by kpi, as_of_date
        """,
        [kpis],
    )


def retention_curves(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Kaplan-Meier retention by participant group and months since the index date."""
    return _df(
        con,
        f"""
        select participant_group, months_since_index_date, n_at_risk, n_events,
               survival_probability
        from {MARTS}.mart_retention_curves
        order by participant_group, months_since_index_date
        """,
    )


def program_type_comparison(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per program type: matches, feedback means by side, reciprocity.

    From ``mart_program_type_summary``: the means and the share follow the
    dictionary's KPI definitions restricted to one program type.
    """
    return _df(
        con,
        f"""
        select program_type, is_suppressed, n_matches, n_active_matches, n_matches_both_sides,
               reciprocity_share, n_mentor_feedback, mentor_learning_avg,
               n_mentee_feedback, mentee_learning_avg
        from {MARTS}.mart_program_type_summary
        order by program_type
        """,
    )


def succession_roles_summary(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Critical roles by coverage state, for the succession chart."""
    row = _records(
        con,
        f"""
        select n_critical_roles as n_roles, n_roles_ready_now as n_ready_now,
               n_roles_later_ready_only as n_later_only, n_roles_uncovered as n_uncovered
        from {MARTS}.mart_succession_coverage_states
        """,
    )[0]
    return {k: int(v) for k, v in row.items()}


# --------------------------------------------------------------------- operations


def match_activity_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Matches started on or before D: total, active, at risk (``mart_match_activity_totals``)."""
    row = _records(
        con,
        f"""
        select n_matches, n_active_matches as n_active, n_at_risk_matches as n_at_risk
        from {MARTS}.mart_match_activity_totals
        """,
    )[0]
    return {k: int(v) for k, v in row.items()}


def matches_at_risk(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Active matches with no held session in the at-risk window, longest silent first."""
    return _df(
        con,
        f"""
        select match_id, program_id, program_type, mentor_id, mentee_id, start_date,
               last_held_session_date, days_since_last_held_session, n_held_sessions_to_date
        from {MARTS}.mart_match_activity
        where is_at_risk
        order by last_held_session_date nulls first, start_date, match_id
        """,
    )


def program_funnel(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per program started on or before D, with its matches at risk."""
    return _df(
        con,
        f"""
        select program_id, program_name, program_type, is_suppressed, n_enrolled, n_matched,
               n_active,
               n_completed, n_withdrawn, n_matches, n_active_matches, n_at_risk_matches,
               start_date, end_date
        from {MARTS}.mart_program_funnel
        order by start_date, program_id
        """,
    )


def funnel_totals(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """The participation funnel over all programs (``mart_program_funnel_totals``).

    Enrollment counts stay None (unknown) when enrollments was not exported.
    """
    row = _records(
        con,
        f"""
        select n_enrolled as enrolled, n_matched as matched, n_active as active,
               n_completed as completed
        from {MARTS}.mart_program_funnel_totals
        """,
    )[0]
    return {k: (None if v is None else int(v)) for k, v in row.items()}


def sources_not_exported(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The contract sources the drop held no file for, in contract order."""
    rows = _records(
        con, f"select source_name from {MARTS}.mart_source_row_counts where not is_exported"
    )
    missing = {r["source_name"] for r in rows}
    return [s.name for s in SOURCES if s.name in missing]


def department_participation(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per department at D: employed, mentees, mentors, participation (small ones withheld)."""
    return _df(
        con,
        f"""
        select department, is_suppressed, n_employed, n_mentees, n_mentors, n_participants,
               participation_rate
        from {MARTS}.mart_department_participation
        order by department
        """,
    )


def sessions_by_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sessions by outcome and feedback by side per month, over all programs."""
    return _df(
        con,
        f"""
        select month_start_date, n_held_sessions as n_held,
               n_cancelled_sessions as n_cancelled, n_no_show_sessions as n_no_show,
               n_mentor_feedback, n_mentee_feedback, mentor_learning_avg, mentee_learning_avg
        from {MARTS}.mart_sessions_monthly_totals
        order by month_start_date
        """,
    )


# ------------------------------------------------------------------- data quality


def raw_run_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The run ids the raw schema's file loads belong to (one for a consistent warehouse)."""
    return [r[0] for r in con.execute("select distinct run_id from raw.file_loads").fetchall()]


def file_loads(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """``raw.file_loads`` of the run, with the rows the warehouse holds for each source.

    The held rows come from ``mart_source_row_counts``; the report sets them
    beside the load log's accepted rows.
    """
    return _df(
        con,
        f"""
        select file_loads.source, file_loads.source_file, file_loads.file_format,
               file_loads.sha256, file_loads.export_date, file_loads.rows_read,
               file_loads.rows_accepted, file_loads.rows_quarantined,
               held.n_rows as rows_in_warehouse, file_loads.ignored_columns,
               file_loads.dropped_personal_columns
        from raw.file_loads as file_loads
        inner join {MARTS}.mart_source_row_counts as held
            on file_loads.source = held.source_name
        where file_loads.run_id = ?
        order by list_position(?::varchar[], file_loads.source)
        """,
        [run_id, [s.name for s in SOURCES]],
    )


def quarantine_reasons(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Quarantined rows of the run by source, column and kind of reason, with an example."""
    # '(whole row)' labels a reason about no single column; ordering by that
    # label keeps those rows first within a row count, as the page lists them.
    return _df(
        con,
        f"""
        select source_name as source, coalesce(column_name, '(whole row)') as column_name,
               reason_kind, n_rows, first_line_number as first_line, example_reason
        from {MARTS}.mart_quarantine_reasons
        where run_id = ?
        order by source, n_rows desc, column_name, reason_kind
        """,
        [run_id],
    )


def _key_columns(source: str) -> list[str]:
    """The id columns that identify a row of a source (its key, else its id columns)."""
    spec = SOURCES_BY_NAME.get(source)
    if spec is None:
        return []
    ids = [c.name for c in spec.columns if c.type == "id" and c.name in spec.key]
    return ids or [c.name for c in spec.columns if c.type == "id"][:2]


def quarantine_samples(
    con: duckdb.DuckDBPyConnection, run_id: str, per_reason: int = 5
) -> pd.DataFrame:
    """A few quarantined rows per (source, kind of reason): file line and ids only.

    ``original_values`` also holds dates and demographic values; only the id
    columns of the source's key are shown, so an auditor can find the row in
    the export without the report carrying anyone's attributes.
    """
    rows = _records(
        con,
        f"""
        select source_name as source, source_file, line_number, reason, original_values
        from {MARTS}.mart_quarantine_rows
        where run_id = ? and rank_in_reason_kind <= ?
        order by source_name, line_number, column_name nulls first, reason
        """,
        [run_id, per_reason],
    )
    out = []
    for row in rows:
        values = json.loads(row["original_values"]) if row["original_values"] else {}
        ids = {k: values.get(k) for k in _key_columns(row["source"]) if values.get(k)}
        out.append(
            {
                "source": row["source"],
                "source_file": row["source_file"],
                "line_number": row["line_number"],
                "reason": row["reason"],
                "ids": ", ".join(f"{k}={v}" for k, v in ids.items()),
            }
        )
    return pd.DataFrame(out, columns=["source", "source_file", "line_number", "reason", "ids"])


def check_history(con: duckdb.DuckDBPyConnection, last_runs: int = 30) -> pd.DataFrame:
    """Every check's outcome in the last runs recorded in ``audit.check_results``."""
    if not table_exists(con, "audit", "check_results"):
        return pd.DataFrame(columns=["run_id", "suite", "check", "severity", "success"])
    return _df(
        con,
        """
        with runs as (
            select distinct run_id from audit.check_results order by run_id desc limit ?
        )
        select run_id, suite, check_name as "check", severity, success
        from audit.check_results
        where run_id in (select run_id from runs)
        order by suite, check_name, run_id
        """,
        [last_runs],
    )


def check_failures_by_run(con: duckdb.DuckDBPyConnection, last_runs: int = 30) -> pd.DataFrame:
    """Per run (oldest first): checks run and failed, by severity.

    The only aggregation in the reports package: ``audit.check_results`` is
    written by the quality stage, after dbt has run, and dbt does not build
    the audit schema, so no mart can hold this roll-up.
    """
    if not table_exists(con, "audit", "check_results"):
        return pd.DataFrame(columns=["run_id", "n_checks", "n_failed_critical", "n_failed_warning"])
    return _df(
        con,
        """
        with runs as (
            select distinct run_id from audit.check_results order by run_id desc limit ?
        )
        select
            run_id,
            count(*) as n_checks,
            count(*) filter (where not success and severity = 'critical') as n_failed_critical,
            count(*) filter (where not success and severity <> 'critical') as n_failed_warning
        from audit.check_results
        where run_id in (select run_id from runs)
        group by run_id
        order by run_id
        """,
        [last_runs],
    )


def dbt_var(name: str) -> Any:
    """A var of the dbt project (``dbt_project.yml``), e.g. ``at_risk_days``.

    Read from the project file so that the words a report prints ("no held
    session in 45 days") follow the number the models were built with.
    """
    return _dbt_vars()[name]


@cache
def _dbt_vars() -> dict[str, Any]:
    with (project_dir() / "dbt_project.yml").open() as fh:
        return dict(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["vars"])


def as_of_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The as-of date the marts were built for (the latest in ``kpi_history``)."""
    row = con.execute(
        f"select as_of_date from {MARTS}.kpi_history order by as_of_date desc limit 1"
    ).fetchone()
    return row[0] if row else None

"""Everything the reports read from the warehouse, and the only module naming tables.

Marts are read as they are. KPI values are never computed here: they come
from ``kpi_summary`` and ``kpi_history`` only. Where a report needs a roll-up
that no mart holds yet, the query is a plain ``group by`` over marts, marked
"(A roll-up.)" in its docstring so that it can move into dbt: per program type
(``program_type_comparison``), per department (``department_participation``),
per month over programs (``sessions_by_month``), funnel totals and at-risk
counts per program, coverage states of critical roles, match activity counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml  # type: ignore[import-untyped]

from pipelines.contract import SOURCES, SOURCES_BY_NAME

#: The repository root (where ``dbt_project.yml`` lives).
PROJECT_DIR = Path(__file__).resolve().parent.parent

#: The schema dbt builds the marts in (the profile's target schema).
MARTS = "main"


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
        """Group attributes present (gender, ethnicity), in a stable order."""
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
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
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
    """Per program type: matches, feedback means by side, reciprocity. (A roll-up.)

    The means follow the dictionary's KPI definitions restricted to one program
    type: learning is the mean over feedback rows of one side; reciprocity the
    share of matches with feedback from both sides where both means are >= 4.
    """
    return _df(
        con,
        f"""
        with matches as (
            select match_id, program_type, is_active, is_reciprocal
            from {MARTS}.fct_matches
        ),
        feedback as (
            select matches.program_type, feedback.respondent_role, feedback.learning
            from {MARTS}.fct_feedback as feedback
            inner join matches on feedback.match_id = matches.match_id
        ),
        by_match as (
            select
                program_type,
                count(*) as n_matches,
                count(*) filter (where is_active) as n_active_matches,
                count(is_reciprocal) as n_matches_both_sides,
                avg(case when is_reciprocal then 1.0 else 0.0 end)
                    filter (where is_reciprocal is not null) as reciprocity_share
            from matches
            group by program_type
        ),
        by_feedback as (
            select
                program_type,
                count(*) filter (where respondent_role = 'mentor') as n_mentor_feedback,
                avg(learning::double) filter (where respondent_role = 'mentor')
                    as mentor_learning_avg,
                count(*) filter (where respondent_role = 'mentee') as n_mentee_feedback,
                avg(learning::double) filter (where respondent_role = 'mentee')
                    as mentee_learning_avg
            from feedback
            group by program_type
        )
        select
            by_match.program_type,
            by_match.n_matches,
            by_match.n_active_matches,
            by_match.n_matches_both_sides,
            by_match.reciprocity_share,
            coalesce(by_feedback.n_mentor_feedback, 0) as n_mentor_feedback,
            by_feedback.mentor_learning_avg,
            coalesce(by_feedback.n_mentee_feedback, 0) as n_mentee_feedback,
            by_feedback.mentee_learning_avg
        from by_match
        left join by_feedback on by_match.program_type = by_feedback.program_type
        order by by_match.program_type
        """,
    )


def succession_roles_summary(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of critical roles by coverage state, for the succession chart. (A roll-up.)"""
    row = _records(
        con,
        f"""
        select
            count(*) as n_roles,
            count(*) filter (where has_ready_now_successor_employed) as n_ready_now,
            count(*) filter (where has_successor_employed and not has_ready_now_successor_employed)
                as n_later_only,
            count(*) filter (where not has_successor_employed) as n_uncovered
        from {MARTS}.mart_succession_coverage
        """,
    )[0]
    return {k: int(v or 0) for k, v in row.items()}


# --------------------------------------------------------------------- operations


def match_activity_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Matches started on or before D: total, active, at risk. (A roll-up.)"""
    row = _records(
        con,
        f"""
        select count(*) as n_matches,
               count(*) filter (where is_active) as n_active,
               count(*) filter (where is_at_risk) as n_at_risk
        from {MARTS}.mart_match_activity
        """,
    )[0]
    return {k: int(v or 0) for k, v in row.items()}


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
    """One row per program started on or before D, with its matches at risk (a roll-up)."""
    return _df(
        con,
        f"""
        with at_risk as (
            select program_id, count(*) filter (where is_at_risk) as n_at_risk_matches
            from {MARTS}.mart_match_activity
            group by program_id
        )
        select funnel.program_id, funnel.program_name, funnel.program_type,
               funnel.n_enrolled, funnel.n_matched, funnel.n_active, funnel.n_completed,
               funnel.n_withdrawn, funnel.n_matches, funnel.n_active_matches,
               coalesce(at_risk.n_at_risk_matches, 0) as n_at_risk_matches,
               funnel.start_date, funnel.end_date
        from {MARTS}.mart_program_funnel as funnel
        left join at_risk on funnel.program_id = at_risk.program_id
        order by funnel.start_date, funnel.program_id
        """,
    )


def funnel_totals(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """The participation funnel over all programs. (A roll-up of mart_program_funnel.)

    Enrollment counts stay None (unknown) when enrollments was not exported.
    """
    row = _records(
        con,
        f"""
        select
            case when count(n_enrolled) > 0 then sum(n_enrolled) end as enrolled,
            sum(n_matched) as matched,
            sum(n_active) as active,
            case when count(n_completed) > 0 then sum(n_completed) end as completed
        from {MARTS}.mart_program_funnel
        """,
    )[0]
    return {k: (None if v is None else int(v)) for k, v in row.items()}


def department_participation(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per current department: employed, mentees, mentors, participation. (A roll-up.)"""
    return _df(
        con,
        f"""
        select
            department,
            count(*) as n_employed,
            count(*) filter (where is_mentee) as n_mentees,
            count(*) filter (where is_mentor) as n_mentors,
            count(*) filter (where is_mentee or is_mentor) as n_participants,
            count(*) filter (where is_mentee or is_mentor) / count(*) as participation_rate
        from {MARTS}.dim_employees
        where is_employed_on_as_of_date
        group by department
        order by department
        """,
    )


def sessions_by_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Sessions by outcome and feedback by side per month, over all programs. (A roll-up.)

    Monthly learning means are recombined from the per-program means weighted
    by their feedback counts, which gives the exact mean over all rows.
    """
    return _df(
        con,
        f"""
        select
            month_start_date,
            sum(n_held_sessions) as n_held,
            sum(n_cancelled_sessions) as n_cancelled,
            sum(n_no_show_sessions) as n_no_show,
            sum(n_mentor_feedback) as n_mentor_feedback,
            sum(n_mentee_feedback) as n_mentee_feedback,
            sum(mentor_learning_avg * n_mentor_feedback) / nullif(sum(n_mentor_feedback), 0)
                as mentor_learning_avg,
            sum(mentee_learning_avg * n_mentee_feedback) / nullif(sum(n_mentee_feedback), 0)
                as mentee_learning_avg
        from {MARTS}.mart_sessions_monthly
        group by month_start_date
        order by month_start_date
        """,
    )


# ------------------------------------------------------------------- data quality


def raw_run_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The run ids the raw schema's file loads belong to (one for a consistent warehouse)."""
    return [r[0] for r in con.execute("select distinct run_id from raw.file_loads").fetchall()]


def file_loads(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """``raw.file_loads`` of the run, with the rows each raw table actually holds."""
    counts = " union all ".join(
        f"select '{s.name}' as source, count(*) as n from raw.{s.name}" for s in SOURCES
    )
    return _df(
        con,
        f"""
        with held as ({counts})
        select file_loads.source, file_loads.source_file, file_loads.file_format,
               file_loads.sha256, file_loads.export_date, file_loads.rows_read,
               file_loads.rows_accepted, file_loads.rows_quarantined,
               held.n as rows_in_warehouse, file_loads.ignored_columns,
               file_loads.dropped_personal_columns
        from raw.file_loads as file_loads
        inner join held on file_loads.source = held.source
        where file_loads.run_id = ?
        order by list_position(?::varchar[], file_loads.source)
        """,
        [run_id, [s.name for s in SOURCES]],
    )


#: The loader's reasons name the offending value ("unknown employee_id 'E0005002'",
#: "first row at line 294 kept"); grouping on the reason with those values
#: blanked out counts one kind of problem once instead of once per value.
_REASON_KIND_SQL = """
regexp_replace(
    regexp_replace(
        regexp_replace(reason, '''[^'']*''', '''…''', 'g'),
        'line [0-9]+', 'line …', 'g'),
    '^value [^ ]+ outside', 'value … outside')
"""


def quarantine_reasons(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Quarantined rows of the run by source, column and kind of reason, with an example."""
    return _df(
        con,
        f"""
        select source, coalesce(column_name, '(whole row)') as column_name,
               {_REASON_KIND_SQL} as reason_kind,
               count(*) as n_rows,
               min(line_number) as first_line,
               arg_min(reason, line_number) as example_reason
        from raw.quarantine
        where run_id = ?
        group by all
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
    """A few quarantined rows per (source, reason): file line and ids only.

    ``original_values`` also holds dates and demographic values; only the id
    columns of the source's key are shown, so an auditor can find the row in
    the export without the report carrying anyone's attributes.
    """
    rows = _records(
        con,
        f"""
        select source, source_file, line_number, reason, original_values
        from raw.quarantine
        where run_id = ?
        qualify row_number() over (
            partition by source, {_REASON_KIND_SQL} order by line_number
        ) <= ?
        order by source, line_number
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
    """Per run (oldest first): checks run and failed, by severity. (A roll-up.)"""
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
    with (PROJECT_DIR / "dbt_project.yml").open() as fh:
        return yaml.safe_load(fh)["vars"][name]


def as_of_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The as-of date the marts were built for (the latest in ``kpi_history``)."""
    row = con.execute(f"select max(as_of_date) from {MARTS}.kpi_history").fetchone()
    return row[0] if row else None

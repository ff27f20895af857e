"""Generate the contract and KPI suites of ``expectations/`` (from ``pipelines/contract.py``
and the KPI dictionary in ``kpi_suites.py``).

    python -m pipelines.quality.generate_suites          # write the files
    python -m pipelines.quality.generate_suites --check  # exit 1 if they drifted

The files are committed and reviewed like code; ``tests/test_quality_suites.py``
fails when they no longer match the contract, so a contract change cannot
forget its checks. The raw tables hold only accepted rows, so these rules pass
by construction: they guard the loader (a regression that lets a bad row
through fails the night instead of reaching a KPI).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipelines.contract import CROSS_RULES, LINEAGE_COLUMNS, SOURCES, Reference, Source
from pipelines.quality.kpi_suites import kpi_history_suite, kpi_summary_suite, published_kpis_suite
from pipelines.quality.suites import EXPECTATIONS_DIR

GENERATED_BY = "python -m pipelines.quality.generate_suites (from pipelines/contract.py)"

#: Dates recording something that has already happened at export time. A
#: later date is suspicious (a clock or day/month mix-up) but the contract
#: does not make it a bad row and the KPIs count only rows dated <= D, so it
#: cannot move a published number: a warning. Dates that may be planned
#: (termination with notice, scheduled job changes, program and match
#: start/end) are not checked.
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "employees": ("hire_date",),
    "performance_reviews": ("review_date",),
    "engagement_surveys": ("survey_date",),
    "succession_plans": ("plan_date",),
    "enrollments": ("enrolled_date",),
    "sessions": ("session_date",),
    "feedback": ("submitted_date",),
}

#: Where dbt's staging models live (dbt's default schema naming: target
#: ``main`` + custom schema ``staging``) and how they are named.
STAGING_SCHEMA = "main_staging"


def staging_model(source: Source) -> str:
    """The staging model of a source, e.g. ``stg_hr__employees``."""
    return f"stg_{source.system}__{source.name}"


def _expectation(
    type_: str,
    kwargs: dict[str, Any],
    description: str,
    severity: str = "critical",
    check: str | None = None,
) -> dict[str, Any]:
    return {
        "type": type_,
        "kwargs": kwargs,
        "severity": severity,
        "description": description,
        "meta": {"check": check} if check else {},
    }


def _sample_columns(source: Source) -> list[str]:
    """Line number first (failing rows sort in file order), then the row's identity."""
    identity = source.key or tuple(c.name for c in source.columns if c.type == "id" and c.required)
    return ["_line_number", *identity]


def _select_sample(source: Source, *extra: str, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    cols = list(dict.fromkeys([*_sample_columns(source), *extra]))
    return ", ".join(f"{prefix}{c}" for c in cols)


def _batch_as(alias: str) -> str:
    """The suite's batch under a table alias, as ``(select * from {batch}) as <alias>``.

    GX's SQL route substitutes ``{batch}`` with a table name, ``(<select>)`` or
    ``(<select>) AS subselect`` depending on the batch and on whether the query
    has a JOIN, so ``{batch} as r`` is invalid SQL in some of those forms; the
    wrapped form is valid in all of them (and in ``sql_engine.py``).
    """
    return f"(select * from {{batch}}) as {alias}"


def _reference(source: Source, ref: Reference) -> dict[str, Any]:
    query = (
        f"select {_select_sample(source, ref.column, alias='r')} from {_batch_as('r')} "
        f"where r.{ref.column} is not null and r.{ref.column} not in ("
        f"select t.{ref.target_column} from raw.{ref.source} as t "
        f"where t.{ref.target_column} is not null)"
    )
    if ref.quarantine:
        return _expectation(
            "unexpected_rows_expectation",
            {"unexpected_rows_query": query},
            f"contract: {ref.column} is the {ref.target_column} of an accepted {ref.source} row "
            "(an unknown one is quarantined)",
            check=f"{ref.column} references {ref.source}.{ref.target_column}",
        )
    return _expectation(
        "unexpected_rows_expectation",
        {"unexpected_rows_query": query},
        f"contract: an unknown {ref.column} is kept (someone outside the export) and counted "
        "as a warning",
        severity="warning",
        check=f"{ref.column} references {ref.source}.{ref.target_column}",
    )


def source_suite(source: Source) -> dict[str, Any]:
    """The contract of one source as a GX ExpectationSuite (JSON form)."""
    exps: list[dict[str, Any]] = [
        _expectation(
            "expect_table_columns_to_match_set",
            {
                "column_set": [c.name for c in source.stored_columns] + list(LINEAGE_COLUMNS),
                "exact_match": True,
            },
            "the raw table holds exactly the contract's columns (personal data dropped) "
            "and the lineage columns",
        )
    ]
    if source.required_source:
        exps.append(
            _expectation(
                "expect_table_row_count_to_be_between",
                {"min_value": 1, "max_value": None},
                f"{source.name} is required in every drop: an export without a single accepted "
                "row is a broken export",
            )
        )
    for col in source.stored_columns:
        if col.required:
            exps.append(
                _expectation(
                    "expect_column_values_to_not_be_null",
                    {"column": col.name},
                    f"contract: {col.name} has a value in every row",
                )
            )
    if len(source.key) == 1:
        exps.append(
            _expectation(
                "expect_column_values_to_be_unique",
                {"column": source.key[0]},
                f"contract: {source.key[0]} is unique (the first row in file order is kept)",
            )
        )
    elif source.key:
        exps.append(
            _expectation(
                "expect_compound_columns_to_be_unique",
                {"column_list": list(source.key), "ignore_row_if": "never"},
                f"contract: the key ({', '.join(source.key)}) is unique, empty values included",
            )
        )
    for col in source.stored_columns:
        if col.type == "enum":
            exps.append(
                _expectation(
                    "expect_column_values_to_be_in_set",
                    {"column": col.name, "value_set": list(col.values)},
                    f"contract: {col.name} is one of {', '.join(col.values)}",
                )
            )
        if col.min is not None or col.max is not None:
            exps.append(
                _expectation(
                    "expect_column_values_to_be_between",
                    {"column": col.name, "min_value": col.min, "max_value": col.max},
                    f"contract: {col.name} is within {col.min:g}..{col.max:g}",
                )
            )
    for column, condition, reason in source.row_rules:
        query = (
            f"select {_select_sample(source, column)} from {{batch}} "
            f"where not coalesce({condition}, true)"
        )
        exps.append(
            _expectation(
                "unexpected_rows_expectation",
                {"unexpected_rows_query": query},
                f"contract row rule: {condition} (else: {reason})",
                check=condition,
            )
        )
    exps += [_reference(source, ref) for ref in source.references]
    for name, column, target, condition, reason in CROSS_RULES:
        if name != source.name:
            continue
        ref = next(r for r in source.references if r.source == target)
        query = (
            f"select {_select_sample(source, column, alias='r')} from {_batch_as('r')} "
            f"join raw.{target} as t on t.{ref.target_column} = r.{ref.column} "
            f"where not coalesce({condition}, true)"
        )
        exps.append(
            _expectation(
                "unexpected_rows_expectation",
                {"unexpected_rows_query": query},
                f"contract: {condition} (else: {reason})",
                check=condition,
            )
        )
    for column in EVENT_DATES.get(source.name, ()):
        exps.append(
            _expectation(
                "expect_column_pair_values_a_to_be_greater_than_b",
                {
                    "column_A": "_export_date",
                    "column_B": column,
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
                f"{column} is not after the export date (a later date suggests a clock or "
                "date-format problem; KPIs ignore rows dated after the as-of date)",
                severity="warning",
                check=f"{column} not after the export date",
            )
        )
    for column in LINEAGE_COLUMNS:
        exps.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                {"column": column},
                f"lineage: every row records {column} (the audit trail back to the file)",
            )
        )
    exps.append(
        _expectation(
            "expect_compound_columns_to_be_unique",
            {"column_list": ["_source_file", "_line_number"], "ignore_row_if": "never"},
            "lineage: each line of a file is loaded at most once",
        )
    )
    return {
        "name": f"raw.{source.name}",
        "meta": {
            "table": f"raw.{source.name}",
            "sample_columns": _sample_columns(source),
            "description": f"The export contract of {source.name} on its accepted rows.",
            "generated_by": GENERATED_BY,
        },
        "expectations": exps,
    }


def _per_source_union(select: str) -> str:
    """``select`` (with ``{name}``) for every source, unioned."""
    return " union all ".join(select.format(name=s.name) for s in SOURCES)


def file_loads_suite() -> dict[str, Any]:
    """Load reconciliation: rows read = accepted + quarantined, for every file."""
    actual = _per_source_union(
        "select '{name}' as source, (select count(*) from raw.{name}) as accepted, "
        "(select count(*) from raw.quarantine as q where q.source = '{name}') as quarantined"
    )
    lineage = _per_source_union(
        "select '{name}' as source, _file_sha256 as sha256, count(*) as rows "
        "from raw.{name} group by all"
    )
    exps = [
        _expectation(
            "expect_column_values_to_be_unique",
            {"column": "source"},
            "one file per source in a drop",
        ),
        _expectation(
            "expect_column_values_to_be_in_set",
            {"column": "source", "value_set": [s.name for s in SOURCES]},
            "every loaded file is a contract source",
        ),
        _expectation(
            "expect_column_distinct_values_to_contain_set",
            {"column": "source", "value_set": [s.name for s in SOURCES if s.required_source]},
            "the required sources were loaded",
            check="required sources loaded",
        ),
        _expectation(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": "select source, rows_read, rows_accepted, "
                "rows_quarantined from {batch} "
                "where rows_read <> rows_accepted + rows_quarantined"
            },
            "reconciliation: for every source file, rows read = rows accepted + rows quarantined",
            check="rows read = accepted + quarantined",
        ),
        _expectation(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select a.source, f.rows_accepted, a.accepted as "
                f"rows_in_raw_table from ({actual}) as a left join {_batch_as('f')} "
                f"on f.source = a.source where coalesce(f.rows_accepted, 0) <> a.accepted"
            },
            "reconciliation: every source's accepted count is the row count of its raw table "
            "(and a source not exported has an empty table)",
            check="accepted rows = raw table rows",
        ),
        _expectation(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select a.source, f.rows_quarantined, a.quarantined as "
                f"rows_in_quarantine from ({actual}) as a left join {_batch_as('f')} "
                f"on f.source = a.source where coalesce(f.rows_quarantined, 0) <> a.quarantined"
            },
            "reconciliation: every source's quarantined count is its number of rows in "
            "raw.quarantine",
            check="quarantined rows = raw.quarantine rows",
        ),
        _expectation(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": f"select l.source, l.sha256, l.rows from ({lineage}) "
                f"as l left join {_batch_as('f')} on f.source = l.source "
                f"where f.sha256 is distinct from l.sha256"
            },
            "lineage: every raw row carries the SHA-256 of the file recorded for its source",
            check="raw rows carry their file's sha256",
        ),
    ]
    return {
        "name": "raw.file_loads",
        "meta": {
            "table": "raw.file_loads",
            "sample_columns": ["source"],
            "description": "Load reconciliation: every row read is accepted or quarantined, "
            "and the raw tables hold exactly the accepted rows of the recorded files.",
            "generated_by": GENERATED_BY,
        },
        "expectations": exps,
    }


def quarantine_suite() -> dict[str, Any]:
    """The quarantine records what an auditor needs to find each set-aside row."""
    exps = [
        _expectation(
            "expect_column_values_to_not_be_null",
            {"column": column},
            f"every quarantined row records its {column}",
        )
        for column in ("source", "source_file", "line_number", "reason", "original_values")
    ]
    exps.append(
        _expectation(
            "expect_compound_columns_to_be_unique",
            {"column_list": ["source_file", "line_number"], "ignore_row_if": "never"},
            "a row is set aside once, with its first failure",
        )
    )
    return {
        "name": "raw.quarantine",
        "meta": {
            "table": "raw.quarantine",
            "sample_columns": ["source", "line_number"],
            "description": "Set-aside rows: each with its file, line and reason.",
            "generated_by": GENERATED_BY,
        },
        "expectations": exps,
    }


def staging_reconciliation_suite() -> dict[str, Any]:
    """After dbt: the accepted rows of every source reach its staging model."""
    staged = " union all ".join(
        f"select '{s.name}' as source, (select count(*) from {STAGING_SCHEMA}.{staging_model(s)}) "
        "as staged"
        for s in SOURCES
    )
    query = (
        f"select f.source, f.rows_accepted, s.staged as rows_in_staging from {_batch_as('f')} "
        f"join ({staged}) as s on s.source = f.source where f.rows_accepted <> s.staged"
    )
    return {
        "name": "reconciliation.staging",
        "meta": {
            "table": "raw.file_loads",
            "sample_columns": ["source"],
            "description": "Every accepted row reaches dbt's staging model of its source.",
            "generated_by": GENERATED_BY,
        },
        "expectations": [
            _expectation(
                "unexpected_rows_expectation",
                {"unexpected_rows_query": query},
                "reconciliation: rows accepted = rows in the source's staging model",
                check="accepted rows reach staging",
            )
        ],
    }


def generated_files() -> dict[Path, dict[str, Any]]:
    """Every generated suite file and its content."""
    files = {EXPECTATIONS_DIR / "sources" / f"{s.name}.json": source_suite(s) for s in SOURCES}
    files[EXPECTATIONS_DIR / "sources" / "file_loads.json"] = file_loads_suite()
    files[EXPECTATIONS_DIR / "sources" / "quarantine.json"] = quarantine_suite()
    marts = EXPECTATIONS_DIR / "marts"
    files[marts / "staging_reconciliation.json"] = staging_reconciliation_suite()
    files[marts / "kpi_summary.json"] = kpi_summary_suite()
    files[marts / "kpi_history.json"] = kpi_history_suite()
    files[marts / "kpis_json.json"] = published_kpis_suite()
    return files


def render(content: dict[str, Any]) -> str:
    """The exact text of a suite file (stable: reviewed as diffs)."""
    return json.dumps(content, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the generated suites, or with ``--check`` report the ones that drifted."""
    parser = argparse.ArgumentParser(
        description="Generate the suites of expectations/ from the contract and the KPI dictionary."
    )
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on drift")
    args = parser.parse_args(argv)
    drifted = []
    for path, content in generated_files().items():
        text = render(content)
        if path.exists() and path.read_text() == text:
            continue
        drifted.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for path in drifted:
        verb = "differs from the contract" if args.check else "written"
        print(f"{path.relative_to(EXPECTATIONS_DIR.parent)}: {verb}")
    return 1 if (args.check and drifted) else 0


if __name__ == "__main__":
    sys.exit(main())

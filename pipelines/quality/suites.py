"""Expectation suites: GX ExpectationSuite JSON files under ``expectations/``.

A suite checks one warehouse relation (its *batch*, ``meta.table``). Files in
``expectations/sources/`` run after ingestion, files in ``expectations/marts/``
after dbt. Each expectation carries GX's own ``severity`` (``critical`` or
``warning``) and ``description`` fields; ``meta.check`` may name the check
(otherwise :func:`check_name` derives a name from the expectation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipelines.paths import expectations_dir
from pipelines.quality.expectation import Expectation

EXPECTATIONS_DIR = expectations_dir()

Stage = Literal["sources", "marts"]
STAGES: tuple[Stage, ...] = ("sources", "marts")
SEVERITIES = ("critical", "warning")

#: The expectation types the SQL engine evaluates (``sql_engine.py``). A suite
#: using another type fails to load, so a typo never silently skips a check.
SUPPORTED_TYPES: frozenset[str] = frozenset(
    {
        "expect_table_row_count_to_be_between",
        "expect_table_columns_to_match_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_distinct_values_to_contain_set",
        "unexpected_rows_expectation",
    }
)


@dataclass(frozen=True)
class Suite:
    """One expectation suite bound to the relation it checks."""

    name: str
    table: str
    expectations: tuple[Expectation, ...]
    #: Columns identifying a failing row in the stored sample (e.g. the file
    #: line number and the key), first column first in the sort order.
    sample_columns: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


def suite_dir(stage: Stage) -> Path:
    """The folder holding a stage's suite files."""
    return EXPECTATIONS_DIR / stage


def suite_from_dict(data: dict[str, Any]) -> Suite:
    """Build a :class:`Suite` from the JSON form of a GX ExpectationSuite."""
    meta = dict(data.get("meta") or {})
    if "table" not in meta:
        raise ValueError(
            f"suite {data.get('name')!r}: meta.table (the relation checked) is missing"
        )
    configs = []
    for raw in data["expectations"]:
        if raw["type"] not in SUPPORTED_TYPES:
            raise ValueError(
                f"suite {data['name']!r}: unsupported expectation type {raw['type']!r}"
            )
        severity = raw.get("severity", "critical")
        if severity not in SEVERITIES:
            raise ValueError(
                f"suite {data['name']!r}: severity {severity!r} is not one of {SEVERITIES}"
            )
        configs.append(
            Expectation(
                type=raw["type"],
                kwargs=raw["kwargs"],
                meta=raw.get("meta") or {},
                description=raw.get("description"),
                severity=str(severity),
            )
        )
    suite = Suite(
        name=data["name"],
        table=meta["table"],
        expectations=tuple(configs),
        sample_columns=tuple(meta.get("sample_columns", ())),
        meta=meta,
    )
    names = [check_name(c) for c in suite.expectations]
    if duplicates := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"suite {suite.name!r}: check names repeat: {duplicates}")
    return suite


def load_suite(path: Path) -> Suite:
    """Read one suite file."""
    return suite_from_dict(json.loads(path.read_text()))


def load_suites(stage: Stage) -> list[Suite]:
    """Every suite of a stage, in file-name order (stable results order)."""
    return [load_suite(p) for p in sorted(suite_dir(stage).glob("*.json"))]


def suite_to_dict(suite: Suite) -> dict[str, Any]:
    """The JSON form written to ``expectations/`` (GX ExpectationSuite layout)."""
    return {
        "name": suite.name,
        "meta": {**suite.meta, "table": suite.table, "sample_columns": list(suite.sample_columns)},
        "expectations": [
            {
                "type": c.type,
                "kwargs": c.kwargs,
                "severity": severity_of(c),
                "description": c.description,
                "meta": c.meta,
            }
            for c in suite.expectations
        ],
    }


def severity_of(config: Expectation) -> str:
    """``critical`` or ``warning`` (GX's FailureSeverity value)."""
    return str(config.severity)


def _columns(kwargs: dict[str, Any]) -> str:
    return ", ".join(kwargs["column_list"])


def _fmt(value: Any) -> str:
    """1.0 -> 1, dates and strings as they are."""
    return (
        f"{value:g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def _bounds(kwargs: dict[str, Any]) -> str:
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if lo is not None and hi is not None:
        return f"between {_fmt(lo)} and {_fmt(hi)}"
    if lo is not None:
        return f"at least {_fmt(lo)}"
    return f"at most {_fmt(hi)}"


def check_name(config: Expectation) -> str:
    """A short, stable name for a check, unique within its suite.

    ``meta.check`` wins; otherwise the name reads like the rule, e.g.
    ``employee_id unique`` or ``job_level between 1 and 15``.
    """
    if named := config.meta.get("check"):
        return str(named)
    kw = config.kwargs
    match config.type:
        case "expect_table_row_count_to_be_between":
            return f"row count {_bounds(kw)}"
        case "expect_table_columns_to_match_set":
            return "columns match the contract"
        case "expect_column_values_to_not_be_null":
            return f"{kw['column']} not null"
        case "expect_column_values_to_be_unique":
            return f"{kw['column']} unique"
        case "expect_compound_columns_to_be_unique":
            return f"({_columns(kw)}) unique"
        case "expect_column_values_to_be_in_set":
            return f"{kw['column']} in set"
        case "expect_column_values_to_be_between":
            return f"{kw['column']} {_bounds(kw)}"
        case "expect_column_pair_values_a_to_be_greater_than_b":
            op = ">=" if kw.get("or_equal") else ">"
            return f"{kw['column_A']} {op} {kw['column_B']}"
        case "expect_column_distinct_values_to_contain_set":
            return f"{kw['column']} contains every expected value"
    raise ValueError(f"{config.type}: give the check a name in meta.check")

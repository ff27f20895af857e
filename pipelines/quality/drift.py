"""Volume and drift checks against the previous published run.

The baseline is what leadership last saw: the run folder the publication
``<out>`` points at (its ``manifest.json``, ``kpis.json`` and
``quality/results.json``). Tonight's and the baseline's numbers are put side
by side in small temporary tables, and the checks are ordinary expectation
suites over them (thresholds and severities from ``expectations/checks.yml``),
evaluated and rendered like every other suite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.publish import published_run_dir
from pipelines.quality.config import DriftConfig
from pipelines.quality.suites import Suite, suite_from_dict


@dataclass(frozen=True)
class Baseline:
    """The numbers of the previous published run."""

    run_id: str
    as_of: str
    run_dir: Path
    #: Rows read per exported source (manifest ``sources``).
    rows_read: dict[str, int]
    #: The KPI entries of its kpis.json.
    kpis: list[dict[str, Any]]
    #: Employees employed on its as-of date (its quality metrics), if recorded.
    headcount: int | None


def load_baseline(out: Path) -> Baseline | None:
    """The previous publication's numbers, or None when nothing is published yet."""
    run_dir = published_run_dir(out)
    if run_dir is None or not (run_dir / "manifest.json").exists():
        return None
    manifest = json.loads((run_dir / "manifest.json").read_text())
    kpis_file = run_dir / "kpis.json"
    kpis = json.loads(kpis_file.read_text()).get("kpis", []) if kpis_file.exists() else []
    results_file = run_dir / "quality" / "results.json"
    metrics = (
        json.loads(results_file.read_text()).get("metrics", {}) if results_file.exists() else {}
    )
    return Baseline(
        run_id=str(manifest.get("run_id")),
        as_of=str(manifest.get("as_of")),
        run_dir=run_dir,
        rows_read={s["source"]: int(s["rows_read"]) for s in manifest.get("sources", [])},
        kpis=kpis,
        headcount=metrics.get("headcount"),
    )


#: Every connection-local table a suite checks is named so (their suites run
#: in the connection that made them, pipelines/stages/quality_gate.py).
TEMP_TABLE_PREFIX = "quality_"


def temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: str, rows: list[tuple]) -> None:
    """(Re)create a connection-local table of Python values for a suite to check."""
    if not name.startswith(TEMP_TABLE_PREFIX):
        raise ValueError(f"{name}: a suite's local table is named {TEMP_TABLE_PREFIX}*")
    con.execute(f"create or replace temp table {name} ({columns})")
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"insert into {name} values ({marks})", rows)


def _suite(name: str, table: str, sample: list[str], description: str, exp: dict) -> Suite:
    return suite_from_dict(
        {
            "name": name,
            "meta": {"table": table, "sample_columns": sample, "description": description},
            "expectations": [exp],
        }
    )


def _against(baseline: Baseline) -> str:
    return f"the previous published run ({baseline.run_id}, as of {baseline.as_of})"


def source_drift_suites(
    con: duckdb.DuckDBPyConnection,
    rows_read: dict[str, int],
    baseline: Baseline,
    config: DriftConfig,
) -> list[Suite]:
    """Row-count moves and sources missing from tonight's drop."""
    temp_table(
        con,
        "quality_source_volume",
        "source varchar, previous_rows_read bigint, rows_read bigint, change_share double",
        [
            (s, prev, rows_read[s], (rows_read[s] - prev) / max(prev, 1))
            for s, prev in sorted(baseline.rows_read.items())
            if s in rows_read
        ],
    )
    temp_table(
        con,
        "quality_source_presence",
        "source varchar, previous_rows_read bigint, exported boolean",
        [(s, prev, s in rows_read) for s, prev in sorted(baseline.rows_read.items())],
    )
    share = config.value("source_volume", "max_change_share")
    return [
        _suite(
            "drift.source_volume",
            "quality_source_volume",
            ["source", "previous_rows_read", "rows_read"],
            f"Rows read per source against {_against(baseline)}.",
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "change_share", "min_value": -share, "max_value": share},
                "severity": config.severity("source_volume"),
                "description": f"a source's rows read move by at most {share:.0%} "
                "from the previous published run",
                "meta": {"check": f"rows read within {share:.0%} of the previous run"},
            },
        ),
        _suite(
            "drift.source_presence",
            "quality_source_presence",
            ["source", "previous_rows_read"],
            f"Sources exported in {_against(baseline)}.",
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "exported", "value_set": [True]},
                "severity": config.severity("source_disappeared"),
                "description": "every source of the previous published run is in this drop",
                "meta": {"check": "no source disappeared"},
            },
        ),
    ]


def headcount(con: duckdb.DuckDBPyConnection) -> int:
    """Employees employed on the as-of date, as dbt's ``dim_employees`` defines it."""
    row = con.execute(
        "select count(*) filter (where is_employed_on_as_of_date) from main.dim_employees"
    ).fetchone()
    assert row is not None
    return int(row[0])


def _group_key(group: dict[str, Any] | None) -> str:
    return json.dumps(group, sort_keys=True) if group else ""


def _numbers(kpis: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    return {
        (k["kpi"], _group_key(k.get("group"))): float(k["value"])
        for k in kpis
        if isinstance(k.get("value"), int | float) and not isinstance(k.get("value"), bool)
    }


def mart_drift_suites(
    con: duckdb.DuckDBPyConnection,
    current_headcount: int,
    kpis: list[dict[str, Any]],
    baseline: Baseline,
    config: DriftConfig,
) -> list[Suite]:
    """Headcount drop and KPI jumps."""
    suites = []
    if baseline.headcount is not None:
        temp_table(
            con,
            "quality_headcount",
            "previous_headcount bigint, headcount bigint, change_share double",
            [
                (
                    baseline.headcount,
                    current_headcount,
                    (current_headcount - baseline.headcount) / max(baseline.headcount, 1),
                )
            ],
        )
        drop = config.value("headcount_drop", "max_drop_share")
        suites.append(
            _suite(
                "drift.headcount",
                "quality_headcount",
                ["previous_headcount", "headcount"],
                f"Employees employed on the as-of date against {_against(baseline)}.",
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": "change_share", "min_value": -drop, "max_value": None},
                    "severity": config.severity("headcount_drop"),
                    "description": f"headcount drops by at most {drop:.0%} from the previous "
                    "published run",
                    "meta": {"check": f"headcount drop at most {drop:.0%}"},
                },
            )
        )
    before, now = _numbers(baseline.kpis), _numbers(kpis)
    rows = []
    for key in sorted(before.keys() & now.keys()):
        limit = config.kpi_limit(key[0])
        rows.append(
            (
                key[0],
                key[1],
                before[key],
                now[key],
                abs(now[key] - before[key]),
                limit.max_abs_change,
                limit.max_change_share,
            )
        )
    temp_table(
        con,
        "quality_kpi_jumps",
        'kpi varchar, "group" varchar, previous_value double, value double, '
        "abs_change double, max_abs_change double, max_change_share double",
        rows,
    )
    suites.append(
        _suite(
            "drift.kpis",
            "quality_kpi_jumps",
            ["kpi", "group"],
            f"Published KPI values against {_against(baseline)}.",
            {
                "type": "unexpected_rows_expectation",
                "kwargs": {
                    "unexpected_rows_query": 'select kpi, "group", previous_value, value, '
                    "max_abs_change, max_change_share from {batch} "
                    "where abs_change > coalesce(max_abs_change, 'infinity'::double) "
                    "or abs_change > coalesce(max_change_share * abs(previous_value), "
                    "'infinity'::double)"
                },
                "severity": config.severity("kpi_jump"),
                "description": "no KPI moves by more than its limit in expectations/checks.yml "
                "since the previous published run",
                "meta": {"check": "KPIs within their jump limits"},
            },
        )
    )
    return suites

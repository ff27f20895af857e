"""Measure the check routes: SQL pushed into DuckDB against GX's pandas path.

    python -m pipelines.quality.benchmark routes --rows 10000000
    python -m pipelines.quality.benchmark scale --warehouse W --copies 10

``routes`` evaluates one suite of 8 expectations over a synthetic table of
``--rows`` rows, each route in its own child process so that its peak memory
is its own. ``scale`` copies the raw schema of a loaded warehouse ``--copies``
times (ids suffixed, so keys and references stay valid) into a scratch file
and times every source suite over it: the size of a million-employee
organisation from a 100,000-employee demo.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from pipelines.contract import SOURCES
from pipelines.quality.suites import Suite, load_suites, suite_from_dict

#: The 8 expectations of the issue's measurement, on a sessions-like table.
ROUTE_SUITE: dict[str, Any] = {
    "name": "bench.sessions",
    "meta": {"table": "bench_sessions", "sample_columns": ["_line_number", "session_id"]},
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "session_id"}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "match_id"}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "session_date"}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "session_id"}},
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": ["held", "cancelled", "no_show"]},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "initiated_by", "value_set": ["mentor", "mentee"]},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "duration_minutes", "min_value": 0, "max_value": 1440},
        },
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {
                "column_A": "_export_date",
                "column_B": "session_date",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
        },
    ],
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _synthetic(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    con.execute(
        f"""
        create or replace table bench_sessions as
        select 'S' || lpad(i::varchar, 10, '0') as session_id,
               'M' || (i // 12)::varchar as match_id,
               date '2020-01-01' + (i % 2500)::int as session_date,
               (30 + i % 60)::int as duration_minutes,
               case when i % 3 = 0 then 'mentor' else 'mentee' end as initiated_by,
               case i % 10 when 0 then 'cancelled' when 1 then 'no_show' else 'held' end as status,
               date '2026-11-25' as _export_date,
               i + 2 as _line_number
        from range({rows}) r(i)
        """
    )


def run_route(route: str, rows: int) -> dict[str, Any]:
    """Evaluate the 8-expectation suite one way; seconds exclude building the table."""
    from pipelines.quality.sql_engine import evaluate_suite

    suite = suite_from_dict(ROUTE_SUITE)
    con = duckdb.connect()
    _synthetic(con, rows)
    base_mb = _peak_mb()
    started = time.perf_counter()
    if route == "sql":
        outcomes = evaluate_suite(con, suite)
        passed = [o.success for o in outcomes]
    else:
        from pipelines.quality.gx_pandas import validate_with_gx_pandas

        frame = con.execute("select * from bench_sessions").df()
        passed = [r["success"] for r in validate_with_gx_pandas(frame, suite)]
    seconds = time.perf_counter() - started
    return {
        "route": route,
        "rows": rows,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(_peak_mb()),
        "peak_rss_mb_before_checks": round(base_mb),
        "all_passed": all(passed),
    }


#: Line numbers of copy k are shifted by k * LINE_OFFSET: still unique per file.
LINE_OFFSET = 100_000_000


def _suffix_ids(source_name: str, copy: int) -> str:
    """The select list of one copy of a raw table, every id made unique per copy."""
    source = next(s for s in SOURCES if s.name == source_name)
    cols = [
        f"{c.name} || '~{copy}' as {c.name}" if c.type == "id" else c.name
        for c in source.stored_columns
    ]
    cols += [
        "_source_file",
        f"_line_number + {copy * LINE_OFFSET} as _line_number",
        "_file_sha256",
        "_export_date",
        "_run_id",
    ]
    return ", ".join(cols)


def scale_warehouse(source: Path, target: Path, copies: int) -> None:
    """Copy the raw schema of ``source`` ``copies`` times into ``target``."""
    con = duckdb.connect(str(target))
    con.execute(f"attach '{source}' as src (read_only)")
    con.execute("create schema raw")
    for s in SOURCES:
        parts = " union all ".join(
            f"select {_suffix_ids(s.name, k)} from src.raw.{s.name}" for k in range(copies)
        )
        con.execute(f"create table raw.{s.name} as {parts}")
    con.execute(
        f"""create table raw.quarantine as
            select q.* replace (line_number + r.range * {LINE_OFFSET} as line_number)
            from src.raw.quarantine as q, range({copies}) as r"""
    )
    con.execute(
        f"""create table raw.file_loads as select * replace (
                rows_read * {copies} as rows_read, rows_accepted * {copies} as rows_accepted,
                rows_quarantined * {copies} as rows_quarantined)
            from src.raw.file_loads"""
    )
    con.close()


def run_scale(warehouse: Path) -> dict[str, Any]:
    """Time every source suite over the raw schema of ``warehouse``."""
    from pipelines.quality.results import run_suite

    con = duckdb.connect(str(warehouse), read_only=True)
    rows = sum(
        con.execute(f"select count(*) from raw.{s.name}").fetchone()[0]  # type: ignore[index]
        for s in SOURCES
    )
    suites: list[Suite] = load_suites("sources")
    timings: dict[str, float] = {}
    failed: list[str] = []
    started = time.perf_counter()
    for suite in suites:
        t0 = time.perf_counter()
        failed += [r.message() for r in run_suite(con, suite, "sources") if r.failed]
        timings[suite.name] = round(time.perf_counter() - t0, 2)
    return {
        "raw_rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
        "per_suite_seconds": timings,
        "peak_rss_mb": round(_peak_mb()),
        "failed_checks": len(failed),
        "first_failures": failed[:5],
    }


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.quality.benchmark", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    """Run the chosen measurement and print JSON."""
    parser = argparse.ArgumentParser(description="Measure the quality checks' routes and scale.")
    sub = parser.add_subparsers(dest="command", required=True)
    routes = sub.add_parser("routes", help="SQL route vs GX pandas route on synthetic rows")
    routes.add_argument("--rows", type=int, default=10_000_000)
    routes.add_argument("--only", choices=["sql", "gx-pandas"], help="one route, in-process")
    scale = sub.add_parser("scale", help="source suites over a raw schema copied N times")
    scale.add_argument("--warehouse", type=Path, required=True)
    scale.add_argument("--copies", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "routes":
        if args.only:
            print(json.dumps(run_route(args.only, args.rows)))
            return
        for route in ("sql", "gx-pandas"):
            print(json.dumps(_child(["routes", "--rows", str(args.rows), "--only", route])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        scaled = Path(tmp) / "scaled.duckdb"
        t0 = time.perf_counter()
        scale_warehouse(args.warehouse, scaled, args.copies)
        print(f"scaled warehouse built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        print(json.dumps(run_scale(scaled)))


if __name__ == "__main__":
    main()

"""``python -m pipelines.soak``: many consecutive CLI runs of one demo drop, all must publish.

Not part of ``make test`` (50 runs take most of an hour on 2 cores): run it
before a release, or when touching the run's machinery (``make soak``). Each
run is the installed ``mentorship run --force`` in its own process, output
redirected to a file as cron does; every other run gets rich's terminal
display instead (``TTY_COMPATIBLE=1``), so both reporters are soaked. After
every run the script checks that it published, that ``kpis.json`` is
byte-identical to the first run's and that every table dbt built holds the
same rows (idempotence). Writes ``<root>/soak.json`` and exits 1 when any run
failed or differed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb


def built_tables(warehouse: Path) -> dict[str, str]:
    """Every table dbt built (``main*`` schemas): a hash of its sorted rows.

    Run ids are left out (they differ by design) and file paths are cut to the
    file name (the same files read from another folder are the same input).
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for schema, table, column in con.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
            "join information_schema.tables t using (table_schema, table_name) "
            "where c.table_schema like 'main%' and t.table_type = 'BASE TABLE' "
            "order by c.table_schema, c.table_name, c.ordinal_position"
        ).fetchall():
            if column in ("run_id", "_run_id"):
                continue
            expr = f'"{column}"'
            if column.endswith("source_file"):
                expr = f"regexp_replace({expr}, '^.*/', '')"
            columns.setdefault(f"{schema}.{table}", []).append(expr)
        hashes = {}
        for name, cols in columns.items():
            rows = con.execute(f"select {', '.join(cols)} from {name}").fetchall()
            hashes[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        return hashes
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print one line per run and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--root", type=Path, default=Path("out/soak"))
    args = parser.parse_args(argv)
    from pipelines.demo.generate import generate_demo

    root: Path = args.root
    drop = root / "inbox" / "2026-11-25"
    if not drop.exists():
        generate_demo(args.employees, 7, date(2026, 11, 25), root / "inbox")
    out, warehouse = root / "published", root / "warehouse.duckdb"
    mentorship = Path(sys.executable).parent / "mentorship"
    first_kpis: bytes | None = None
    first_tables: dict[str, str] | None = None
    results: list[dict[str, Any]] = []
    for i in range(1, args.runs + 1):
        env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
        rich = i % 2 == 0
        if rich:
            env.update(TTY_COMPATIBLE="1", TTY_INTERACTIVE="1", COLUMNS="120")
        log = root / "logs" / f"run-{i:03d}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with log.open("w") as fh:
            code = subprocess.run(
                [
                    str(mentorship),
                    "run",
                    "--inbox",
                    str(drop),
                    "--out",
                    str(out),
                    "--warehouse",
                    str(warehouse),
                    "--force",
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=env,
            ).returncode
        seconds = time.perf_counter() - started
        kpis = (out / "kpis.json").read_bytes() if code == 0 else b""
        tables = built_tables(warehouse) if code == 0 else {}
        first_kpis = first_kpis if first_kpis is not None else kpis
        first_tables = first_tables if first_tables is not None else tables
        result = {
            "run": i,
            "display": "rich" if rich else "redirected",
            "exit_code": code,
            "seconds": round(seconds, 1),
            "kpis_identical": kpis == first_kpis,
            "tables_identical": tables == first_tables,
            "log": str(log),
        }
        results.append(result)
        print(json.dumps(result), flush=True)
    published = sum(r["exit_code"] == 0 for r in results)
    identical = sum(r["kpis_identical"] and r["tables_identical"] for r in results)
    summary = {
        "runs": len(results),
        "published": published,
        "identical_kpis_json_and_tables": identical,
        "median_seconds": sorted(r["seconds"] for r in results)[len(results) // 2],
        "results": results,
    }
    (root / "soak.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"{published}/{len(results)} published, {identical}/{len(results)} identical "
        f"(kpis.json and every built table); details in {root / 'soak.json'}"
    )
    return 0 if published == identical == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

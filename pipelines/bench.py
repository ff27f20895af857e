"""``make bench``: time and peak memory of the nightly run on demo organisations.

For each size it generates a demo (cached between runs), then runs
``mentorship run`` in a child process and reads the wall time of each stage
from the run's manifest and the child's peak resident memory from the OS.
As a floor it times DuckDB reading every input file once.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

AS_OF = date(2026, 11, 25)


def _floor_seconds(drop: Path) -> float:
    """DuckDB reading every input CSV once: the least any run could cost."""
    con = duckdb.connect()
    t0 = time.perf_counter()
    for path in sorted(drop.glob("*.csv")):
        con.execute("select count(*) from read_csv(?, all_varchar=true)", [str(path)]).fetchone()
    return time.perf_counter() - t0


def bench_size(employees: int, root: Path) -> dict[str, object]:
    """Generate (once) and run one demo organisation; return its measurements."""
    inbox = root / f"demo-{employees}"
    drop = inbox / AS_OF.isoformat()
    gen_seconds = None
    if not (drop / "employees.csv").exists():
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines",
                "demo",
                "--employees",
                str(employees),
                "--seed",
                "7",
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                str(inbox),
            ],
            check=True,
        )
        gen_seconds = time.perf_counter() - t0
    rows = sum(max(0, sum(1 for _ in p.open("rb")) - 1) for p in drop.glob("*.csv"))
    out = root / f"run-{employees}" / "published"
    peak_file = root / f"run-{employees}" / "peak_rss_kb"
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.bench",
            "--child",
            str(peak_file),
            "--",
            "run",
            "--inbox",
            str(inbox),
            "--out",
            str(out),
            "--warehouse",
            str(root / f"run-{employees}" / "warehouse.duckdb"),
            # a benchmark measures a run even when this drop was published before
            "--force",
        ],
        check=True,
    )
    wall = time.perf_counter() - t0
    peak_kb = int(peak_file.read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "employees": employees,
        "input_rows": rows,
        "generate_seconds": gen_seconds,
        "run_seconds": round(wall, 2),
        "stage_seconds": manifest["stage_seconds"],
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "floor_read_inputs_seconds": round(_floor_seconds(drop), 2),
    }


def _child(peak_file: Path, cli_args: list[str]) -> None:
    """Run the CLI in this process, then record this process's peak memory."""
    from pipelines.cli import app

    try:
        code = app(cli_args, standalone_mode=False)
    finally:
        peak_file.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    if code:  # the run's exit code (typer.Exit is returned, not raised, here)
        sys.exit(int(code))


def main() -> None:
    """Run the benchmark and print one line per size (also written as JSON)."""
    if len(sys.argv) > 3 and sys.argv[1] == "--child" and sys.argv[3] == "--":
        _child(Path(sys.argv[2]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--root", type=Path, default=Path("out/bench"))
    args = parser.parse_args()
    args.root.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        result = bench_size(size, args.root)
        results.append(result)
        print(json.dumps(result), flush=True)
    (args.root / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

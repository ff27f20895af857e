"""``python -m pipelines.bench_nightly``: time a catch-up and a skip, as cron would see them.

Builds an inbox of three demo drops (the second and third change an
employee), runs ``mentorship run --inbox`` once (the catch-up: three runs),
adds a fourth drop with the third's files and runs again (the skip), timing
each command's wall time from outside. Writes ``<root>/results.json``. Speed
is measured here, never asserted in tests (the machines are shared).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def _change_department(folder: Path, index: int) -> None:
    path = folder / "employees.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    rows[index]["department"] = f"Moved {index}"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _timed(command: list[str], log: Path) -> tuple[int, float]:
    started = time.perf_counter()
    with log.open("w") as fh:
        code = subprocess.run(command, stdout=fh, stderr=subprocess.STDOUT).returncode
    return code, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Measure; print and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--root", type=Path, default=Path("out/bench-nightly"))
    args = parser.parse_args(argv)
    from pipelines.demo.generate import generate_demo

    root: Path = args.root
    if root.exists():
        shutil.rmtree(root)
    inbox = root / "inbox"
    first = generate_demo(args.employees, 7, date(2026, 11, 23), inbox)
    second = shutil.copytree(first, inbox / "2026-11-24")
    _change_department(second, 10)
    third = shutil.copytree(second, inbox / "2026-11-25")
    _change_department(third, 20)
    mentorship = str(Path(sys.executable).parent / "mentorship")
    command = [mentorship, "run", "--inbox", str(inbox), "--out", str(root / "published")]
    catch_up_code, catch_up = _timed(command, root / "catch-up.log")
    shutil.copytree(third, inbox / "2026-11-26")
    skip_code, skip = _timed(command, root / "skip.log")
    skipped = "same files (SHA-256)" in (root / "skip.log").read_text()
    results = {
        "employees": args.employees,
        "catch_up_three_drops": {"exit_code": catch_up_code, "seconds": round(catch_up, 1)},
        "unchanged_fourth_drop": {
            "exit_code": skip_code,
            "seconds": round(skip, 2),
            "said_same_files": skipped,
        },
    }
    (root / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0 if catch_up_code == skip_code == 0 and skipped else 1


if __name__ == "__main__":
    sys.exit(main())

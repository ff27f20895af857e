"""``make bench`` / ``mentorship bench``: the nightly run against its floors and its peer.

For each size it generates a clean demo drop (``--bad-row-share 0``, cached
between runs) and measures, on that drop, in this session:

- **the run**: ``mentorship run`` in a child process, twice on the same
  warehouse: the first night after a change of the project (the dbt unit tests
  and docs redone) and a steady night (both reused, see
  ``pipelines/transform/dbt_cache.py``); wall time per stage from the
  manifest, peak resident memory of the child from the OS, warehouse and
  output sizes;
- **an unchanged drop**: a third ``mentorship run`` of the same drop, which
  must recognise it and skip;
- **two floors**: DuckDB counting the rows of every input file
  (``count(*)``, which need not materialise the fields) and DuckDB loading every
  file into a table with every field parsed (``create table as select * from
  read_csv(..., all_varchar = true)``);
- **the peer**: the project's own vectorised pandas implementation of the
  KPI dictionary (``tests/reference/``, present in a checkout), reading the
  accepted rows from the run's warehouse and computing every KPI at the as-of
  date: what an analyst's script would cost.

With ``--targets postgres,spark`` it also runs the nightly job with dbt on
those targets (``mentorship run --target``, :mod:`pipelines.targets`) at
``--target-sizes``: a first night at the smallest size, then a steady night
at each size. PostgreSQL is a throwaway server started for the benchmark
(sized for a million employees, :data:`BENCH_POSTGRES_SETTINGS`) unless
MENTORSHIP_PG_HOST names one; Spark is a local session.

Results go to ``<root>/results.json`` (and ``<root>/targets.json``) and, as
tables with the ratios the performance targets are stated in (run / floor,
run / peer), to ``BENCHMARKS.md`` (``--report``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

AS_OF = date(2026, 11, 25)
DEFAULT_SIZES = "10000,100000,1000000"
DEFAULT_TARGET_SIZES = "100000,1000000"

#: The local Spark session's settings beyond the profile's defaults.
BENCH_SPARK_SETTINGS = {"MENTORSHIP_SPARK_DRIVER_MEMORY": "12g"}

#: The throwaway PostgreSQL server's settings beyond its defaults (128 MB of
#: shared buffers, 4 MB per sort or hash): what a DBA would give a warehouse
#: database on a 24 GB machine.
BENCH_POSTGRES_SETTINGS = {
    "shared_buffers": "4GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "1GB",
    "effective_cache_size": "12GB",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "30min",
}


def _say(message: str) -> None:
    print(f"{datetime.now(UTC):%H:%M:%S} {message}", file=sys.stderr, flush=True)


def _files(drop: Path) -> list[Path]:
    return sorted(drop.glob("*.csv"))


def floor_count_seconds(drop: Path) -> float:
    """DuckDB counting every input file's rows: reads the bytes, materialises no field."""
    con = duckdb.connect()
    t0 = time.perf_counter()
    for path in _files(drop):
        con.execute("select count(*) from read_csv(?, all_varchar = true)", [str(path)]).fetchone()
    return time.perf_counter() - t0


def floor_parse_seconds(drop: Path, work: Path) -> float:
    """DuckDB loading every input file into a table, every field parsed (as text)."""
    database = work / "floor.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    t0 = time.perf_counter()
    for i, path in enumerate(_files(drop)):
        con.execute(
            f"create table t{i} as select * from read_csv(?, all_varchar = true)", [str(path)]
        )
    seconds = time.perf_counter() - t0
    con.close()
    database.unlink(missing_ok=True)
    return seconds


def peer_seconds(warehouse: Path) -> dict[str, float] | None:
    """The vectorised pandas reference on the run's accepted rows (None outside a checkout)."""
    try:
        from tests.reference.kpis_pandas import compute_kpis, load_tables
    except ImportError:
        return None
    t0 = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables, exported = load_tables(con)
    finally:
        con.close()
    loaded = time.perf_counter()
    compute_kpis(tables, exported, AS_OF)
    done = time.perf_counter()
    return {"load_seconds": loaded - t0, "compute_seconds": done - loaded, "seconds": done - t0}


def _generate(employees: int, inbox: Path) -> float | None:
    drop = inbox / AS_OF.isoformat()
    if (drop / "employees.csv").exists():
        return None
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipelines", "demo", "--employees", str(employees)]
        + ["--seed", "7", "--as-of", AS_OF.isoformat(), "--bad-row-share", "0"]
        + ["--out", str(inbox)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class _TreePeak(threading.Thread):
    """The peak of the summed resident memory of a process and its descendants (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


def _tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:  # the process ended while being read
            continue
        pid = int(status.parent.name)
        parents[pid] = int(fields.get("PPid", "0").strip())
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


def _night(
    inbox: Path,
    out: Path,
    warehouse: Path,
    work: Path,
    *,
    force: bool,
    target: str = "duckdb",
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One ``mentorship run`` in a child process: wall time, stages, peak memory, exit code."""
    peak_file = work / "peak_rss_kb"
    peak_file.unlink(missing_ok=True)
    args = ["run", "--inbox", str(inbox), "--out", str(out), "--warehouse", str(warehouse)]
    if target != "duckdb":
        args += ["--target", target]
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.bench_child", str(peak_file), *args]
        + (["--force"] if force else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    tree_peak = _TreePeak(process.pid)
    tree_peak.start()
    _, stderr = process.communicate()
    tree_peak.stop()
    child = subprocess.CompletedProcess(process.args, process.returncode, None, stderr)
    wall = time.perf_counter() - t0
    if child.returncode != 0:
        raise SystemExit(f"mentorship run failed (exit {child.returncode}): {child.stderr[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "seconds": round(wall, 2),
        "stage_seconds": {k: round(v, 2) for k, v in manifest["stage_seconds"].items()},
        "peak_rss_mb": round(int(peak_file.read_text()) / 1024, 1),
        # the run and its children (Spark's JVM), sampled every 0.2 s
        "peak_tree_rss_mb": round(tree_peak.peak_kb / 1024, 1),
        "run_id": manifest.get("run_id"),
    }


#: Steady nights, floor measurements and peer runs per size: each figure is
#: the median of this many, taken in turn, so that one slow moment of a
#: shared machine does not decide a ratio.
REPEATS = 3


def _median_night(nights: list[dict[str, Any]]) -> dict[str, Any]:
    """The night of median wall time, with every night's seconds beside it."""
    ordered = sorted(nights, key=lambda n: n["seconds"])
    median = dict(ordered[len(ordered) // 2])
    median["all_seconds"] = [n["seconds"] for n in nights]
    return median


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _median_peer(peers: list[dict[str, float] | None]) -> dict[str, Any] | None:
    """The peer run of median time, with every run's seconds (None outside a checkout)."""
    runs = [p for p in peers if p is not None]
    if not runs:
        return None
    ordered = sorted(runs, key=lambda p: p["seconds"])
    return {**ordered[len(ordered) // 2], "all_seconds": [round(p["seconds"], 2) for p in runs]}


def bench_size(employees: int, root: Path, repeats: int = REPEATS) -> dict[str, Any]:
    """Every measurement of one organisation size (see the module doc)."""
    inbox = root / f"demo-{employees}"
    work = root / f"run-{employees}"
    work.mkdir(parents=True, exist_ok=True)
    _say(f"{employees:,} employees: demo drop")
    generate = _generate(employees, inbox)
    drop = inbox / AS_OF.isoformat()
    rows = sum(max(0, sum(1 for _ in p.open("rb")) - 1) for p in _files(drop))
    out, warehouse = work / "published", work / "warehouse.duckdb"
    # the first night of this project version: a fresh cache beside a fresh warehouse
    shutil.rmtree(work / f".{warehouse.name}.dbt-cache", ignore_errors=True)
    _say(f"{employees:,} employees: first night")
    first = _night(inbox, out, warehouse, work, force=True)
    nights = []
    for i in range(repeats):
        _say(f"{employees:,} employees: steady night {i + 1} of {repeats}")
        nights.append(_night(inbox, out, warehouse, work, force=True))
    steady = _median_night(nights)
    last = nights[-1]
    _say(f"{employees:,} employees: unchanged drop")
    unchanged = _night(inbox, out, warehouse, work, force=False)
    if unchanged["run_id"] != last["run_id"]:
        raise SystemExit(f"{inbox}: an unchanged drop was run again instead of being skipped")
    _say(f"{employees:,} employees: floors and peer")
    counts, parses, peers = [], [], []
    for _ in range(repeats):
        counts.append(floor_count_seconds(drop))
        parses.append(floor_parse_seconds(drop, work))
        peers.append(peer_seconds(warehouse))
    result = {
        "employees": employees,
        "input_rows": rows,
        "input_mb": round(_size(drop) / 1e6, 1),
        "generate_seconds": None if generate is None else round(generate, 2),
        "first_night": first,
        "steady_night": steady,
        "unchanged_drop_seconds": unchanged["seconds"],
        "warehouse_mb": round(_size(warehouse) / 1e6, 1),
        "output_mb": round(_size(out.resolve()) / 1e6, 1),
        "floor_count_seconds": round(_median(counts), 2),
        "floor_parse_seconds": round(_median(parses), 2),
        "floor_parse_all_seconds": [round(x, 2) for x in parses],
        "peer": _median_peer(peers),
    }
    return result


@contextmanager
def target_environment(target: str, root: Path) -> Iterator[dict[str, str]]:
    """The variables a run on ``target`` needs, with its server running for the duration."""
    if target == "postgres":
        from pipelines.targets.throwaway_postgres import postgres_server

        with postgres_server(BENCH_POSTGRES_SETTINGS) as settings:
            yield settings
    elif target == "spark":
        from pipelines.targets.spark import local_environment

        yield {**local_environment(root / "spark"), **BENCH_SPARK_SETTINGS}
    else:
        raise SystemExit(f"--targets: no benchmark for target {target!r}")


def bench_target(target: str, sizes: list[int], root: Path) -> list[dict[str, Any]]:
    """Nights with dbt on ``target``: a first night at the smallest size, steady ones at each.

    The dbt cache (unit tests passed, docs) of the first night is handed to
    the other sizes' warehouses: the unit tests test the models' code on this
    target, which is the same at every size.
    """
    results: list[dict[str, Any]] = []
    with target_environment(target, root) as env:
        first_cache: Path | None = None
        for employees in sorted(sizes):
            inbox = root / f"demo-{employees}"
            work = root / f"run-{target}-{employees}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            _say(f"{target}, {employees:,} employees: demo drop")
            _generate(employees, inbox)
            out, warehouse = work / "published", work / "warehouse.duckdb"
            cache = work / f".{warehouse.name}.dbt-cache"
            first = None
            if first_cache is None:
                _say(f"{target}, {employees:,} employees: first night")
                first = _night(inbox, out, warehouse, work, force=True, target=target, env=env)
                first_cache = cache
            else:
                shutil.copytree(first_cache, cache)
            _say(f"{target}, {employees:,} employees: steady night")
            steady = _night(inbox, out, warehouse, work, force=True, target=target, env=env)
            result = {
                "target": target,
                "employees": employees,
                "first_night": first,
                "steady_night": steady,
                "warehouse_mb": round(_size(warehouse) / 1e6, 1),
            }
            results.append(result)
            print(json.dumps(result), flush=True)
    return results


# --- BENCHMARKS.md ----------------------------------------------------------------------


def _up_to_kpis(night: dict[str, Any]) -> float:
    """Wall time from the first stage to kpis.json written (the run records it).

    The source checks run beside the mart checks, after it, so the stages'
    seconds do not add up to it; a run from before that recorded only the stages.
    """
    s = night["stage_seconds"]
    if "up_to_kpis_json" in s:
        return float(s["up_to_kpis_json"])
    return (
        s.get("ingest", 0)
        + s.get("check_sources", 0)
        + s.get("transform.dbt_build", 0)
        + (s.get("transform.kpis_json", 0))
    )


def _repeats(results: list[dict[str, Any]]) -> int:
    return max((len(r["steady_night"].get("all_seconds", [0])) for r in results), default=1)


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def render_markdown(results: list[dict[str, Any]], commit: str | None) -> str:
    """BENCHMARKS.md: what was measured, the targets' ratios, and the slope."""
    lines = [
        "# Benchmarks",
        "",
        f"Produced by `make bench` (`python -m pipelines.bench`) on {platform.node()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit or 'unknown'}`, in one session. "
        "Clean demo drops (`--bad-row-share 0`, seed 7, as of "
        f"{AS_OF.isoformat()}); seconds of wall time. A steady night, a floor and the peer are "
        f"each the median of {_repeats(results)} runs taken in turn (every run's seconds are in "
        "`results.json`). See `pipelines/bench.py` for what each figure is.",
        "",
        "## Per size",
        "",
        "| employees | input lines | ingest | check sources | dbt build | up to kpis.json | "
        "dbt docs | check marts | reports | whole run | peak memory | warehouse | output |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for label, night in (("first night", r["first_night"]), ("steady", r["steady_night"])):
            s = night["stage_seconds"]
            lines.append(
                f"| {r['employees']:,} ({label}) | {r['input_rows']:,} | {_f(s.get('ingest'))} | "
                f"{_f(s.get('check_sources'))} | {_f(s.get('transform.dbt_build'))} | "
                f"{_f(_up_to_kpis(night))} | {_f(s.get('transform.dbt_docs'))} | "
                f"{_f(s.get('check_marts'))} | {_f(s.get('report'))} | {_f(night['seconds'])} | "
                f"{night['peak_rss_mb']:,.0f} MB | {r['warehouse_mb']:,.0f} MB | "
                f"{r['output_mb']:,.1f} MB |"
            )
    lines += [
        "",
        "## Against the floors and the peer (steady night)",
        "",
        "| employees | floor: count | floor: full parse | peer: load + compute | "
        "ingest + peer | up to kpis.json | ratio to ingest + peer (target < 1) | "
        "whole run | ratio to full parse (target < 10) | unchanged drop (target < 5 s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        night = r["steady_night"]
        peer = r["peer"]["seconds"] if r["peer"] else None
        ingest = night["stage_seconds"].get("ingest", 0.0)
        against = None if peer is None else ingest + peer
        up = _up_to_kpis(night)
        lines.append(
            f"| {r['employees']:,} | {_f(r['floor_count_seconds'], 2)} | "
            f"{_f(r['floor_parse_seconds'], 2)} | {_f(peer)} | {_f(against)} | {_f(up)} | "
            f"{_f(None if against is None else up / against, 2)} | {_f(night['seconds'])} | "
            f"{_f(night['seconds'] / max(r['floor_parse_seconds'], 1e-9))} | "
            f"{_f(r['unchanged_drop_seconds'], 2)} |"
        )
    if len(results) > 1:
        lines += [
            "",
            "## Slope (steady night, between consecutive sizes)",
            "",
            "| from | to | input lines x | whole run x | up to kpis.json x | peak memory x |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for a, b in zip(results, results[1:], strict=False):
            na, nb = a["steady_night"], b["steady_night"]
            lines.append(
                f"| {a['employees']:,} | {b['employees']:,} | "
                f"{b['input_rows'] / a['input_rows']:.1f} | {nb['seconds'] / na['seconds']:.1f} | "
                f"{_up_to_kpis(nb) / max(_up_to_kpis(na), 1e-9):.1f} | "
                f"{nb['peak_rss_mb'] / na['peak_rss_mb']:.1f} |"
            )
        lines += [
            "",
            "A cost that grows no worse than linearly has its ratio at most the input's.",
        ]
    return "\n".join(lines) + "\n"


def render_targets_markdown(targets: list[dict[str, Any]], duckdb: list[dict[str, Any]]) -> str:
    """The section of BENCHMARKS.md on dbt's other targets, beside DuckDB's steady nights."""
    on_duckdb = {r["employees"]: r["steady_night"] for r in duckdb}
    lines = [
        "",
        "## On other targets (`mentorship run --target`)",
        "",
        "dbt builds on the target; ingestion, the checks and the reports stay in DuckDB "
        "(`pipelines/targets/`). Steady nights unless marked; PostgreSQL is a throwaway "
        "server on the same machine (`BENCH_POSTGRES_SETTINGS` in `pipelines/bench.py`), "
        "Spark a local session (`local[2]`, `BENCH_SPARK_SETTINGS`). Peak memory is the run's "
        "process and its children, sampled every 0.2 s: Spark's JVM is counted, a PostgreSQL "
        "server is not.",
        "",
        "| target | employees | ingest + source checks | hand over | dbt build | kpis.json | "
        "copy back | up to kpis.json | whole run | DuckDB whole run | x DuckDB | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in targets:
        for label, night in (("first night", r["first_night"]), ("steady", r["steady_night"])):
            if night is None:
                continue
            s = night["stage_seconds"]
            duck = on_duckdb.get(r["employees"]) if label == "steady" else None
            up = (
                s.get("ingest", 0)
                + s.get("check_sources", 0)
                + s.get("transform.hand_over", 0)
                + s.get("transform.dbt_build", 0)
                + s.get("transform.kpis_json", 0)
            )
            lines.append(
                f"| {r['target']} | {r['employees']:,} ({label}) | "
                f"{_f(s.get('ingest', 0) + s.get('check_sources', 0))} | "
                f"{_f(s.get('transform.hand_over'))} | {_f(s.get('transform.dbt_build'))} | "
                f"{_f(s.get('transform.kpis_json'))} | {_f(s.get('transform.copy_back'))} | "
                f"{_f(up)} | {_f(night['seconds'])} | "
                f"{_f(duck['seconds'] if duck else None)} | "
                f"{_f(night['seconds'] / duck['seconds'] if duck else None)} | "
                f"{night.get('peak_tree_rss_mb', night['peak_rss_mb']):,.0f} MB |"
            )
    return "\n".join(lines) + "\n"


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def run_bench(
    sizes: list[int],
    root: Path,
    report: Path | None,
    targets: list[str] | None = None,
    target_sizes: list[int] | None = None,
    repeats: int = REPEATS,
) -> list[dict[str, Any]]:
    """Measure every size, write ``root/results.json`` and, when asked, the Markdown report.

    ``targets`` other than duckdb are measured at ``target_sizes`` too
    (``root/targets.json``, a section of the report).
    """
    root.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sorted(sizes):
        result = bench_size(size, root, repeats)
        results.append(result)
        print(json.dumps(result), flush=True)
    (root / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    on_targets: list[dict[str, Any]] = []
    for target in targets or []:
        if target != "duckdb":
            on_targets += bench_target(target, target_sizes or sizes, root)
    if on_targets:
        (root / "targets.json").write_text(json.dumps(on_targets, indent=2) + "\n")
    if report is not None:
        text = render_markdown(results, _commit())
        if on_targets:
            text += render_targets_markdown(on_targets, results)
        report.write_text(text)
        _say(f"wrote {report}")
    return results


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print one JSON line per size."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="employees, comma-separated")
    parser.add_argument("--root", type=Path, default=Path("out/bench"))
    parser.add_argument("--report", type=Path, default=None, help="write BENCHMARKS.md here")
    parser.add_argument(
        "--targets", default="duckdb", help="dbt targets, comma-separated (duckdb,postgres,spark)"
    )
    parser.add_argument(
        "--target-sizes", default=DEFAULT_TARGET_SIZES, help="employees on the other targets"
    )
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help="runs per figure (their median)"
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        target_sizes = [int(s) for s in args.target_sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes/--target-sizes: not a comma-separated list of numbers")
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    from pipelines.targets import TARGETS

    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"--targets: unknown {', '.join(unknown)} (known: {', '.join(TARGETS)})")
    if args.repeats < 1:
        parser.error("--repeats: at least 1")
    run_bench(sizes, args.root, args.report, targets, target_sizes, args.repeats)


if __name__ == "__main__":
    main()

"""``mentorship calibrate``: do the 95% intervals of the retention gaps hold the truth?

Registered on the typer app in ``pipelines/cli.py``; the work and the
statistics are in ``pipelines/calibration.py``. Progress is a rich bar on a
terminal and one plain line per organisation otherwise (a log, cron).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from pipelines.errors import InputError, PipelineError
from pipelines.progress import LineReporter

if TYPE_CHECKING:  # imported when the command runs: numpy, pandas, the demo generator
    from pipelines import calibration as cal

console = Console(stderr=False)


def _say(label: str, style: str, message: str) -> None:
    console.print(Text.assemble((label, style), " ", message), highlight=False, soft_wrap=True)


def _plain(message: str) -> None:
    LineReporter(sys.stdout).line(message)


def calibrate(
    seeds: Annotated[
        int, typer.Option("--seeds", min=1, help="How many organisations (one per seed).")
    ] = 200,
    employees: Annotated[
        int, typer.Option("--employees", min=200, help="Employees in each organisation.")
    ] = 2000,
    first_seed: Annotated[int, typer.Option("--first-seed", help="The first seed.")] = 1,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Export date YYYY-MM-DD (default 2026-11-25).")
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", help="Working folder; results.jsonl there lets a call resume."),
    ] = Path("out/calibration"),
    report: Annotated[
        Path, typer.Option("--report", help="Where to write the Markdown report.")
    ] = Path("CALIBRATION.md"),
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Recompute every seed (ignore results.jsonl).")
    ] = False,
) -> None:
    """Measure how often the retention gaps' 95% intervals cover the planted truth.

    Generates one demo organisation per seed, computes its KPIs (the ingest
    stage of `mentorship run` and its dbt build; nothing is published), and
    compares the naive and adjusted retention gaps of mentees and mentors
    with the organisation's ground truth: published count, mean error and
    RMSE in percentage points, coverage of the 95% intervals with a Wilson
    interval, and a verdict against the 93-97% target. Each organisation's
    numbers are appended to OUT/results.jsonl as soon as known, so an
    interrupted call resumes where it stopped. About 27 s per organisation
    of 2,000 employees on 2 cores.
    """
    from pipelines import calibration as cal

    try:
        day = date.fromisoformat(as_of) if as_of else cal.DEFAULT_AS_OF
    except ValueError:
        _say("error:", "red", f"--as-of: {as_of!r} is not a date YYYY-MM-DD")
        raise typer.Exit(2) from None
    seed_list = list(range(first_seed, first_seed + seeds))
    try:
        if console.is_terminal:
            result = _with_bar(seed_list, employees, day, out, fresh)
        else:
            result = _with_lines(seed_list, employees, day, out, fresh)
    except InputError as exc:
        _say("error:", "red", str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except PipelineError as exc:
        _say("error:", "red", f"{exc} (the seed's folder is kept in {out}; rerun to resume)")
        raise typer.Exit(int(exc.exit_code)) from None
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(cal.render_report(result), encoding="utf-8")
    for summary in cal.summarise_all(result.results):
        if summary.kind == "adjusted":
            _say("calibration:", "bold", f"{summary.kpi}: {cal.verdict(summary)}")
    _say(
        "done:",
        "green",
        f"{len(result.computed)} organisations computed, {len(result.reused)} reused, "
        f"in {result.wall_seconds:.0f} s; report {report}",
    )


def _with_lines(
    seeds: list[int], employees: int, day: date, out: Path, fresh: bool
) -> cal.Calibration:
    from pipelines import calibration as cal

    total = len(seeds)

    def done(i: int, result: cal.SeedResult, reused: bool) -> None:
        how = "reused" if reused else "computed"
        _plain(f"seed {result.seed} ({i + 1}/{total}) {how}: {cal.seed_line(result)}")

    _plain(f"calibrating {total} organisations of {employees:,} employees into {out}")
    return cal.calibrate(seeds, employees, day, out, fresh=fresh, on_done=done)


def _with_bar(
    seeds: list[int], employees: int, day: date, out: Path, fresh: bool
) -> cal.Calibration:
    from pipelines import calibration as cal

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("calibrating", total=len(seeds))

        def start(i: int, seed: int) -> None:
            bar.update(task, description=f"seed {seed}")

        def stage(seed: int, name: str) -> None:
            bar.update(task, description=f"seed {seed}: {name}")

        def done(i: int, result: cal.SeedResult, reused: bool) -> None:
            bar.advance(task)

        return cal.calibrate(
            seeds, employees, day, out, fresh=fresh, on_start=start, on_stage=stage, on_done=done
        )

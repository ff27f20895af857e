"""The ``mentorship`` command: a thin CLI over the pipeline's functions."""

from __future__ import annotations

import re
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from pipelines.errors import PipelineError

app = typer.Typer(
    help=(
        "Mentorship analytics: turn HR and mentoring-platform exports into trustworthy "
        "numbers on whether mentoring works, for mentees and for mentors."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

InboxOpt = Annotated[
    Path,
    typer.Option(
        "--inbox",
        help="A drop (folder of export files) or a nightly inbox of drops named YYYY-MM-DD; "
        "the newest drop is used.",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="As-of date YYYY-MM-DD (default: the drop folder's name). "
        "Only rows dated on or before it count.",
    ),
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="Mapping file (YAML) saying how this organisation's files become the contract's "
        "sources (default: the inbox's mentorship.yaml, else the canonical contract).",
    ),
]
WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="DuckDB warehouse file (default: warehouse.duckdb beside --out). "
        "Kept across runs for the audit history.",
    ),
]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PipelineError(f"{option}: {value!r} is not a date YYYY-MM-DD") from None


class RichReporter:
    """Stages as rules, steps as lines, warnings in yellow.

    Steps that say "N of M ..." (sources loaded, dbt's ~300 per-node lines)
    drive a progress bar instead of printing; failures are still printed.
    dbt reports from its worker threads, so every call holds one lock: a line
    closing the bar in one thread while another updates it failed dbt nodes
    with "'NoneType' object has no attribute 'update'".
    """

    _COUNTED = re.compile(r"^(\d+) of (\d+) (\S+)")

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._stage = ""
        self._lock = threading.RLock()

    def _close_bar(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress, self._task = None, None

    def stage(self, name: str) -> None:
        with self._lock:
            self._close_bar()
            self._stage = name
            console.rule(f"[bold]{name}")

    def step(self, message: str) -> None:
        with self._lock:
            self._step(message)

    def _step(self, message: str) -> None:
        counted = self._COUNTED.match(message)
        if counted is None:
            self._close_bar()
            console.print(f"  {message}", highlight=False, markup=False)
            return
        done, total, status = int(counted[1]), int(counted[2]), counted[3]
        if self._progress is None:
            self._progress = Progress(
                TextColumn(f"  {self._stage}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self._stage, total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total)
        if status.upper() in ("ERROR", "FAIL", "WARN", "SKIP"):
            self._progress.console.print(f"  {message}", highlight=False, markup=False)

    def warn(self, message: str) -> None:
        with self._lock:
            self._close_bar()
            console.print(
                Text.assemble("  ", ("warning:", "yellow"), " ", message), highlight=False
            )


def _fail(exc: Exception) -> None:
    # User data (paths, header names) is printed as text, never parsed as markup.
    console.print(Text.assemble(("error:", "red"), " ", str(exc)), highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Inbox folder to write (a drop YYYY-MM-DD inside).")
    ] = Path("out/demo/inbox"),
    employees: Annotated[
        int, typer.Option("--employees", min=50, help="Size of the organisation.")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 7,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Export date of the drop, YYYY-MM-DD (default 2026-11-25; with --roster, the "
            "roster's drop folder name).",
        ),
    ] = None,
    bad_row_share: Annotated[
        float,
        typer.Option(
            "--bad-row-share",
            min=0.0,
            max=0.5,
            help="Share of contract-breaking rows planted to show the quarantine (0 = clean).",
        ),
    ] = 0.002,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="An existing workforce (an HR export): generate only a mentoring platform's "
            "exports (programs, enrollments, matches, sessions, feedback) for its people, and "
            "copy the roster beside them.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="With --roster: the mapping that reads the roster."),
    ] = None,
) -> None:
    """Generate a synthetic organisation's exports, or a mentoring platform's for a real roster."""
    try:
        day = _parse_date(as_of, "--as-of")
        with console.status("generating demo exports") as status:
            progress = lambda msg: status.update(f"generating demo exports: {escape(msg)}")  # noqa: E731
            if roster is not None:
                from pipelines.demo.roster import generate_for_roster

                drop = generate_for_roster(roster, mapping, day, seed, out, progress=progress)
            else:
                from pipelines.demo.generate import generate_demo

                drop = generate_demo(
                    employees,
                    seed,
                    day or date(2026, 11, 25),
                    out,
                    bad_row_share=bad_row_share,
                    progress=progress,
                )
    except PipelineError as exc:
        _fail(exc)
    truth = Path(out) / "ground_truth.json"
    console.print(
        Text.assemble("demo drop written to ", (str(drop), "bold"), f" (ground truth: {truth})"),
        highlight=False,
    )


@app.command()
def ingest(
    inbox: InboxOpt,
    as_of: AsOfOpt = None,
    warehouse: Annotated[Path, typer.Option("--warehouse", help="DuckDB warehouse file.")] = Path(
        "out/warehouse.duckdb"
    ),
    mapping: MappingOpt = None,
) -> None:
    """Load a drop into the warehouse's raw schema, quarantining bad rows; print the counts."""
    from pipelines.inbox import resolve_drop
    from pipelines.ingest.loader import load_drop
    from pipelines.mapping.config import resolve_mapping
    from pipelines.run import new_run_id
    from pipelines.warehouse import connect

    try:
        spec = resolve_mapping(inbox, mapping)
        drop = resolve_drop(inbox, _parse_date(as_of, "--as-of"), spec)
        run_id = new_run_id(drop.as_of)
        con = connect(warehouse)
        try:
            with console.status("loading") as status:
                loads = load_drop(
                    con, drop, run_id, on_source=lambda s: status.update(f"loading {s}")
                )
        finally:
            con.close()
    except PipelineError as exc:
        _fail(exc)
    table = Table(title=Text(f"{drop.folder} as of {drop.as_of} -> {warehouse}"))
    for col in ("source", "format", "read", "accepted", "quarantined", "ignored columns"):
        table.add_column(
            col, justify="right" if col in ("read", "accepted", "quarantined") else "left"
        )
    for load in loads:
        table.add_row(
            load.source,
            load.file_format,
            f"{load.rows_read:,}",
            f"{load.rows_accepted:,}",
            f"{load.rows_quarantined:,}",
            Text(", ".join(load.ignored_columns)),  # header names are data, not markup
        )
    Console().print(table)


@app.command()
def run(
    inbox: InboxOpt,
    as_of: AsOfOpt = None,
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Publication folder: kpis.json, reports, quality results, manifest.json. "
            "Replaced atomically only when the run passes.",
        ),
    ] = Path("out/published"),
    mapping: MappingOpt = None,
) -> None:
    """Run the whole nightly pipeline on a drop and publish it when every check passes."""
    from pipelines.run import run as run_pipeline

    try:
        ctx = run_pipeline(
            inbox,
            out,
            warehouse=warehouse,
            as_of=_parse_date(as_of, "--as-of"),
            reporter=RichReporter(),
            mapping=mapping,
        )
    except PipelineError as exc:
        _fail(exc)
    for warning in ctx.warnings:
        RichReporter().warn(warning)
    console.print(Text.assemble(("published", "green"), f" {out}/ (run {ctx.run_id})"))
    for name, rel in ctx.outputs.items():
        console.print(f"  {name}: {out / rel}", highlight=False)


def _register_subcommands() -> None:
    from pipelines.mapping.cli import app as mapping_app

    app.add_typer(mapping_app, name="mapping")


_register_subcommands()


def main() -> None:
    """Entry point that never shows a traceback for bad input."""
    try:
        app()
    except PipelineError as exc:
        console.print(f"error: {exc}", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()

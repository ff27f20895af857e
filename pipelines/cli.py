"""The ``mentorship`` command: a thin CLI over the pipeline's functions."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pipelines.errors import ExitCode, InputError, PipelineError
from pipelines.progress import LineReporter, RichReporter

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

#: The exit codes of ``mentorship run`` (also in the README; a test keeps them equal).
EXIT_CODES_HELP = (
    "Exit codes: "
    f"{ExitCode.PUBLISHED.value} = published, or nothing new to run; "
    f"{ExitCode.CHECKS_FAILED.value} = a drop failed a critical check or dbt could not build "
    "it (nothing published); "
    f"{ExitCode.BAD_INPUT.value} = bad input: a file, column, folder, date or option "
    "(the message names it); "
    f"{ExitCode.IN_PROGRESS.value} = another run holds the warehouse or the output folder, "
    "or a process has the warehouse open for writing (try again later); "
    f"{ExitCode.INTERNAL_ERROR.value} = internal error (traceback in the run folder's error.log)."
)

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
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="A TOML file giving inbox, warehouse, out and keep_runs (see deploy/); "
        "options on the command line win.",
    ),
]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date YYYY-MM-DD") from None


def _reporter() -> RichReporter | LineReporter:
    """The rich display on a terminal, plain timestamped lines otherwise (cron, a file)."""
    return RichReporter(console) if console.is_terminal else LineReporter()


def _say(style: str, label: str, message: str) -> None:
    """One line: a coloured label, then the message as plain text (never markup)."""
    console.print(Text.assemble((label, style), " ", message), highlight=False, soft_wrap=True)


def _fail(exc: Exception) -> NoReturn:
    code = exc.exit_code if isinstance(exc, PipelineError) else ExitCode.INTERNAL_ERROR
    _say("red", "error:", str(exc) if isinstance(exc, PipelineError) else repr(exc))
    raise typer.Exit(int(code))


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Inbox folder to write (a drop YYYY-MM-DD inside).")
    ] = Path("out/demo/inbox"),
    employees: Annotated[
        int, typer.Option("--employees", help="Size of the organisation (at least 500).")
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
        soft_wrap=True,
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
    """Load a drop into the warehouse's raw schema, quarantining bad rows; print the counts.

    A tool for looking at one drop: it writes the raw schema of --warehouse in
    place (under the warehouse's lock), unlike ``run``, which builds a new file.
    """
    import duckdb

    from pipelines.inbox import resolve_drop
    from pipelines.ingest.loader import load_drop
    from pipelines.locks import held
    from pipelines.mapping.config import resolve_mapping
    from pipelines.permissions import owner_only
    from pipelines.run_audit import new_run_id
    from pipelines.warehouse import connect
    from pipelines.warehouse_build import warehouse_open_error

    try:
        spec = resolve_mapping(inbox, mapping)
        drop = resolve_drop(inbox, _parse_date(as_of, "--as-of"), mapping=spec)
        run_id = new_run_id(drop.as_of)
        with owner_only(), held(warehouse, "warehouse", run_id):
            try:
                con = connect(warehouse)
            except duckdb.Error as exc:
                raise warehouse_open_error(warehouse, exc) from None
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
            Text(load.source),
            load.file_format,
            f"{load.rows_read:,}",
            f"{load.rows_accepted:,}",
            f"{load.rows_quarantined:,}",
            Text(", ".join(load.ignored_columns)),
        )
    Console().print(table)


@app.command(epilog=EXIT_CODES_HELP)
def run(
    inbox: Annotated[
        Path | None,
        typer.Option(
            "--inbox",
            help="A nightly inbox of drops named YYYY-MM-DD (every drop not yet published runs, "
            "oldest first), or one drop folder.",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="For an inbox: run the drops dated up to YYYY-MM-DD (default: today; a drop "
            "dated after today is refused unless --as-of says so). For one drop: its as-of "
            "date (default: the folder's name).",
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Publication: kpis.json, reports, quality results, manifest.json "
            "(default out/published). Replaced atomically only when a run passes; an existing "
            "folder that is not a publication is refused.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Run drops that are already published, older than the publication, "
            "or unchanged since it.",
        ),
    ] = False,
    keep_runs: Annotated[
        int | None,
        typer.Option(
            "--keep-runs",
            min=1,
            help="Published run folders kept beside --out (default 30); older ones are "
            "pruned. The warehouse's audit history is never pruned.",
        ),
    ] = None,
    config: ConfigOpt = None,
    mapping: MappingOpt = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="Where dbt builds the models: duckdb (default, the warehouse file itself), "
            "postgres (MENTORSHIP_PG_* variables) or spark (MENTORSHIP_SPARK_* variables). "
            "Ingestion and its checks stay in the DuckDB warehouse; see the README.",
        ),
    ] = None,
    dbt_build: Annotated[
        bool,
        typer.Option(
            "--dbt-build",
            help="Run dbt build even when the project is unchanged since a night that kept "
            "its compiled plan (by default such a night runs the plan without dbt; see the "
            "README).",
        ),
    ] = False,
) -> None:
    """Run every drop of the inbox not yet published, oldest first; publish each that passes.

    A drop whose files have the same SHA-256 as the published drop's is
    skipped in seconds. With a terminal the progress is a rich display; without
    one (cron, a file) plain timestamped lines.
    """
    from pipelines.mapping.config import resolve_mapping
    from pipelines.nightly import DropOutcome, catch_up, exit_code
    from pipelines.permissions import owner_only
    from pipelines.recovery import recover
    from pipelines.run import DEFAULT_KEEP_RUNS, default_warehouse, run_drop, site_locks
    from pipelines.run_config import load_run_config
    from pipelines.targets import TARGETS, check_target

    reporter = _reporter()
    outcomes: list[DropOutcome] = []
    try:
        settings = load_run_config(config)
        inbox = inbox or settings.inbox
        if inbox is None:
            raise InputError("--inbox is required (or inbox in --config)")
        if not inbox.is_dir():  # before any lock or folder is made for a mistyped path
            raise InputError(f"{inbox}: no such folder (expected a drop or a dated inbox)")
        out = out or settings.out or Path("out/published")
        warehouse = warehouse or settings.warehouse or default_warehouse(out)
        keep = keep_runs or settings.keep_runs or DEFAULT_KEEP_RUNS
        dbt_target = check_target(target or settings.target or TARGETS[0])
        day = _parse_date(as_of, "--as-of")
        spec = resolve_mapping(inbox, mapping)
        with owner_only(), site_locks(out, warehouse) as notices:
            notices += recover(out, warehouse)
            for notice in notices:
                reporter.warn(notice)

            def run_one(drop):  # type: ignore[no-untyped-def]
                ctx = run_drop(
                    drop,
                    out,
                    warehouse,
                    reporter,
                    keep_runs=keep,
                    notices=notices,
                    dbt_target=dbt_target,
                    dbt_build=dbt_build,
                )
                notices.clear()  # told once, in the first run's log and manifest
                return ctx.run_id

            outcomes = catch_up(
                inbox,
                out,
                warehouse,
                run_one,
                as_of=day,
                force=force,
                on_outcome=lambda o: _report_outcome(o, out),
                mapping=spec,
            )
    except PipelineError as exc:
        reporter.close()
        _fail(exc)
    except Exception as exc:  # a bug outside any run folder: one line, the code says so
        reporter.close()
        _fail(exc)
    reporter.close()
    raise typer.Exit(int(exit_code(outcomes)))


def _report_outcome(outcome: object, out: Path) -> None:
    """One line per drop: published, skipped (and why), failed or refused (and why)."""
    from pipelines.nightly import DropOutcome

    assert isinstance(outcome, DropOutcome)
    if outcome.outcome == "published":
        _say(
            "green",
            "published",
            f"{out}/ as of {outcome.as_of} (run {outcome.run_id}, {outcome.seconds:.0f} s)",
        )
    elif outcome.outcome == "skipped":
        _say("cyan", "skipped", f"{outcome.folder}: {outcome.message}")
    elif outcome.outcome == "failed":
        _say("red", "error:", f"{outcome.folder}: {outcome.message}")
    else:
        _say("red", "error:", outcome.message)


def _register_history_commands() -> None:
    from pipelines import cli_bench, cli_calibrate, cli_data_docs, cli_runs

    app.command(name="runs")(cli_runs.runs)
    app.command(name="show")(cli_runs.show)
    app.command(name="data-docs")(cli_data_docs.data_docs)
    app.command(name="calibrate")(cli_calibrate.calibrate)
    app.command(name="bench")(cli_bench.bench)


_register_history_commands()


def _register_subcommands() -> None:
    from pipelines.cli_mapping import app as mapping_app

    app.add_typer(mapping_app, name="mapping")


_register_subcommands()


def main() -> None:
    """Entry point that never shows a traceback for bad input."""
    try:
        app()
    except PipelineError as exc:
        console.print(f"error: {exc}", markup=False)
        sys.exit(int(exc.exit_code))


if __name__ == "__main__":
    main()

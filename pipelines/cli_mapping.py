"""``mentorship mapping ...``: check a mapping against a drop, or draft one from files.

A typer sub-app registered by ``pipelines/cli.py``; every user value (paths,
header names, cell values) is printed as text, never as rich markup.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from pipelines.errors import InputError, PipelineError

app = typer.Typer(
    help="Mappings: how an organisation's own export files become the contract's sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()


def _fail(exc: Exception) -> NoReturn:
    err.print(Text.assemble(("error:", "red"), " ", str(exc)), highlight=False, soft_wrap=True)
    raise typer.Exit(int(getattr(exc, "exit_code", 1)))


def _cell(value: object) -> Text:
    return Text("" if value is None else str(value))


@app.command()
def check(
    mapping: Annotated[Path, typer.Argument(help="The mapping file (YAML) to check.")],
    inbox: Annotated[
        Path,
        typer.Option(
            "--inbox",
            help="A drop, or a nightly inbox of drops named YYYY-MM-DD (the newest is used).",
        ),
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As-of date YYYY-MM-DD (default: the drop's).")
    ] = None,
) -> None:
    """Show what a mapping would load from a drop, per source; write nothing.

    Per source and file: the contract columns fed and by what, the input
    columns ignored, the first rows as they would load, and how many rows would
    be quarantined and why. Exit 1 with one line naming the mapping file, the
    line and the column when the mapping is wrong.
    """
    from pipelines.mapping_check import check_mapping

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        _fail(InputError(f"--as-of: {as_of!r} is not a date YYYY-MM-DD"))
    try:
        result = check_mapping(mapping, inbox, day)
    except PipelineError as exc:
        _fail(exc)
    out.print(
        Text(f"{result.mapping.label} on {result.drop.folder} (as of {result.drop.as_of})"),
        style="bold",
    )
    for item in result.sources:
        load = item.load
        out.rule(Text(f"{load.source} from {Path(load.file).name}"))
        summary = (
            f"{load.rows_read:,} rows read: {load.rows_accepted:,} accepted, "
            f"{load.rows_quarantined:,} quarantined"
        )
        if load.rows_excluded_by_mapping:
            summary += f" ({load.rows_excluded_by_mapping:,} records excluded by where:)"
        out.print(Text(summary))
        fed = Table("contract column", "fed by", box=None, show_header=True)
        for column, what in item.fed:
            fed.add_row(_cell(column), _cell(what))
        out.print(fed)
        if item.not_fed:
            out.print(Text(f"not fed (empty): {', '.join(item.not_fed)}"))
        out.print(Text(f"input columns ignored: {', '.join(load.ignored_columns) or 'none'}"))
        if load.dropped_personal_columns:
            dropped = ", ".join(load.dropped_personal_columns)
            out.print(Text(f"personal columns, never read: {dropped}"))
        if item.first_rows:
            # One line per contract column, one column per row: contracts are wide.
            numbers = [f"row {i + 1}" for i in range(len(item.first_rows))]
            rows = Table(
                Column("column", no_wrap=True), *numbers, title="first rows as they would load"
            )
            for i, name in enumerate(item.columns):
                rows.add_row(_cell(name), *[_cell(row[i]) for row in item.first_rows])
            out.print(rows)
        if item.reasons:
            out.print(Text("would be quarantined:"))
            for column_name, kind, count, line, first in item.reasons:
                where = column_name or "row"
                text = f"  {count:,} × {where}: {kind} (first, line {line}: {first})"
                out.print(Text(text), soft_wrap=True)
    if result.unknown_files:
        out.print(Text(f"files not read: {', '.join(result.unknown_files)}"))
    total = sum(s.load.rows_quarantined for s in result.sources)
    out.print(Text(f"mapping is valid; {total:,} row(s) would be quarantined", style="green"))


@app.command()
def init(
    files: Annotated[
        list[Path], typer.Argument(help="Export files (CSV, XLSX, Parquet) to draft from.")
    ],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the draft here (default: print it)."),
    ] = None,
) -> None:
    """Draft a mapping from files' headers and values, with a comment on every guess.

    Guesses the delimiter, encoding and date formats, which contract column
    each input column feeds (header similarity to the contract's names and
    synonyms), translation tables for coded values, and personal columns.
    Start from the draft, then run ``mentorship mapping check``.
    """
    from pipelines.mapping.init import draft_mapping

    try:
        text = draft_mapping(files)
    except PipelineError as exc:
        _fail(exc)
    if out_file is None:
        typer.echo(text, nl=False)
        return
    if out_file.exists():
        _fail(InputError(f"{out_file}: already exists; not overwritten"))
    out_file.write_text(text, encoding="utf-8")
    err.print(Text(f"draft mapping written to {out_file}"), highlight=False)

"""``mentorship runs`` and ``mentorship show RUN``: what the nightly runs did.

Registered on the typer app in ``pipelines/cli.py``. Both only read: the
warehouse (read-only) and the journal beside it, and the run folders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipelines.errors import PipelineError

WarehouseArg = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="DuckDB warehouse file (default: warehouse.duckdb beside --out, or --config's).",
    ),
]
OutArg = Annotated[
    Path | None,
    typer.Option("--out", help="The publication, to find its warehouse (default out/published)."),
]
ConfigArg = Annotated[
    Path | None,
    typer.Option("--config", help="The TOML file of the scheduled run (see deploy/)."),
]


def _warehouse(warehouse: Path | None, out: Path | None, config: Path | None) -> Path:
    from pipelines.run import default_warehouse
    from pipelines.run_config import load_run_config

    settings = load_run_config(config)
    out = out or settings.out or Path("out/published")
    return warehouse or settings.warehouse or default_warehouse(out)


def _duration(seconds: Any) -> str:
    if seconds is None:
        return ""
    seconds = float(seconds)
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _outcome(run: dict[str, Any]) -> str:
    status = str(run.get("status"))
    code = run.get("exit_code")
    return f"{status} ({code})" if status == "failed" and code is not None else status


def _fail(console: Console, exc: PipelineError) -> None:
    console.print(Text.assemble(("error:", "red"), " ", str(exc)), soft_wrap=True)
    raise typer.Exit(int(exc.exit_code))


def runs(
    warehouse: WarehouseArg = None,
    out: OutArg = None,
    config: ConfigArg = None,
    last: Annotated[int, typer.Option("--last", min=1, help="How many runs (newest).")] = 20,
) -> None:
    """List past runs from the audit schema: id, drop, as-of, outcome, duration, warnings."""
    from pipelines.run_history import past_runs

    console = Console()
    try:
        history = past_runs(_warehouse(warehouse, out, config))[-last:]
    except PipelineError as exc:
        _fail(Console(stderr=True), exc)
    columns = ("run", "drop", "as of", "outcome", "duration", "warnings")
    rows = [
        (
            str(r["run_id"]),
            Path(str(r.get("drop_folder"))).name,
            str(r.get("as_of")),
            _outcome(r),
            _duration(r.get("duration_seconds")),
            str(r.get("n_warnings") or 0),
        )
        for r in history
    ]
    if not console.is_terminal:  # a pipe or a file: tab-separated, one run a line
        print("\t".join(columns))
        for row in rows:
            print("\t".join(row))
        return
    table = Table(*columns, title="runs, oldest first")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def show(
    run: Annotated[str, typer.Argument(help="A run id, a unique prefix of one, or 'latest'.")],
    warehouse: WarehouseArg = None,
    out: OutArg = None,
    config: ConfigArg = None,
) -> None:
    """Summarise one run: outcome and why, drop and files, checks, warnings, run folder."""
    from pipelines.run_history import check_summary, find_run

    console = Console(soft_wrap=True)
    try:
        path = _warehouse(warehouse, out, config)
        record = find_run(path, run)
        checks = check_summary(path, str(record["run_id"]))
    except PipelineError as exc:
        _fail(Console(stderr=True), exc)
    run_dir = Path(str(record.get("run_dir")))
    lines: list[tuple[str, str]] = [
        ("run", str(record["run_id"])),
        ("outcome", _outcome(record)),
        ("error", str(record.get("error") or "")),
        ("drop", str(record.get("drop_folder"))),
        ("as of", str(record.get("as_of"))),
        ("started", str(record.get("started_at"))),
        ("finished", str(record.get("finished_at") or "")),
        ("duration", _duration(record.get("duration_seconds"))),
        ("run folder", f"{run_dir}" + ("" if run_dir.is_dir() else " (pruned)")),
        (
            "checks",
            f"{checks['checks']} ({checks['failed_critical']} critical and "
            f"{checks['failed_warning']} warning failed)",
        ),
    ]
    for label, value in lines:
        if value:
            console.print(Text.assemble((f"{label:>10}", "bold"), "  ", value), highlight=False)
    for name in checks["failed"][:10]:
        console.print(Text(f"{'':>10}  failed: {name}"), highlight=False)
    files = record.get("source_files") or {}
    for source, sha in sorted(files.items()):
        console.print(Text(f"{'file':>10}  {source}: sha256 {sha}"), highlight=False)
    for warning in record.get("warnings") or []:
        console.print(
            Text.assemble((f"{'warning':>10}", "yellow"), "  ", str(warning)), highlight=False
        )

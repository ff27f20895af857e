"""``mentorship data-docs RUN_FOLDER``: render the GX Data Docs of a run, after the fact.

A night renders its Data Docs only when it fails a critical check (or when
``expectations/checks.yml`` says ``data_docs: always``): GX's import and
rendering cost about 7 s a night. Every run keeps what they are made of in
``quality/results.json``; this command renders them from it, offline, into
the run folder's ``quality/data_docs/`` (or ``--out``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from pipelines.errors import ExitCode

_console = Console(stderr=True)


def data_docs(
    run_folder: Annotated[
        Path,
        typer.Argument(
            help="A run folder (holding quality/results.json), e.g. the publication "
            "out/published or a folder of out/published-runs/.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Where to write the site (default RUN_FOLDER/quality/data_docs)."
        ),
    ] = None,
) -> None:
    """Render a run's GX Data Docs (every check it ran) from its quality/results.json."""
    from pipelines.quality.data_docs import build_data_docs
    from pipelines.quality.results import results_from_json

    results_file = run_folder / "quality" / "results.json"
    if not results_file.is_file():
        _console.print(
            Text.assemble(("error:", "red"), f" {results_file}: no such file (not a run folder?)"),
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    run_id, results = results_from_json(results_file)
    site = out or run_folder / "quality" / "data_docs"
    index = build_data_docs(site, run_id, results)
    _console.print(f"Data Docs of run {run_id} ({len(results)} checks): {index}", markup=False)

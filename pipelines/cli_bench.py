"""``mentorship bench``: the nightly run against its floors and its pandas peer (bench.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def bench(
    sizes: Annotated[
        str,
        typer.Option("--sizes", help="Organisation sizes (employees), comma-separated."),
    ] = "10000,100000,1000000",
    root: Annotated[
        Path,
        typer.Option("--root", help="Folder for the demo drops, warehouses and results.json."),
    ] = Path("out/bench"),
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Where to write the Markdown report (BENCHMARKS.md)."),
    ] = Path("BENCHMARKS.md"),
    targets: Annotated[
        str,
        typer.Option(
            "--targets", help="dbt targets to run on, comma-separated: duckdb, postgres, spark."
        ),
    ] = "duckdb",
    target_sizes: Annotated[
        str,
        typer.Option("--target-sizes", help="Sizes for the targets other than duckdb."),
    ] = "100000,1000000",
    repeats: Annotated[
        int,
        typer.Option(
            "--repeats",
            min=1,
            help="Steady nights, floor measurements and peer runs per size; each figure "
            "is their median.",
        ),
    ] = 3,
) -> None:
    """Time the nightly run per stage at each size, beside DuckDB's floors and the pandas peer.

    Each size: a clean demo drop, a first night and --repeats steady nights of
    `mentorship run` (wall time per stage, peak memory), an unchanged drop
    skipped, DuckDB counting and fully parsing the inputs, and the project's
    pandas implementation of the KPIs on the accepted rows; each figure is the
    median of its repeats. Takes about 20 minutes at 10,000, 100,000 and
    1,000,000 employees.
    """
    from pipelines.bench import main

    args = ["--sizes", sizes, "--root", str(root), "--targets", targets]
    args += ["--target-sizes", target_sizes, "--repeats", str(repeats)]
    main(args + (["--report", str(report)] if report is not None else []))

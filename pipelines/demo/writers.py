"""Writing the drop: one canonical CSV per source, and ground_truth.json beside the drops."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.contract import SOURCES_BY_NAME


def write_source(table: pa.Table, folder: Path, source: str) -> Path:
    """Write ``<folder>/<source>.csv``: UTF-8, comma, header row, ISO dates, empty = null."""
    expected = SOURCES_BY_NAME[source].column_names
    if tuple(table.column_names) != expected:
        raise ValueError(f"{source}: columns {table.column_names} are not the contract's")
    path = folder / f"{source}.csv"
    options = pacsv.WriteOptions(include_header=True, delimiter=",", quoting_style="needed")
    # Write to a temporary name first: a reader never sees half a file.
    partial = path.with_suffix(".csv.partial")
    pacsv.write_csv(table, partial, options)
    partial.replace(path)
    return path


def write_json(data: dict[str, object], path: Path) -> Path:
    """Write a JSON document deterministically (stable key order, fixed formatting)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path

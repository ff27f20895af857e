"""What reading a file yields: its options, header, wanted columns, landed relation.

Shared by the per-format readers (``csv_reader``, ``xlsx_reader``) and the
dispatcher (``dispatch``), so that neither imports the other's module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.errors import InputFileError

FILE_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: the mapping's declarations, or the contract's defaults."""

    delimiter: str | None = None
    #: A Python codec name: utf-8 (BOM or not), cp1252, latin-1, utf-16.
    encoding: str = "utf-8"
    header_row: int = 1
    sheet: str | None = None
    #: True when a mapping declared the file's settings (messages then say so).
    mapped: bool = False


@dataclass(frozen=True)
class Header:
    """A file's column names as written, and what reading them found out."""

    names: tuple[str, ...]
    file_format: str
    delimiter: str | None = None

    @property
    def normalised(self) -> tuple[str, ...]:
        """Names trimmed and lower-cased: how columns are matched."""
        return tuple(n.strip().lower() for n in self.names)


@dataclass(frozen=True)
class Wanted:
    """One input column to land: its position, as text or as a hash."""

    position: int
    hashed: bool = False

    @property
    def name(self) -> str:
        return f"{'h' if self.hashed else 'i'}{self.position}"


@dataclass
class MalformedRow:
    """A record the reader could not split into the header's fields."""

    line_number: int
    reason: str
    field_count: int
    line_sha256: str

    def audit_values(self) -> dict[str, object]:
        """What the quarantine keeps of it: nothing a person wrote."""
        return {"field_count": self.field_count, "line_sha256": self.line_sha256}


@dataclass
class LandedInput:
    """What reading one file produced."""

    #: Relation with ``__line`` and one column per :class:`Wanted`.
    relation: str
    file_format: str
    rows: int
    malformed: list[MalformedRow] = field(default_factory=list)
    #: Temp table of (``__line``, ``position``, ``reason``): cells that cannot be
    #: used (a NUL byte, a formula without a saved value); None when there are none.
    problems: str | None = None
    #: Tables and views to drop when the input is no longer needed.
    temp_objects: list[tuple[str, str]] = field(default_factory=list)
    #: False when the file is known to hold no NUL byte (a CSV read byte by
    #: byte): its values need not be searched for one.
    may_hold_nul: bool = True


def file_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` by the file's extension."""
    fmt = FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(
            str(path), f"unsupported file type {path.suffix!r} (csv, xlsx or parquet)"
        )
    return fmt


def hashed_sql(text_sql: str) -> str:
    """SQL of the hash a looked-up column is landed as (NULL when empty)."""
    value = f"nullif(trim({text_sql}), '')"
    return f"case when {value} is not null then sha256(lower({value})) end"


def register_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    line_numbers: list[int],
    data: dict[Wanted, list[str | None]],
) -> None:
    """Create ``table`` from Python lists (the Python CSV and XLSX readers)."""
    import pyarrow as pa  # only these readers need it (0.1 s to import)

    arrays: dict[str, pa.Array] = {"__line": pa.array(line_numbers, pa.int64())}
    for want, values in data.items():
        arrays[f"t{want.name}"] = pa.array(values, pa.string())
    arrow = pa.table(arrays)  # noqa: F841  (read by DuckDB's replacement scan)
    select = ["__line"] + [
        (hashed_sql(f"t{w.name}") if w.hashed else f"t{w.name}") + f" as {w.name}" for w in data
    ]
    con.execute(f"create or replace temp table {table} as select {', '.join(select)} from arrow")

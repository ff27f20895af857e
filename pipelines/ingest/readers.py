"""Read one input file (CSV, XLSX or Parquet) into a DuckDB landing table.

An input file is landed once, whatever number of sources it feeds: the
landing relation holds ``__line`` (the record's line, see DECISIONS "Line
numbers are physical lines") and, for each input column a mapping uses, its
text exactly as exported (``i<position>``) or, for a column only looked up,
a hash of its trimmed, lower-cased text (``h<position>``). Columns nobody uses,
personal ones included, never leave the file. Typing and validation happen
afterwards in SQL (``quarantine.py``), so every bad value is kept with its line.

A record the reader cannot split into the header's fields comes back as a
:class:`MalformedRow`: its line, the reason, its field count and a hash of its
bytes, never its values (they may be anything a person typed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.errors import InputFileError
from pipelines.ingest.files import check_regular_file

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


def file_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` by the file's extension."""
    fmt = FILE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(
            str(path), f"unsupported file type {path.suffix!r} (csv, xlsx or parquet)"
        )
    return fmt


def read_header(path: Path, options: ReadOptions) -> Header:
    """The file's column names, reading no more than its first lines."""
    check_regular_file(path)
    fmt = file_format(path)
    if fmt == "csv":
        from pipelines.ingest.csv_reader import read_csv_header

        return read_csv_header(path, options)
    if fmt == "xlsx":
        from pipelines.ingest.xlsx_reader import read_xlsx_header

        return read_xlsx_header(path, options)
    return _parquet_header(path)


def sample_values(
    path: Path, options: ReadOptions, header: Header, positions: list[int], n: int = 1000
) -> dict[int, list[str]]:
    """The non-empty text of the first ``n`` records in some columns (to check date formats)."""
    fmt = file_format(path)
    if fmt == "csv":
        from pipelines.ingest.csv_reader import sample_csv

        return sample_csv(path, options, header, positions, n)
    if fmt == "xlsx":
        from pipelines.ingest.xlsx_reader import sample_xlsx

        return sample_xlsx(path, options, positions, n)
    return _sample_parquet(path, header, positions, n)


def land_input(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ReadOptions,
    header: Header,
    wanted: list[Wanted],
    table: str,
    work_dir: Path,
) -> LandedInput:
    """Land ``wanted`` columns of ``path`` into ``table`` (see the module docstring)."""
    check_regular_file(path)
    fmt = file_format(path)
    if fmt == "csv":
        from pipelines.ingest.csv_reader import land_csv

        landed = land_csv(con, path, options, header, wanted, table, work_dir)
    elif fmt == "xlsx":
        from pipelines.ingest.xlsx_reader import land_xlsx

        landed = land_xlsx(con, path, options, header, wanted, table)
    else:
        landed = _land_parquet(con, path, header, wanted, table)
    _find_nul_values(con, landed, wanted)
    return landed


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
    arrays: dict[str, pa.Array] = {"__line": pa.array(line_numbers, pa.int64())}
    for want, values in data.items():
        arrays[f"t{want.name}"] = pa.array(values, pa.string())
    arrow = pa.table(arrays)  # noqa: F841  (read by DuckDB's replacement scan)
    select = ["__line"] + [
        (hashed_sql(f"t{w.name}") if w.hashed else f"t{w.name}") + f" as {w.name}" for w in data
    ]
    con.execute(f"create or replace temp table {table} as select {', '.join(select)} from arrow")


def _find_nul_values(
    con: duckdb.DuckDBPyConnection, landed: LandedInput, wanted: list[Wanted]
) -> None:
    """Record every landed value holding a NUL byte as a cell problem."""
    texts = [w for w in wanted if not w.hashed]
    if not texts:
        return
    any_nul = " or ".join(f"contains({w.name}, chr(0))" for w in texts)
    found = con.execute(f"select count(*) from {landed.relation} where {any_nul}").fetchone()
    if not found or not found[0]:
        return
    table = landed.problems or f"{landed.relation}_problems"
    if landed.problems is None:
        con.execute(
            f"create or replace temp table {table} "
            "(__line bigint, position integer, reason varchar)"
        )
        landed.problems = table
        landed.temp_objects.append(("table", table))
    for w in texts:
        con.execute(
            f"insert into {table} select __line, {w.position}, "
            "'a NUL byte (binary data, not text)' "
            f"from {landed.relation} where contains({w.name}, chr(0))"
        )


def _parquet_header(path: Path) -> Header:
    try:
        with duckdb.connect() as con:
            described = con.execute(
                "select * from read_parquet(?) limit 0", [str(path)]
            ).description
    except duckdb.Error as exc:
        raise InputFileError(str(path), f"cannot be read as Parquet ({_first_line(exc)})") from None
    return Header(tuple(str(d[0]) for d in described), "parquet")


def _parquet_column(header: Header, position: int) -> str:
    name = header.names[position].replace('"', '""')
    return f"nullif(cast(\"{name}\" as varchar), '')"


def _land_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, header: Header, wanted: list[Wanted], table: str
) -> LandedInput:
    exprs = ["row_number() over () + 1 as __line"]
    for w in wanted:
        text = _parquet_column(header, w.position)
        exprs.append(f"{hashed_sql(text) if w.hashed else text} as {w.name}")
    try:
        con.execute(
            f"create or replace temp table {table} as "
            f"select {', '.join(exprs)} from read_parquet(?)",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise InputFileError(str(path), f"cannot be read as Parquet ({_first_line(exc)})") from None
    count = con.execute(f"select count(*) from {table}").fetchone()
    rows = int(count[0]) if count else 0
    return LandedInput(table, "parquet", rows, temp_objects=[("table", table)])


def _sample_parquet(
    path: Path, header: Header, positions: list[int], n: int
) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    with duckdb.connect() as con:
        for p in positions:
            rows = con.execute(
                f"select {_parquet_column(header, p)} as v from read_parquet(?) "
                f"where v is not null limit {n}",
                [str(path)],
            ).fetchall()
            out[p] = [str(r[0]) for r in rows]
    return out


def _first_line(exc: Exception) -> str:
    """A library's error message cut to its first line (DuckDB's go on for twenty)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


__all__ = [
    "Header",
    "LandedInput",
    "MalformedRow",
    "ReadOptions",
    "Wanted",
    "land_input",
    "read_header",
    "sample_values",
]

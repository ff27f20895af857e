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

from pathlib import Path

import duckdb

from pipelines.errors import InputFileError
from pipelines.readers.csv_reader import land_csv, read_csv_header, sample_csv
from pipelines.readers.files import check_regular_file
from pipelines.readers.formats import (
    Header,
    LandedInput,
    ReadOptions,
    Wanted,
    file_format,
    hashed_sql,
)
from pipelines.readers.xlsx_reader import land_xlsx, read_xlsx_header, sample_xlsx


def read_header(path: Path, options: ReadOptions) -> Header:
    """The file's column names, reading no more than its first lines."""
    check_regular_file(path)
    fmt = file_format(path)
    if fmt == "csv":
        return read_csv_header(path, options)
    if fmt == "xlsx":
        return read_xlsx_header(path, options)
    return _parquet_header(path)


def sample_values(
    path: Path, options: ReadOptions, header: Header, positions: list[int], n: int = 1000
) -> dict[int, list[str]]:
    """The non-empty text of the first ``n`` records in some columns (to check date formats)."""
    fmt = file_format(path)
    if fmt == "csv":
        return sample_csv(path, options, header, positions, n)
    if fmt == "xlsx":
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
        landed = land_csv(con, path, options, header, wanted, table, work_dir)
    elif fmt == "xlsx":
        landed = land_xlsx(con, path, options, header, wanted, table)
    else:
        landed = _land_parquet(con, path, header, wanted, table)
    _find_nul_values(con, landed, wanted)
    return landed


def _find_nul_values(
    con: duckdb.DuckDBPyConnection, landed: LandedInput, wanted: list[Wanted]
) -> None:
    """Record every landed value holding a NUL byte as a cell problem."""
    texts = [w for w in wanted if not w.hashed]
    if not texts or not landed.may_hold_nul:
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

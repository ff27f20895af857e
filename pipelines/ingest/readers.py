"""Read one source file (CSV, XLSX or Parquet) into a DuckDB landing table.

The landing table holds the file's contract columns as text, exactly as
exported, plus ``_line_number``: typing and validation happen afterwards in
SQL (``quarantine.py``), so that every bad value is kept with its line.
Personal columns (``full_name``, ``email``, ``comment``) are never selected:
they do not enter the warehouse. Rows that cannot be split into the header's
columns come back as :class:`MalformedRow` for the quarantine.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.contract import PERSONAL_COLUMNS, Source
from pipelines.errors import InputFileError

_CHUNK = 1 << 24
_DELIMITERS = (",", ";", "\t")


@dataclass
class MalformedRow:
    """A record the reader could not split into the header's columns."""

    line_number: int
    reason: str
    original_values: dict[str, str | None]


@dataclass
class LandedFile:
    """What reading one file produced."""

    table: str
    file_format: str
    columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    dropped_personal_columns: tuple[str, ...]
    rows_landed: int
    malformed: list[MalformedRow] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.rows_landed + len(self.malformed)


def _normalise_header(path: Path, names: list[str], source: Source) -> list[str]:
    normalised = [n.strip().lower() for n in names]
    seen: set[str] = set()
    for name in normalised:
        if name and name in seen and name in source.column_names:
            raise InputFileError(str(path), "the column appears twice in the header", name)
        seen.add(name)
    missing = [c for c in source.required_columns if c not in seen]
    if missing:
        raise InputFileError(
            str(path),
            f"required column missing (header has: {', '.join(n for n in normalised if n)})",
            missing[0],
        )
    return normalised


def _split_header(path: Path) -> tuple[str, list[str]]:
    """Detect the delimiter from the header line and split it."""
    with path.open("rb") as fh:
        first = fh.readline(1 << 20)
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"header is not UTF-8 ({exc.reason})") from None
    if not line.strip():
        raise InputFileError(str(path), "the file is empty or has no header row")
    counts = {d: _count_outside_quotes(line, d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])
    names = next(csv.reader([line], delimiter=delimiter))
    return delimiter, names


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def _physical_lines(path: Path) -> tuple[int, bool]:
    """Count lines, and tell whether the file has blank lines (fast path unsafe)."""
    lines, blank, last, tail = 0, False, b"", b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            joined = tail + chunk
            if b"\n\n" in joined or b"\n\r\n" in joined:
                blank = True
            lines += chunk.count(b"\n")
            tail, last = chunk[-2:], chunk
    if last and not last.endswith(b"\n"):
        lines += 1
    return lines, blank


def _select_list(header: list[str], source: Source, positional: bool) -> list[tuple[str, str]]:
    """(landing column, expression) for every stored contract column."""
    out = []
    for col in source.stored_columns:
        if col.name in header:
            i = header.index(col.name)
            out.append((col.name, f'"c{i}"' if positional else f'"{header[i]}"'))
        else:
            out.append((col.name, "null::varchar"))
    return out


def _header_report(header: list[str], source: Source) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ignored = tuple(n for n in header if n and n not in source.column_names)
    personal = tuple(n for n in header if n in PERSONAL_COLUMNS and n in source.column_names)
    return ignored, personal


def _malformed_from_line(
    header: list[str], delimiter: str, line_number: int, text: str, reason: str
) -> MalformedRow:
    try:
        values = next(csv.reader([text], delimiter=delimiter))
    except (csv.Error, StopIteration):
        values = []
    original: dict[str, str | None] = {}
    for i, value in enumerate(values):
        name = header[i] if i < len(header) else f"_extra_{i - len(header) + 1}"
        if name not in PERSONAL_COLUMNS:
            original[name] = value
    return MalformedRow(line_number, reason, original)


def land_csv(con: duckdb.DuckDBPyConnection, path: Path, source: Source, table: str) -> LandedFile:
    """Land a CSV file (any allowed dialect) into ``table``."""
    delimiter, raw_names = _split_header(path)
    header = _normalise_header(path, raw_names, source)
    ignored, personal = _header_report(header, source)
    lines, has_blank = _physical_lines(path)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    select = _select_list(header, source, positional=True)
    rejects = f"{table}_rejects"
    try:
        con.execute(
            f"""
            create or replace temp table {table}_csv as
            select * from read_csv(?, delim=?, header=false, skip=1, columns={columns},
                quote='"', escape='"', auto_detect=false, null_padding=false,
                store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan')
            """,
            [str(path), delimiter],
        )
        rejected = con.execute(
            f"select line, error_type, error_message, csv_line from {rejects} order by line"
        ).fetchall()
    except duckdb.Error as exc:
        raise InputFileError(str(path), f"cannot be read as CSV ({exc})") from None
    landed = con.execute(f"select count(*) from {table}_csv").fetchone()[0]  # type: ignore[index]
    if has_blank or lines != 1 + landed + len(rejected):
        # Quoted line breaks or blank lines: the record-to-line mapping below
        # would be off, so read the file with Python's csv, which tracks lines.
        con.execute(f"drop table {table}_csv")
        return _land_csv_by_python(con, path, source, table, delimiter, header)
    malformed = [
        _malformed_from_line(
            header,
            delimiter,
            line,
            (text or "").strip("\r\n"),
            f"malformed row ({kind.lower()}): {msg}",
        )
        for line, kind, msg, text in rejected
    ]
    # The k-th landed record sits on the k-th line that is neither the header
    # nor a rejected record (no blank lines and no quoted line breaks here).
    exprs = ", ".join(f"{expr} as {name}" for name, expr in select)
    if not malformed:
        # The common case: record k sits on line k + 2.
        con.execute(
            f"create or replace temp table {table} as "
            f"select rowid + 2 as _line_number, {exprs} from {table}_csv"
        )
        con.execute(f"drop table {table}_csv")
        return LandedFile(table, "csv", tuple(header), ignored, personal, landed, malformed)
    bad = ",".join(str(r.line_number) for r in malformed)
    con.execute(
        f"""
        create or replace temp table {table} as
        with lines as (
            select line, row_number() over (order by line) - 1 as ordinal
            from range(2, {lines + 1}) t(line) where line not in ({bad})
        ),
        records as (select rowid as ordinal, * from {table}_csv)
        select lines.line as _line_number, {exprs}
        from records join lines using (ordinal)
        order by _line_number
        """
    )
    con.execute(f"drop table {table}_csv")
    return LandedFile(table, "csv", tuple(header), ignored, personal, landed, malformed)


def _land_csv_by_python(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    table: str,
    delimiter: str,
    header: list[str],
) -> LandedFile:
    ignored, personal = _header_report(header, source)
    wanted = {c.name: header.index(c.name) for c in source.stored_columns if c.name in header}
    data: dict[str, list[str | None]] = {name: [] for name in wanted}
    line_numbers: list[int] = []
    malformed: list[MalformedRow] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            next(reader)
            start = reader.line_num + 1
            for values in reader:
                line, start = start, reader.line_num + 1
                if not values:
                    continue
                if len(values) != len(header):
                    text = delimiter.join(values)
                    reason = f"expected {len(header)} columns, found {len(values)}"
                    malformed.append(_malformed_from_line(header, delimiter, line, text, reason))
                    continue
                line_numbers.append(line)
                for name, i in wanted.items():
                    data[name].append(values[i] if values[i] != "" else None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(str(path), f"cannot be read as UTF-8 CSV ({exc})") from None
    _register(con, table, source, line_numbers, data)
    return LandedFile(table, "csv", tuple(header), ignored, personal, len(line_numbers), malformed)


def _register(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: Source,
    line_numbers: list[int],
    data: dict[str, list[str | None]],
) -> None:
    arrays: dict[str, pa.Array] = {"_line_number": pa.array(line_numbers, pa.int64())}
    for col in source.stored_columns:
        values = data.get(col.name)
        arrays[col.name] = pa.array(
            values if values is not None else [None] * len(line_numbers), pa.string()
        )
    arrow = pa.table(arrays)  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(f"create or replace temp table {table} as select * from arrow")


def _cell_text(value: object) -> str | None:
    """Excel cells come typed; turn them back into contract text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text != "" else None


def _xlsx_rows(path: Path) -> Iterator[tuple[object, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise InputFileError(str(path), f"cannot be read as XLSX ({exc})") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def land_xlsx(con: duckdb.DuckDBPyConnection, path: Path, source: Source, table: str) -> LandedFile:
    """Land the first sheet of an XLSX file; line numbers are sheet row numbers."""
    rows = _xlsx_rows(path)
    first = next(rows, None)
    if first is None:
        raise InputFileError(str(path), "the first sheet is empty")
    header = _normalise_header(path, [str(v) if v is not None else "" for v in first], source)
    ignored, personal = _header_report(header, source)
    wanted = {c.name: header.index(c.name) for c in source.stored_columns if c.name in header}
    data: dict[str, list[str | None]] = {name: [] for name in wanted}
    line_numbers: list[int] = []
    for row_number, row in enumerate(rows, start=2):
        if all(v is None for v in row):
            continue
        line_numbers.append(row_number)
        for name, i in wanted.items():
            data[name].append(_cell_text(row[i]) if i < len(row) else None)
    _register(con, table, source, line_numbers, data)
    return LandedFile(table, "xlsx", tuple(header), ignored, personal, len(line_numbers))


def land_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, source: Source, table: str
) -> LandedFile:
    """Land a Parquet file; line numbers are 1-based row numbers plus one (as if a header)."""
    try:
        described = con.execute("select * from read_parquet(?) limit 0", [str(path)]).description
    except duckdb.Error as exc:
        raise InputFileError(str(path), f"cannot be read as Parquet ({exc})") from None
    raw_names = [d[0] for d in described]
    header = _normalise_header(path, raw_names, source)
    ignored, personal = _header_report(header, source)
    exprs = []
    for col in source.stored_columns:
        if col.name in header:
            name = raw_names[header.index(col.name)].replace('"', '""')
            exprs.append(f"nullif(cast(\"{name}\" as varchar), '') as {col.name}")
        else:
            exprs.append(f"null::varchar as {col.name}")
    con.execute(
        f"""
        create or replace temp table {table} as
        select row_number() over () + 1 as _line_number, {", ".join(exprs)}
        from read_parquet(?)
        """,
        [str(path)],
    )
    landed = con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]
    return LandedFile(table, "parquet", tuple(header), ignored, personal, landed)


def land_file(con: duckdb.DuckDBPyConnection, path: Path, source: Source, table: str) -> LandedFile:
    """Land ``path`` into temp table ``table`` by its extension."""
    ext = path.suffix.lower()
    if ext == ".csv":
        return land_csv(con, path, source, table)
    if ext == ".xlsx":
        return land_xlsx(con, path, source, table)
    if ext == ".parquet":
        return land_parquet(con, path, source, table)
    raise InputFileError(str(path), f"unsupported file type {ext!r} (csv, xlsx or parquet)")


__all__ = ["LandedFile", "MalformedRow", "land_file"]

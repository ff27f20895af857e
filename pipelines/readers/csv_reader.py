"""CSV files: DuckDB's fast strict reader, and Python's csv module where DuckDB refuses.

DuckDB reads a file in one parallel scan but does not tell record lines; the
loader maps records to lines and checks the mapping against the file's line
count. Whenever that check fails (blank lines, quoted line breaks, a line DuckDB
skipped) or DuckDB refuses the file outright (mixed CRLF/LF line endings, a
state its strict parser rejects), the file is read again by Python's ``csv``
module, which tracks lines and splits anything. Both readers apply the same
rules to a bad record (too long, not valid text, wrong number of fields), so
the outcome never depends on which one read the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import InputFileError
from pipelines.readers.files import (
    MAX_RECORD_BYTES,
    MAX_RECORD_LABEL,
    bom_encoding,
    count_lines,
    looks_binary,
    open_regular,
    transcode_to_utf8,
)
from pipelines.readers.formats import (
    Header,
    LandedInput,
    MalformedRow,
    ReadOptions,
    Wanted,
    hashed_sql,
    register_columns,
)

_DELIMITERS = (",", ";", "\t")
_HEAD_BYTES = MAX_RECORD_BYTES + 4096
# Python's csv module refuses fields over 128 KiB by default; records are
# limited by MAX_RECORD_BYTES instead, after they are split.
csv.field_size_limit(2**31 - 1)

_ENCODING_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}


def _label(encoding: str) -> str:
    return _ENCODING_LABELS.get(encoding, encoding.upper())


def _declare_hint(path: Path, encoding: str) -> str:
    return (
        f"declare it in a mapping (files: <name>: {{pattern: {path.name}, encoding: {encoding}}}, "
        "see mappings/README.md)"
    )


def read_csv_header(path: Path, options: ReadOptions) -> Header:
    """Read the header line (``options.header_row``) and detect the delimiter."""
    with open_regular(path) as fh:
        head = fh.read(_HEAD_BYTES)
    if not head.strip():
        raise InputFileError(str(path), "the file is empty or has no header row")
    bom = bom_encoding(head)
    if options.encoding == "utf-16":
        if bom != "UTF-16":
            raise InputFileError(
                str(path), "is declared utf-16 but does not start with a UTF-16 byte-order mark"
            )
        text = codecs.getincrementaldecoder("utf-16")(errors="replace").decode(head)
        lines = text.splitlines(keepends=True)
        line = _header_line(path, lines, options.header_row, len(head) == _HEAD_BYTES)
        if "\ufffd" in line:
            raise InputFileError(str(path), "the header is not valid UTF-16")
    else:
        if bom is not None:
            raise InputFileError(
                str(path),
                f"is {bom} (it starts with a {bom} byte-order mark), not "
                f"{_label(options.encoding)}: {_declare_hint(path, bom.lower())}",
            )
        if looks_binary(head):
            raise InputFileError(str(path), "is not a CSV text file (it holds binary data)")
        raw_lines = head.splitlines(keepends=True)
        raw = _header_line(path, raw_lines, options.header_row, len(head) == _HEAD_BYTES)
        line = _decode_header(path, raw, options)
    line = line.lstrip("\ufeff").rstrip("\r\n")
    if not line.strip():
        raise InputFileError(
            str(path),
            "the file is empty or has no header row"
            if options.header_row == 1
            else f"line {options.header_row} (the mapping's header_row) is blank",
        )
    delimiter = options.delimiter or _detect_delimiter(line)
    try:
        names = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise InputFileError(str(path), "the header line cannot be split into columns") from None
    return Header(tuple(names), "csv", delimiter)


def _header_line(path: Path, lines: list[Any], header_row: int, truncated: bool) -> Any:
    complete = lines if not truncated else lines[:-1]
    if len(complete) < header_row:
        if truncated:
            raise InputFileError(
                str(path), f"the header line is longer than {MAX_RECORD_LABEL}; is it a CSV file?"
            )
        raise InputFileError(
            str(path),
            "the file is empty or has no header row"
            if header_row == 1
            else f"has no line {header_row} (the mapping's header_row)",
        )
    return lines[header_row - 1]


def _decode_header(path: Path, raw: bytes, options: ReadOptions) -> str:
    try:
        return raw.decode(options.encoding)
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        declared = " although the mapping declares utf-8" if options.mapped else ""
        raise InputFileError(
            str(path),
            f"the header is not {_label(options.encoding)}{declared} (byte 0x{byte:02X} at "
            f"position {exc.start + 1}); if the file is Windows-1252 or Latin-1, "
            + _declare_hint(path, "cp1252"),
        ) from None


def _detect_delimiter(line: str) -> str:
    counts = {d: _count_outside_quotes(line, d) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


# -- records, as Python reads them ------------------------------------------------


@dataclass
class _Record:
    line: int
    last_line: int
    fields: list[str]
    #: The record's text as in the file (undecodable bytes kept as surrogates),
    #: without its final line break.
    body: str


def _strip_break(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return text


def _records(path: Path, encoding: str, delimiter: str, header_row: int) -> Iterator[_Record]:
    """Every record after the header with the physical line it starts on (blank lines skipped)."""
    with open_regular(path) as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
        consumed: list[str] = []

        def physical() -> Iterator[str]:
            first = True
            for text in stream:
                if first:
                    text, first = text.lstrip("\ufeff"), False
                consumed.append(text)
                yield text

        lines = physical()
        for _ in range(header_row):
            if next(lines, None) is None:
                return
        consumed.clear()
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
        line = header_row
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                fields = None  # type: ignore[assignment]
            start, line = line + 1, line + len(consumed)
            body = _strip_break("".join(consumed))
            consumed.clear()
            if fields == []:
                continue
            yield _Record(start, line, fields if fields is not None else [], body)


def _record_problem(
    body: str, fields: int, expected: int, encoding: str, lines: tuple[int, int] | None = None
) -> str | None:
    """Why a record cannot be landed (the same rules for both readers), or None."""
    size = len(body)
    if size * 4 > MAX_RECORD_BYTES and size <= MAX_RECORD_BYTES:
        size = len(body.encode("utf-8", "surrogateescape"))
    if size > MAX_RECORD_BYTES:
        return f"the record is {size:,} bytes long, over the {MAX_RECORD_LABEL} limit"
    if not body.isascii():
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:
            return f"the line is not valid {_label(encoding)}" + (
                " (if the file is Windows-1252 or Latin-1, declare its encoding in a mapping)"
                if encoding == "utf-8"
                else ""
            )
    multiline = bool(lines and lines[1] > lines[0])
    if body.count('"') % 2 and (multiline or fields != expected):
        # An odd quote that swallowed line breaks (or fields): a quote opened, never closed.
        # A stray quote inside a one-line value that splits right is read as a character.
        span = f" (the record runs over lines {lines[0]}-{lines[1]})" if multiline and lines else ""
        return f"a quoted value is not closed{span}"
    if fields != expected:
        return f"expected {expected} fields, found {fields}"
    return None


def _malformed(line: int, reason: str, fields: int, body: str) -> MalformedRow:
    digest = hashlib.sha256(body.encode("utf-8", "surrogateescape")).hexdigest()
    return MalformedRow(line, f"malformed row: {reason}", fields, digest)


def sample_csv(
    path: Path, options: ReadOptions, header: Header, positions: list[int], n: int
) -> dict[int, list[str]]:
    """Non-empty trimmed values of some columns in the first ``n`` well-formed records."""
    out: dict[int, list[str]] = {p: [] for p in positions}
    expected = len(header.names)
    assert header.delimiter is not None
    for i, rec in enumerate(_records(path, options.encoding, header.delimiter, options.header_row)):
        if i >= n:
            break
        if _record_problem(rec.body, len(rec.fields), expected, options.encoding):
            continue
        for p in positions:
            value = rec.fields[p].strip()
            if value:
                out[p].append(value)
    return out


# -- landing -------------------------------------------------------------------


def land_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ReadOptions,
    header: Header,
    wanted: list[Wanted],
    table: str,
    work_dir: Path,
) -> LandedInput:
    """Land a CSV file: DuckDB when it reads the file exactly, else Python's csv."""
    readable = path
    if options.encoding != "utf-8":
        readable = transcode_to_utf8(path, options.encoding, work_dir)
    lines, has_blank, utf8, has_nul = count_lines(readable)
    landed = None
    # DuckDB 1.5 can fail with an internal error that invalidates the whole database
    # on invalid UTF-8 in a projected column: such files go to Python's reader.
    if not has_blank and utf8:
        landed = _land_by_duckdb(con, readable, options, header, wanted, table, lines)
    if landed is None:
        landed = _land_by_python(con, readable, options, header, wanted, table)
    landed.may_hold_nul = has_nul
    return landed


def _land_by_duckdb(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ReadOptions,
    header: Header,
    wanted: list[Wanted],
    table: str,
    lines: int,
) -> LandedInput | None:
    """Land with DuckDB; None when DuckDB cannot account for every line."""
    n = len(header.names)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"
    select = [
        f"{hashed_sql(f'c{w.position}') if w.hashed else f'c{w.position}'} as {w.name}"
        for w in wanted
    ] or ["(c0 is null) as __unused"]
    data, rejects, scan = f"{table}_data", f"{table}_rejects", f"{table}_rejects_scan"

    def cleanup(*tables: str) -> None:
        for name in tables:
            con.execute(f"drop table if exists {name}")

    cleanup(data, rejects, scan)
    try:
        con.execute(
            f"""
            create temp table {data} as
            select {", ".join(select)} from read_csv(?, delim=?, header=false,
                skip={options.header_row}, columns={columns}, quote='"', escape='"',
                auto_detect=false, null_padding=false, max_line_size={MAX_RECORD_BYTES},
                store_rejects=true, rejects_table='{rejects}', rejects_scan='{scan}')
            """,
            [str(path), header.delimiter],
        )
        rejected = con.execute(
            f"select line, min(error_type) from {rejects} group by line order by line"
        ).fetchall()
    except duckdb.Error:
        cleanup(data, rejects, scan)
        return None
    cleanup(rejects, scan)
    count = con.execute(f"select count(*) from {data}").fetchone()
    landed = int(count[0]) if count else 0
    if lines != options.header_row + landed + len(rejected):
        cleanup(data)
        return None
    malformed = _malformed_lines(path, dict(rejected), n, options.encoding)
    first_line = options.header_row + 1
    if not malformed:
        # The common case: record k sits on line k + header_row + 1.
        con.execute(
            f"create or replace temp view {table} as "
            f"select rowid + {first_line} as __line, * from {data}"
        )
        objects = [("view", table), ("table", data)]
        return LandedInput(table, "csv", landed, temp_objects=objects)
    bad = ",".join(str(m.line_number) for m in malformed)
    # The k-th landed record sits on the k-th line that is neither header nor rejected
    # (no blank lines and no quoted line breaks here: the line count matched).
    con.execute(
        f"""
        create or replace temp table {table} as
        with lines as (
            select line, row_number() over (order by line) - 1 as ordinal
            from range({first_line}, {lines + 1}) t(line) where line not in ({bad})
        ),
        records as (select rowid as ordinal, * from {data})
        select lines.line as __line, records.* exclude (ordinal)
        from records join lines using (ordinal)
        order by __line
        """
    )
    cleanup(data)
    return LandedInput(table, "csv", landed, malformed, temp_objects=[("table", table)])


def _malformed_lines(
    path: Path, rejected: dict[int, str], expected: int, encoding: str
) -> list[MalformedRow]:
    """The rejected lines as malformed rows, judged by the same rules as the Python reader."""
    if not rejected:
        return []
    out = []
    last = max(rejected)
    with open_regular(path) as fh:
        for number, raw in enumerate(fh, start=1):
            if number > last:
                break
            if number not in rejected:
                continue
            body = _strip_break(raw.decode("utf-8", "surrogateescape"))
            try:
                fields = len(next(csv.reader([body]), []))
            except csv.Error:
                fields = 0
            reason = _record_problem(body, fields, expected, encoding)
            if reason is None:
                kind = rejected[number].lower()
                reason = (
                    "a quoted value is not closed"
                    if "quote" in kind
                    else f"the record cannot be split into fields ({kind})"
                )
            out.append(_malformed(number, reason, fields, body))
    return out


def _land_by_python(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ReadOptions,
    header: Header,
    wanted: list[Wanted],
    table: str,
) -> LandedInput:
    expected = len(header.names)
    assert header.delimiter is not None
    data: dict[Wanted, list[str | None]] = {w: [] for w in wanted}
    line_numbers: list[int] = []
    malformed: list[MalformedRow] = []
    for rec in _records(path, "utf-8", header.delimiter, options.header_row):
        problem = _record_problem(
            rec.body, len(rec.fields), expected, options.encoding, (rec.line, rec.last_line)
        )
        if problem is not None:
            malformed.append(_malformed(rec.line, problem, len(rec.fields), rec.body))
            continue
        line_numbers.append(rec.line)
        for w, values in data.items():
            value = rec.fields[w.position]
            values.append(value if value != "" else None)
    register_columns(con, table, line_numbers, data)
    return LandedInput(table, "csv", len(line_numbers), malformed, temp_objects=[("table", table)])

"""XLSX files: one sheet (the first, or the mapping's ``sheet``), line numbers = sheet rows.

Cells come typed; they are turned back into contract text (a date cell is
``YYYY-MM-DD``, the number 3 is ``3``). A formula cell is read as the value
Excel saved with it, which is what the person who exported the file saw; a
formula saved without a value (a file written by a program, never opened in
Excel) cannot be read, so its row is quarantined rather than loaded empty.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import InputFileError
from pipelines.readers.files import open_regular
from pipelines.readers.formats import Header, LandedInput, ReadOptions, Wanted, register_columns

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_FORMULA_REASON = (
    "a formula saved without its value (open and save the file in Excel, or export values)"
)


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


@contextmanager
def _sheet_rows(path: Path, options: ReadOptions, data_only: bool) -> Iterator[Iterator[tuple]]:  # type: ignore[type-arg]
    from openpyxl import load_workbook

    with open_regular(path) as fh:
        try:
            workbook = load_workbook(fh, read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise InputFileError(str(path), f"cannot be read as XLSX ({_short(exc)})") from None
        try:
            if options.sheet is None:
                if not workbook.worksheets:
                    raise InputFileError(str(path), "the workbook has no sheet")
                sheet = workbook.worksheets[0]
            elif options.sheet in workbook.sheetnames:
                sheet = workbook[options.sheet]
            else:
                raise InputFileError(
                    str(path), f"has no sheet named {options.sheet!r} (the mapping's sheet)"
                )
            yield _guarded(path, sheet.iter_rows(values_only=True))
        finally:
            workbook.close()


def _guarded(path: Path, rows: Iterator[tuple]) -> Iterator[tuple]:  # type: ignore[type-arg]
    try:
        yield from rows
    except InputFileError:
        raise
    except Exception as exc:  # a damaged sheet fails in the middle of the rows
        raise InputFileError(str(path), f"cannot be read as XLSX ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _has_formulas(path: Path) -> bool:
    """True when any worksheet of the file holds a formula (a second pass is then needed)."""
    with open_regular(path) as fh, zipfile.ZipFile(fh) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as member:
                tail = b""
                while chunk := member.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


def read_xlsx_header(path: Path, options: ReadOptions) -> Header:
    """The names in the sheet's header row."""
    with _sheet_rows(path, options, data_only=True) as rows:
        for number, row in enumerate(rows, start=1):
            if number == options.header_row:
                if all(v is None for v in row):
                    break
                return Header(tuple(str(v) if v is not None else "" for v in row), "xlsx")
    raise InputFileError(
        str(path),
        "the first sheet is empty"
        if options.header_row == 1
        else f"row {options.header_row} (the mapping's header_row) is empty",
    )


def _rows(path: Path, options: ReadOptions) -> Iterator[tuple[int, tuple, tuple | None]]:  # type: ignore[type-arg]
    """(row number, values, formulas or None) for every row after the header."""
    formulas = _has_formulas(path)
    with _sheet_rows(path, options, data_only=True) as values:
        if not formulas:
            for number, row in enumerate(values, start=1):
                if number > options.header_row:
                    yield number, row, None
            return
        with _sheet_rows(path, options, data_only=False) as raw:
            for number, (row, written) in enumerate(zip_longest(values, raw), start=1):
                if number > options.header_row:
                    yield number, row or (), written


def _formula_without_value(value: Any, written: tuple | None, position: int) -> bool:  # type: ignore[type-arg]
    if value is not None or written is None or position >= len(written):
        return False
    cell = written[position]
    return isinstance(cell, str) and cell.startswith("=")


def land_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    options: ReadOptions,
    header: Header,
    wanted: list[Wanted],
    table: str,
) -> LandedInput:
    """Land the sheet's rows; empty rows are not rows."""
    data: dict[Wanted, list[str | None]] = {w: [] for w in wanted}
    line_numbers: list[int] = []
    problems: list[tuple[int, int, str]] = []
    for number, row, written in _rows(path, options):
        if all(v is None for v in row) and not (written and any(v is not None for v in written)):
            continue
        line_numbers.append(number)
        for w, column in data.items():
            value = row[w.position] if w.position < len(row) else None
            if _formula_without_value(value, written, w.position):
                problems.append((number, w.position, _FORMULA_REASON))
            column.append(_cell_text(value))
    register_columns(con, table, line_numbers, data)
    landed = LandedInput(table, "xlsx", len(line_numbers), temp_objects=[("table", table)])
    if problems:
        landed.problems = f"{table}_problems"
        con.execute(
            f"create or replace temp table {landed.problems} "
            "(__line bigint, position integer, reason varchar)"
        )
        con.executemany(f"insert into {landed.problems} values (?, ?, ?)", problems)
        landed.temp_objects.append(("table", landed.problems))
    return landed


def sample_xlsx(
    path: Path, options: ReadOptions, positions: list[int], n: int
) -> dict[int, list[str]]:
    """Non-empty text of some columns in the first ``n`` rows."""
    out: dict[int, list[str]] = {p: [] for p in positions}
    with _sheet_rows(path, options, data_only=True) as rows:
        for number, row in enumerate(rows, start=1):
            if number <= options.header_row:
                continue
            if number > options.header_row + n:
                break
            for p in positions:
                text = _cell_text(row[p]) if p < len(row) else None
                if text and text.strip():
                    out[p].append(text.strip())
    return out

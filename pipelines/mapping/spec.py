"""A mapping (contract section 4) as data: how one organisation's files become sources.

A mapping file is YAML (see ``mappings/README.md``)::

    files:
      hr:
        pattern: HRDataset_v14*.csv
        encoding: utf-8
        dates: {formats: ["%m/%d/%y"], two_digit_year_pivot: 2020, columns: [DOB]}
        personal: [Employee_Name]
    sources:
      employees:
        from: hr
        columns:
          employee_id: EmpID
          department: {sql: trim(Department)}
          gender: {column: Sex, translate: {F: female, M: male}}
    lookups:
      person_by_email: {file: hr, match: Email, gives: EmpID}

This module checks the file's *shape* (names, types, required columns fed);
what needs the data (input columns exist, expressions bind, date formats fit)
is checked against the drop by ``plan.py``, still before anything is loaded.
Every error names the mapping file and the line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pipelines.contract import PERSONAL_COLUMNS, SOURCES_BY_NAME, Source
from pipelines.errors import MappingError
from pipelines.mapping.yaml_lines import LineDict, LineList, load_yaml

#: Encodings a mapping may declare, and the Python codec that reads each.
ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
}
DELIMITERS: dict[str, str] = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
ISO_FORMAT = "%Y-%m-%d"

FeedKind = Literal["column", "value", "sql", "lookup"]


@dataclass(frozen=True)
class DateRule:
    """How a file writes dates: its formats, tried in order, and the two-digit-year rule."""

    formats: tuple[str, ...]
    #: The latest year a two-digit year may mean (2020: ``51`` is 1951, ``20`` is 2020).
    pivot: int | None
    #: Input columns read as dates for expressions (besides those feeding a date directly).
    columns: tuple[str, ...]
    line: int

    def describe(self) -> str:
        text = " or ".join(self.formats)
        two_digit = self.pivot and any("%y" in f for f in self.formats)
        return text + (f", two-digit years up to {self.pivot}" if two_digit else "")


@dataclass(frozen=True)
class FileSpec:
    """One input file (a name or glob in the drop) and how to read it."""

    name: str
    pattern: str
    delimiter: str | None
    encoding: str
    header_row: int
    decimal: str
    dates: DateRule | None
    personal: tuple[str, ...]
    sheet: str | None
    line: int
    canonical: bool = False


@dataclass(frozen=True)
class Feed:
    """What feeds one contract column: an input column, a constant, an expression or a lookup."""

    kind: FeedKind
    #: The input column, the constant, the SQL text or the lookup's name.
    text: str
    line: int
    #: For a lookup: the input column whose value is looked up.
    column: str | None = None
    #: Value translations, matched on the trimmed, lower-cased value.
    translate: tuple[tuple[str, str | None], ...] = ()

    def describe(self) -> str:
        what = {
            "column": f"column {self.text}",
            "value": f"constant {self.text!r}",
            "sql": f"expression {' '.join(self.text.split())}",
            "lookup": f"lookup {self.text} of column {self.column}",
        }[self.kind]
        return what + (f", translated ({len(self.translate)} values)" if self.translate else "")


@dataclass(frozen=True)
class SourceSpec:
    """How one contract source is fed."""

    source: str
    inputs: tuple[str, ...]
    columns: dict[str, Feed]
    #: Contract personal columns named in the mapping: their input column is dropped.
    personal_inputs: dict[str, str]
    where: str | None
    line: int
    where_line: int = 0


@dataclass(frozen=True)
class LookupSpec:
    """Identity resolution: a column of an HR file that gives the employee_id."""

    name: str
    file: str
    match: str
    gives: Feed | None
    line: int


@dataclass(frozen=True)
class Mapping:
    """A whole mapping; the empty mapping is the canonical contract."""

    path: Path | None
    files: dict[str, FileSpec] = field(default_factory=dict)
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    lookups: dict[str, LookupSpec] = field(default_factory=dict)
    sha256: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) if self.path else "the canonical contract"

    def error(self, line: int | None, reason: str, column: str | None = None) -> MappingError:
        """A :class:`MappingError` naming this mapping's file and ``line``."""
        return MappingError(self.label, line, reason, column)

    def manifest_record(self) -> dict[str, object] | None:
        if self.path is None:
            return None
        return {"file": str(self.path), "sha256": self.sha256}


CANONICAL = Mapping(path=None)

_TOP_KEYS = {"mapping", "files", "sources", "lookups"}
_FILE_KEYS = {
    "pattern", "delimiter", "encoding", "header_row", "decimal", "dates", "personal", "sheet",
}  # fmt: skip
_DATE_KEYS = {"formats", "two_digit_year_pivot", "columns"}
_SOURCE_KEYS = {"from", "columns", "where"}
_FEED_KEYS = {"column", "value", "sql", "lookup", "translate"}
_LOOKUP_KEYS = {"file", "match", "gives"}
_YEAR = re.compile(r"%[Yy]")
_MONTH_OR_DAY = re.compile(r"%[mdbBj]")


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raise :class:`MappingError` naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(str(path), None, "no such mapping file")
    data = load_yaml(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    mapping = Mapping(path=path, sha256=sha)
    if not isinstance(data, LineDict):
        raise mapping.error(1, "a mapping is a YAML mapping with files: and sources:")
    _unknown_keys(mapping, data, _TOP_KEYS, "a mapping")
    if data.get("mapping", 1) != 1:
        raise mapping.error(data.line_of("mapping"), "unknown mapping version (this code reads 1)")
    files = _files(mapping, data.get("files"), data.line_of("files"))
    mapping = Mapping(path=path, files=files, sha256=sha)
    lookups = _lookups(mapping, data.get("lookups") or LineDict(), data.line_of("lookups"))
    mapping = Mapping(path=path, files=files, lookups=lookups, sha256=sha)
    sources = _sources(mapping, data.get("sources"), data.line_of("sources"))
    return Mapping(path=path, files=files, sources=sources, lookups=lookups, sha256=sha)


def _unknown_keys(mapping: Mapping, data: LineDict, allowed: set[str], what: str) -> None:
    for key in data:
        if key not in allowed:
            raise mapping.error(
                data.line_of(key),
                f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
            )


def _text(mapping: Mapping, value: Any, line: int, what: str) -> str:
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    raise mapping.error(line, f"{what} must be a non-empty text")


def _text_list(mapping: Mapping, value: Any, line: int, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (_text(mapping, value, line, what),)
    if isinstance(value, LineList):
        return tuple(_text(mapping, v, value.line_of(i), what) for i, v in enumerate(value))
    raise mapping.error(line, f"{what} must be a text or a list of texts")


def _files(mapping: Mapping, data: Any, line: int) -> dict[str, FileSpec]:
    if not isinstance(data, LineDict) or not data:
        raise mapping.error(line or 1, "files: must name at least one input file")
    out = {}
    for name, spec in data.items():
        at = data.line_of(name)
        if not isinstance(spec, LineDict):
            raise mapping.error(at, f"file {name!r} must be a mapping with at least pattern:")
        out[str(name)] = _file(mapping, str(name), spec, at)
    return out


def _file(mapping: Mapping, name: str, spec: LineDict, line: int) -> FileSpec:
    _unknown_keys(mapping, spec, _FILE_KEYS, f"file {name!r}")
    if "pattern" not in spec:
        raise mapping.error(line, f"file {name!r} has no pattern: (a file name or glob)")
    pattern = _text(mapping, spec["pattern"], spec.line_of("pattern"), "pattern")
    if "/" in pattern or "\\" in pattern:
        raise mapping.error(
            spec.line_of("pattern"), "pattern names a file inside the drop, without folders"
        )
    delimiter = spec.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise mapping.error(
            spec.line_of("delimiter"),
            f"delimiter {delimiter!r} is not one of: {', '.join(repr(d) for d in DELIMITERS)}",
        )
    encoding = str(spec.get("encoding", "utf-8")).lower()
    if encoding not in ENCODINGS:
        raise mapping.error(
            spec.line_of("encoding"),
            f"encoding {encoding!r} is not one of: {', '.join(ENCODINGS)}",
        )
    header_row = spec.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise mapping.error(spec.line_of("header_row"), "header_row must be a line number >= 1")
    decimal = str(spec.get("decimal", "."))
    if decimal not in (".", ","):
        raise mapping.error(spec.line_of("decimal"), "decimal must be '.' or ','")
    dates = None
    if "dates" in spec:
        dates = _dates(mapping, spec["dates"], spec.line_of("dates"))
    return FileSpec(
        name=name,
        pattern=pattern,
        delimiter=DELIMITERS[delimiter] if delimiter is not None else None,
        encoding=ENCODINGS[encoding],
        header_row=header_row,
        decimal=decimal,
        dates=dates,
        personal=_text_list(mapping, spec.get("personal"), spec.line_of("personal"), "personal"),
        sheet=str(spec["sheet"]) if spec.get("sheet") is not None else None,
        line=line,
    )


def _dates(mapping: Mapping, data: Any, line: int) -> DateRule:
    if not isinstance(data, LineDict):
        raise mapping.error(line, "dates: takes formats:, two_digit_year_pivot: and columns:")
    _unknown_keys(mapping, data, _DATE_KEYS, "dates")
    formats = _text_list(mapping, data.get("formats"), data.line_of("formats"), "a date format")
    if not formats:
        raise mapping.error(line, 'dates: needs formats: (e.g. ["%m/%d/%y"])')
    for fmt in formats:
        if not _YEAR.search(fmt) or not _MONTH_OR_DAY.search(fmt):
            raise mapping.error(
                data.line_of("formats"),
                f"date format {fmt!r} needs a year (%Y or %y) and a month and day (%m, %d)",
            )
    pivot = data.get("two_digit_year_pivot")
    if pivot is not None and not (isinstance(pivot, int) and 1900 <= pivot <= 2200):
        raise mapping.error(
            data.line_of("two_digit_year_pivot"), "two_digit_year_pivot must be a year, e.g. 2025"
        )
    if pivot is None and any("%y" in f for f in formats):
        raise mapping.error(
            data.line_of("formats"),
            "a format with a two-digit year (%y) needs two_digit_year_pivot: the latest year "
            "a two-digit year may mean (with 2025, 51 is 1951 and 25 is 2025)",
        )
    columns = _text_list(mapping, data.get("columns"), data.line_of("columns"), "a date column")
    return DateRule(formats=formats, pivot=pivot, columns=columns, line=data.line_of("formats"))


def _lookups(mapping: Mapping, data: Any, line: int) -> dict[str, LookupSpec]:
    if not isinstance(data, LineDict):
        raise mapping.error(line, "lookups: is a mapping of lookup names")
    out = {}
    for name, spec in data.items():
        at = data.line_of(name)
        if not isinstance(spec, LineDict):
            raise mapping.error(at, f"lookup {name!r} takes file:, match: and gives:")
        _unknown_keys(mapping, spec, _LOOKUP_KEYS, f"lookup {name!r}")
        file = _text(mapping, spec.get("file"), spec.line_of("file"), "file")
        if file not in mapping.files:
            raise mapping.error(spec.line_of("file"), f"lookup {name!r}: no file named {file!r}")
        match = _text(mapping, spec.get("match"), spec.line_of("match"), "match")
        gives = None
        if "gives" in spec:
            gives = _feed(mapping, spec["gives"], spec.line_of("gives"), f"lookup {name!r}")
            if gives.kind not in ("column", "sql") or gives.translate:
                raise mapping.error(
                    spec.line_of("gives"), "gives: is an input column or {sql: ...}"
                )
        out[str(name)] = LookupSpec(str(name), file, match, gives, at)
    return out


def _sources(mapping: Mapping, data: Any, line: int) -> dict[str, SourceSpec]:
    if not isinstance(data, LineDict) or not data:
        raise mapping.error(line or 1, "sources: must map at least one contract source")
    out = {}
    for name, spec in data.items():
        at = data.line_of(name)
        source = SOURCES_BY_NAME.get(str(name))
        if source is None:
            raise mapping.error(
                at, f"{name!r} is not a contract source (sources: {', '.join(SOURCES_BY_NAME)})"
            )
        if not isinstance(spec, LineDict):
            raise mapping.error(at, f"source {name!r} takes from: and columns:")
        out[source.name] = _source(mapping, source, spec, at)
    return out


def _source(mapping: Mapping, source: Source, spec: LineDict, line: int) -> SourceSpec:
    _unknown_keys(mapping, spec, _SOURCE_KEYS, f"source {source.name!r}")
    inputs = _text_list(mapping, spec.get("from"), spec.line_of("from"), "from")
    if not inputs:
        raise mapping.error(line, f"{source.name}: from: names the file(s) that feed it")
    for name in inputs:
        if name not in mapping.files:
            raise mapping.error(
                spec.line_of("from"),
                f"{source.name}: no file named {name!r} under files: "
                f"(files: {', '.join(mapping.files)})",
            )
    if len(set(inputs)) != len(inputs):
        raise mapping.error(spec.line_of("from"), f"{source.name}: a file is named twice")
    columns_data = spec.get("columns")
    if not isinstance(columns_data, LineDict):
        raise mapping.error(
            spec.line_of("columns"), f"{source.name}: columns: maps contract columns to inputs"
        )
    columns: dict[str, Feed] = {}
    personal: dict[str, str] = {}
    for column, value in columns_data.items():
        at = columns_data.line_of(column)
        if column not in source.column_names:
            raise mapping.error(
                at,
                f"{source.name} has no column {column!r} "
                f"(columns: {', '.join(source.column_names)})",
                str(column),
            )
        feed = _feed(mapping, value, at, f"{source.name}.{column}")
        if column in PERSONAL_COLUMNS:
            if feed.kind != "column" or feed.translate:
                raise mapping.error(
                    at,
                    f"{source.name}.{column} is personal data and never stored: name its input "
                    "column (it is dropped), or leave it out",
                    str(column),
                )
            personal[column] = feed.text
            continue
        if feed.kind == "lookup" and source.column(column).type != "id":
            raise mapping.error(at, f"{source.name}.{column}: a lookup gives an id", str(column))
        columns[column] = feed
    missing = [c for c in source.required_columns if c not in columns]
    if missing:
        raise mapping.error(
            spec.line_of("columns"),
            f"{source.name}: required column {missing[0]} is not fed",
            missing[0],
        )
    ordered = {c: columns[c] for c in source.column_names if c in columns}
    where = spec.get("where")
    if where is not None:
        where = _text(mapping, where, spec.line_of("where"), "where")
    return SourceSpec(
        source=source.name,
        inputs=inputs,
        columns=ordered,
        personal_inputs=personal,
        where=where,
        line=line,
        where_line=spec.line_of("where"),
    )


def _feed(mapping: Mapping, value: Any, line: int, what: str) -> Feed:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return Feed("column", _text(mapping, value, line, f"{what}'s input column"), line)
    if not isinstance(value, LineDict):
        raise mapping.error(
            line, f"{what}: give an input column, or one of column:, value:, sql:, lookup:"
        )
    _unknown_keys(mapping, value, _FEED_KEYS, what)
    kinds = [k for k in ("column", "value", "sql", "lookup") if k in value]
    if len(kinds) != 1 and not (set(kinds) == {"lookup", "column"}):
        raise mapping.error(
            line, f"{what}: give exactly one of column:, value:, sql: (or lookup: with column:)"
        )
    translate = _translate(mapping, value.get("translate"), value.line_of("translate"), what)
    if "lookup" in value:
        name = _text(mapping, value["lookup"], value.line_of("lookup"), "lookup")
        if name not in mapping.lookups:
            raise mapping.error(value.line_of("lookup"), f"{what}: no lookup named {name!r}")
        column = _text(mapping, value.get("column"), value.line_of("column"), "column")
        if translate:
            raise mapping.error(value.line_of("translate"), f"{what}: a lookup is not translated")
        return Feed("lookup", name, line, column=column)
    kind = kinds[0]
    raw = value[kind]
    if kind == "value":
        if raw is not None and not isinstance(raw, str | int):
            raise mapping.error(value.line_of(kind), f"{what}: value: is one text or number")
        return Feed("value", "" if raw is None else str(raw), line, translate=translate)
    text = _text(mapping, raw, value.line_of(kind), f"{what}'s {kind}")
    return Feed(kind, text, line, translate=translate)  # type: ignore[arg-type]


def _translate(
    mapping: Mapping, data: Any, line: int, what: str
) -> tuple[tuple[str, str | None], ...]:
    if data is None:
        return ()
    if not isinstance(data, LineDict):
        raise mapping.error(line, f"{what}: translate: is a table of value: translation")
    out: dict[str, str | None] = {}
    for key, target in data.items():
        at = data.line_of(key)
        if isinstance(target, LineDict | LineList):
            raise mapping.error(at, f"{what}: translation of {key!r} must be one value")
        normalised = str(key).strip().lower() if key is not None else ""
        if normalised in out:
            raise mapping.error(at, f"{what}: {key!r} is translated twice")
        out[normalised] = None if target is None or str(target) == "" else str(target)
    return tuple(out.items())

"""A mapping applied to one drop: which input columns feed which contract columns, as SQL.

:func:`plan_drop` reads every matched file's header (its first lines only),
resolves each feed to input columns and compiles it to SQL, then checks the
whole plan against the drop before anything is loaded: every input column
named exists, every expression parses and binds, every date format reads the
file's first values. A problem is a :class:`MappingError` naming the mapping
file, the line and the input column; a canonical file lacking a required
column is an :class:`InputFileError` naming the file and the column.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from pipelines.contract import PERSONAL_COLUMNS, SOURCES_BY_NAME, Column, Source
from pipelines.errors import InputFileError
from pipelines.mapping import sql as q
from pipelines.mapping.drop_files import DropFiles, sort_drop
from pipelines.mapping.spec import DateRule, Feed, FileSpec, LookupSpec, Mapping, SourceSpec
from pipelines.readers.dispatch import read_header, sample_values
from pipelines.readers.formats import Header, ReadOptions, Wanted

_CANONICAL_OPTIONS = ReadOptions()
#: Values read from the top of a file to check its date formats.
DATE_SAMPLE = 1000


@dataclass
class InputFile:
    """One file of the drop, with its header; landed once however many sources it feeds."""

    key: str
    path: Path
    spec: FileSpec | None
    options: ReadOptions
    header: Header
    #: Input columns typed as dates in expressions (positions).
    date_positions: set[int] = field(default_factory=set)
    personal: set[str] = field(default_factory=set)
    wanted: dict[str, Wanted] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def date_rule(self) -> DateRule | None:
        return self.spec.dates if self.spec else None

    def display(self, position: int) -> str:
        """A column's name as written (trimmed) or, for a canonical file, as matched."""
        name = self.header.names[position].strip()
        if self.spec is None:
            name = name.lower()
        return name or f"(blank, column {position + 1})"

    def positions(self, name: str) -> list[int]:
        wanted = name.strip().lower()
        return [i for i, n in enumerate(self.header.normalised) if n == wanted]

    def suggestion(self, name: str) -> str:
        """`` (did you mean 'X'?)`` for the closest header name (never a personal one)."""
        names = [n.strip() for n in self.header.names if n.strip()]
        names = [n for n in names if n.lower() not in self.personal]
        close = difflib.get_close_matches(name, names, n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""

    def want(self, position: int, hashed: bool = False) -> Wanted:
        w = Wanted(position, hashed)
        self.wanted[w.name] = w
        return w


@dataclass(frozen=True)
class InputColumn:
    """An input column as an expression sees it: its name, position and whether a date."""

    name: str
    position: int
    is_date: bool


@dataclass
class ColumnPlan:
    """How one contract column of one (source, file) is computed."""

    column: Column
    feed: Feed
    #: SQL over the typed relation giving the column's text (lookups: None).
    sql: str | None
    inputs: tuple[str, ...]


@dataclass
class LookupPlan:
    """Identity resolution: a hashed column of an HR file to employee ids."""

    spec: LookupSpec
    input: InputFile
    match: int
    gives_sql: str
    used: dict[int, InputColumn]
    table: str


@dataclass
class LookupUse:
    column: str
    lookup: LookupPlan
    wanted: Wanted
    input_name: str


@dataclass
class FeedPlan:
    """One (source, input file) pair: everything needed to land the source's rows."""

    source: Source
    input: InputFile
    spec: SourceSpec | None
    columns: list[ColumnPlan]
    used: dict[int, InputColumn]
    lookups: list[LookupUse]
    ignored: tuple[str, ...]
    personal: tuple[str, ...]
    where: str | None

    def contract_column_of(self, input_name: str) -> str:
        """The contract column an input column feeds (to name it in a quarantine record)."""
        for plan in self.columns:
            if input_name in plan.inputs:
                return plan.column.name
        return input_name


@dataclass
class DropPlan:
    """A whole drop under a mapping."""

    mapping: Mapping
    folder: Path
    as_of: date
    inputs: list[InputFile]
    feeds: dict[str, list[FeedPlan]]
    lookups: dict[str, LookupPlan]
    unknown_files: tuple[str, ...]

    def last_use(self) -> dict[str, str]:
        """For each input, the last source (in load order) whose loading needs it."""
        out: dict[str, str] = {}
        for source, feeds in self.feeds.items():
            for feed in feeds:
                out[feed.input.key] = source
                for use in feed.lookups:
                    out.setdefault(use.lookup.input.key, source)
                    out[use.lookup.input.key] = max(
                        out[use.lookup.input.key], source, key=list(SOURCES_BY_NAME).index
                    )
        return out


def plan_drop(
    folder: Path, mapping: Mapping, as_of: date, paths: list[Path] | None = None
) -> DropPlan:
    """Plan the loading of a drop (or of some of its files) and check it; load nothing."""
    files = sort_drop(folder, mapping, paths)
    con = duckdb.connect()
    try:
        q.session_macros(con, as_of.isoformat())
        plan = _Planner(mapping, files, con).plan(folder, as_of)
        _check_sql(con, plan)
        _check_dates(con, plan)
    finally:
        con.close()
    return plan


class _Planner:
    def __init__(self, mapping: Mapping, files: DropFiles, con: duckdb.DuckDBPyConnection):
        self.mapping = mapping
        self.files = files
        self.con = con
        self.inputs: dict[Path, InputFile] = {}

    def input(self, path: Path, spec: FileSpec | None) -> InputFile:
        if path not in self.inputs:
            options = (
                ReadOptions(spec.delimiter, spec.encoding, spec.header_row, spec.sheet, True)
                if spec
                else _CANONICAL_OPTIONS
            )
            header = read_header(path, options)
            item = InputFile(f"input_{len(self.inputs)}", path, spec, options, header)
            if spec is not None:
                self._declare(item, spec)
            self.inputs[path] = item
        return self.inputs[path]

    def _declare(self, item: InputFile, spec: FileSpec) -> None:
        """Personal and date columns of a mapped file."""
        personal = {p.strip().lower() for p in spec.personal}
        for source in self.mapping.sources.values():
            if spec.name in source.inputs:
                personal |= {v.strip().lower() for v in source.personal_inputs.values()}
        item.personal = personal
        rule = spec.dates
        if rule is None:
            return
        for name in rule.columns:
            item.date_positions.add(self._position(item, name, rule.line, "dates.columns"))
        for source in self.mapping.sources.values():
            if spec.name not in source.inputs:
                continue
            src = SOURCES_BY_NAME[source.source]
            for column, feed in source.columns.items():
                if feed.kind == "column" and src.column(column).type == "date":
                    item.date_positions.add(
                        self._position(item, feed.text, feed.line, f"{source.source}.{column}")
                    )

    def _position(self, item: InputFile, name: str, line: int, what: str) -> int:
        found = item.positions(name)
        if not found:
            raise self.mapping.error(
                line,
                f"{what}: input column {name!r} is not in {item.label}{item.suggestion(name)}",
                name,
            )
        if len(found) > 1:
            raise self.mapping.error(
                line, f"{what}: input column {name!r} appears twice in the header of {item.label}",
                name,
            )  # fmt: skip
        return found[0]

    def plan(self, folder: Path, as_of: date) -> DropPlan:
        feeds: dict[str, list[FeedPlan]] = {}
        lookups: dict[str, LookupPlan] = {}
        for source_name, paths in self.files.source_files(self.mapping).items():
            source = SOURCES_BY_NAME[source_name]
            spec = self.mapping.sources.get(source_name)
            feeds[source_name] = []
            for path in paths:
                if spec is None:
                    feeds[source_name].append(self._canonical(source, self.input(path, None)))
                    continue
                file_spec = self._file_of(spec, path)
                item = self.input(path, file_spec)
                feeds[source_name].append(self._mapped(source, spec, item, lookups))
        if "employees" not in feeds:
            raise self._no_employees(folder)
        return DropPlan(
            mapping=self.mapping,
            folder=folder,
            as_of=as_of,
            inputs=list(self.inputs.values()),
            feeds=feeds,
            lookups=lookups,
            unknown_files=tuple(self.files.unknown),
        )

    def _no_employees(self, folder: Path) -> Exception:
        spec = self.mapping.sources.get("employees")
        if spec is None:
            return InputFileError(
                str(folder), "employees.csv (or .xlsx/.parquet) is missing; it is required"
            )
        patterns = ", ".join(repr(self.mapping.files[f].pattern) for f in spec.inputs)
        return self.mapping.error(
            spec.line, f"employees is required, and no file of {folder} matches {patterns}"
        )

    def _file_of(self, spec: SourceSpec, path: Path) -> FileSpec:
        for name in spec.inputs:
            if path in self.files.mapped.get(name, []):
                return self.mapping.files[name]
        raise AssertionError(path)

    # -- canonical files -----------------------------------------------------------

    def _canonical(self, source: Source, item: InputFile) -> FeedPlan:
        header = item.header.normalised
        for name in source.column_names:
            if header.count(name) > 1:
                raise InputFileError(str(item.path), "the column appears twice in the header", name)
        missing = [c for c in source.required_columns if c not in header]
        if missing:
            found = [c for c in source.column_names if c in header]
            raise InputFileError(
                str(item.path),
                f"required column missing (the header has {len(header)} columns; contract "
                f"columns found: {', '.join(found) if found else 'none'})",
                missing[0],
            )
        used: dict[int, InputColumn] = {}
        columns = []
        for col in source.stored_columns:
            if col.name not in header:
                continue
            position = header.index(col.name)
            item.want(position)
            used[position] = InputColumn(col.name, position, False)
            columns.append(
                ColumnPlan(col, Feed("column", col.name, 0), f"t.{q.ident(col.name)}", (col.name,))
            )
        ignored = tuple(
            item.display(i) for i, n in enumerate(header) if n not in source.column_names
        )
        personal = tuple(n for n in header if n in PERSONAL_COLUMNS and n in source.column_names)
        return FeedPlan(source, item, None, columns, used, [], ignored, personal, None)

    # -- mapped files --------------------------------------------------------------

    def _mapped(
        self, source: Source, spec: SourceSpec, item: InputFile, lookups: dict[str, LookupPlan]
    ) -> FeedPlan:
        used: dict[int, InputColumn] = {}
        columns: list[ColumnPlan] = []
        uses: list[LookupUse] = []
        for name, feed in spec.columns.items():
            col = source.column(name)
            what = f"{source.name}.{name}"
            if feed.kind == "lookup":
                assert feed.column is not None
                position = self._position(item, feed.column, feed.line, what)
                lookup = self._lookup(feed, lookups)
                uses.append(LookupUse(name, lookup, item.want(position, hashed=True), feed.column))
                columns.append(ColumnPlan(col, feed, None, (item.display(position),)))
                continue
            text, inputs = self._feed_sql(item, feed, col, what, used)
            columns.append(ColumnPlan(col, feed, text, inputs))
        where = None
        if spec.where is not None:
            self._expression_inputs(item, spec.where, spec.where_line, f"{source.name}.where", used)
            where = spec.where
        personal = tuple(
            item.display(i) for i, n in enumerate(item.header.normalised) if n in item.personal
        )
        touched = set(used) | {u.wanted.position for u in uses}
        ignored = tuple(
            item.display(i)
            for i, n in enumerate(item.header.normalised)
            if i not in touched and n not in item.personal
        )
        return FeedPlan(source, item, spec, columns, used, uses, ignored, personal, where)

    def _use_named(
        self, item: InputFile, name: str, line: int, what: str, used: dict[int, InputColumn]
    ) -> InputColumn:
        position = self._position(item, name, line, what)
        if item.header.normalised[position] in item.personal:
            raise self.mapping.error(
                line,
                f"{what}: input column {name!r} is personal data (declared personal); it can "
                "only be looked up, never read",
                name,
            )
        item.want(position)
        column = InputColumn(item.display(position), position, position in item.date_positions)
        used[position] = column
        return column

    def _feed_sql(
        self, item: InputFile, feed: Feed, col: Column, what: str, used: dict[int, InputColumn]
    ) -> tuple[str, tuple[str, ...]]:
        if feed.kind == "value":
            return q.translate_sql(f"{q.quote(feed.text)}::varchar", feed), ()
        if feed.kind == "column":
            column = self._use_named(item, feed.text, feed.line, what, used)
            ref = f"t.{q.ident(column.name)}"
            if column.is_date:
                text = f"strftime({ref}, '%Y-%m-%d')"
            elif col.type == "number" and item.spec and item.spec.decimal == ",":
                text = f"replace({ref}, ',', '.')"
            else:
                text = ref
            return q.translate_sql(text, feed), (column.name,)
        inputs = self._expression_inputs(item, feed.text, feed.line, what, used)
        return q.translate_sql(f"cast(({feed.text}) as varchar)", feed), inputs

    def _expression_inputs(
        self, item: InputFile, expression: str, line: int, what: str, used: dict[int, InputColumn]
    ) -> tuple[str, ...]:
        refs = q.column_refs(self.con, expression)
        if isinstance(refs, str):
            raise self.mapping.error(line, f"{what}: the expression {refs}")
        names = []
        for ref in refs:
            if item.positions(ref):
                names.append(self._use_named(item, ref, line, what, used).name)
        # A name that is not a header column (a lambda's parameter, or a typo) is left to
        # DuckDB's binder, whose error names it (see _check_sql).
        return tuple(dict.fromkeys(names))

    def _lookup(self, feed: Feed, lookups: dict[str, LookupPlan]) -> LookupPlan:
        if feed.text in lookups:
            return lookups[feed.text]
        spec = self.mapping.lookups[feed.text]
        paths = self.files.mapped.get(spec.file, [])
        if len(paths) != 1:
            raise self.mapping.error(
                spec.line,
                f"lookup {spec.name}: file {spec.file!r} matches {len(paths)} files of the drop; "
                "a lookup reads exactly one",
            )
        item = self.input(paths[0], self.mapping.files[spec.file])
        match = self._position(item, spec.match, spec.line, f"lookup {spec.name}")
        item.want(match, hashed=True)
        gives = spec.gives or self._default_gives(spec)
        used: dict[int, InputColumn] = {}
        employee = SOURCES_BY_NAME["employees"].column("employee_id")
        gives_sql, _ = self._feed_sql(item, gives, employee, f"lookup {spec.name}.gives", used)
        plan = LookupPlan(spec, item, match, gives_sql, used, f"lookup_{len(lookups)}")
        lookups[spec.name] = plan
        return plan

    def _default_gives(self, spec: LookupSpec) -> Feed:
        employees = self.mapping.sources.get("employees")
        if employees is not None and spec.file in employees.inputs:
            return employees.columns["employee_id"]
        raise self.mapping.error(
            spec.line,
            f"lookup {spec.name}: gives: (the column with the employee_id) is needed, as "
            f"{spec.file!r} does not feed employees",
        )


def typed_columns_ddl(used: dict[int, InputColumn]) -> str:
    cols = [f"{q.ident(c.name)} {'date' if c.is_date else 'varchar'}" for c in used.values()]
    return ", ".join(["__line bigint", *cols]) if cols else "__line bigint"


def _binder_problem(message: str, item: InputFile) -> tuple[str, str | None]:
    first = message.strip().splitlines()[0] if message.strip() else message
    marker = 'Referenced column "'
    if marker in first:
        name = first.split(marker, 1)[1].split('"', 1)[0]
        return f"input column {name!r} is not in {item.label}{item.suggestion(name)}", name
    return f"the expression does not work: {first}", None


def _check_sql(con: duckdb.DuckDBPyConnection, plan: DropPlan) -> None:
    """Bind every expression against an empty table shaped like its input."""
    for feeds in plan.feeds.values():
        for feed in feeds:
            con.execute(f"create or replace temp table t ({typed_columns_ddl(feed.used)})")
            for column in feed.columns:
                if column.sql is None:
                    continue
                is_date_sql = column.feed.kind == "sql" and column.column.type == "date"
                _bind(con, plan, feed.input, column.sql, column.feed.line,
                      f"{feed.source.name}.{column.column.name}",
                      column.feed.text if is_date_sql else None)  # fmt: skip
            if feed.where is not None and feed.spec is not None:
                _bind(con, plan, feed.input, f"coalesce(({feed.where}), true)::boolean",
                      feed.spec.where_line, f"{feed.source.name}.where")  # fmt: skip
    for lookup in plan.lookups.values():
        con.execute(f"create or replace temp table t ({typed_columns_ddl(lookup.used)})")
        _bind(con, plan, lookup.input, lookup.gives_sql, lookup.spec.line,
              f"lookup {lookup.spec.name}.gives")  # fmt: skip


def _bind(
    con: duckdb.DuckDBPyConnection,
    plan: DropPlan,
    item: InputFile,
    sql: str,
    line: int,
    what: str,
    date_expression: str | None = None,
) -> None:
    """Bind ``sql`` over table ``t``; an expression feeding a date must give a DATE (or text)."""
    try:
        con.execute(f"select {sql} as v from t limit 0")
        if date_expression is not None:
            kind = str(
                con.execute(f"describe select ({date_expression}) as v from t").fetchall()[0][1]
            )
        else:
            kind = "DATE"
    except duckdb.Error as exc:
        reason, name = _binder_problem(str(exc), item)
        raise plan.mapping.error(line, f"{what}: {reason}", name) from None
    if kind not in ("DATE", "VARCHAR", '"NULL"'):
        raise plan.mapping.error(
            line, f"{what}: the expression gives a {kind}; a date column needs a DATE"
        )


def _check_dates(con: duckdb.DuckDBPyConnection, plan: DropPlan) -> None:
    """Every date input column's first values must parse with the file's formats."""
    for item in plan.inputs:
        rule = item.date_rule
        if rule is None or not item.date_positions:
            continue
        for fmt in rule.formats:
            try:
                con.execute("select try_strptime('2020-01-01', ?)", [fmt]).fetchall()
            except duckdb.Error as exc:
                raise plan.mapping.error(
                    rule.line, f"date format {fmt!r} is not valid: {str(exc).splitlines()[0]}"
                ) from None
        positions = sorted(item.date_positions)
        samples = sample_values(item.path, item.options, item.header, positions, DATE_SAMPLE)
        parse = q.parse_date_sql("v", rule)
        for position in positions:
            values = samples.get(position, [])
            if not values:
                continue
            row = con.execute(
                f"select count(*) from (select unnest(?::varchar[]) as v) "
                f"where {parse} is not null",
                [values],
            ).fetchone()
            if row and row[0] == 0:
                name = item.display(position)
                raise plan.mapping.error(
                    rule.line,
                    f"none of the first {len(values):,} values of {name} in {item.label} is a "
                    f"date {rule.describe()}: the format does not match the data",
                    name,
                )

"""Load a drop into the raw schema: plan, land, check, split accepted from quarantined.

The drop is planned first (``pipelines/mapping/plan.py``: the canonical
contract, or a mapping), which reads only headers and the first lines, so a
wrong mapping or a missing required column fails before the raw schema is
touched. Sources then load in contract order (employees first), so a
reference always checks against the accepted rows of its target, and a row
pointing at a quarantined row is quarantined in turn. Each input file is
landed once, however many sources it feeds, and dropped when the last of them
is loaded.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import duckdb

from pipelines.contract import CROSS_RULES, LOAD_ORDER, SOURCES_BY_NAME, Source
from pipelines.errors import InternalError
from pipelines.inbox import Drop
from pipelines.ingest.quarantine import checked_table_sql, duplicate_updates, reference_updates
from pipelines.mapping.compile import landing_view_sql, lookup_table_sql
from pipelines.mapping.plan import DropPlan, FeedPlan, InputFile, plan_drop
from pipelines.mapping.spec import CANONICAL
from pipelines.mapping.sql import session_macros
from pipelines.readers.dispatch import land_input
from pipelines.readers.files import file_sha256
from pipelines.readers.formats import LandedInput
from pipelines.warehouse import reset_raw_schema


@dataclass
class SourceLoad:
    """The manifest record of one source file (contract section 5)."""

    source: str
    file: str
    sha256: str
    file_format: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    ignored_columns: list[str]
    dropped_personal_columns: list[str]
    warnings: list[dict[str, object]] = field(default_factory=list)
    #: Records of the file a mapping's ``where:`` says are not rows of this source.
    rows_excluded_by_mapping: int = 0

    def manifest_record(self) -> dict[str, object]:
        return asdict(self)


def load_drop(
    con: duckdb.DuckDBPyConnection,
    drop: Drop,
    run_id: str,
    on_source: Callable[[str], None] | None = None,
    sha256: dict[str, str] | None = None,
) -> list[SourceLoad]:
    """Replace the raw schema with the drop's sources; return one record per (source, file).

    ``sha256`` gives files' SHA-256 already computed, by file name (the run's
    fingerprint of the drop): those files are not read twice to hash them.
    """
    plan = plan_drop(drop.folder, drop.mapping or CANONICAL, drop.as_of)
    return load_plan(con, plan, run_id, on_source, sha256)


#: Sources loaded at once, each in its own cursor (the machines have 2 cores,
#: and a source of a few hundred thousand rows is mostly one thread's work).
INGEST_THREADS = 2


def load_plan(
    con: duckdb.DuckDBPyConnection,
    plan: DropPlan,
    run_id: str,
    on_source: Callable[[str], None] | None = None,
    sha256: dict[str, str] | None = None,
    threads: int = INGEST_THREADS,
) -> list[SourceLoad]:
    """Load a checked plan (see :func:`load_drop`).

    A source loads once every source it references is loaded (its accepted
    and quarantined rows decide this one's references); up to ``threads``
    sources load at once. A plan whose input files feed several sources (a
    mapping reading one export as three sources) loads one source at a time:
    a landed file is a table of one connection.
    """
    reset_raw_schema(con, plan.as_of)
    names = [name for name in LOAD_ORDER if plan.feeds.get(name)]
    loads: dict[str, list[SourceLoad]] = {}
    with tempfile.TemporaryDirectory(prefix="mentorship-ingest-") as work:
        if threads > 1 and _inputs_unshared(plan):
            lanes = [con.cursor() for _ in range(threads)]
            try:
                _load_side_by_side(lanes, plan, names, run_id, Path(work), on_source, sha256, loads)
            finally:
                for lane in lanes:
                    lane.close()
        else:
            session_macros(con, plan.as_of.isoformat())
            inputs = _Inputs(con, Path(work), sha256 or {})
            try:
                last_use = plan.last_use()
                for name in names:
                    loads[name] = _load_source(con, name, plan, inputs, run_id, on_source)
                    inputs.release([key for key, last in last_use.items() if last == name])
            finally:
                inputs.release_all()
    return [load for name in names for load in loads[name]]


def _load_source(
    con: duckdb.DuckDBPyConnection,
    name: str,
    plan: DropPlan,
    inputs: _Inputs,
    run_id: str,
    on_source: Callable[[str], None] | None,
    references_loaded: Callable[[], None] | None = None,
) -> list[SourceLoad]:
    """Load every file of one source; record each.

    ``references_loaded``, when given, returns once the sources this one
    references are loaded (called before each file's reference checks).
    """
    feeds = plan.feeds[name]
    if on_source:
        on_source(name)
    source_loads = [
        _load_feed(con, feed, inputs, position, plan, run_id, references_loaded)
        for position, feed in enumerate(feeds)
    ]
    for load in source_loads:
        load.warnings = _warnings(con, feeds[0].source, load.file)
        _record_file_load(con, load, plan, run_id)
    return source_loads


def _inputs_unshared(plan: DropPlan) -> bool:
    """True when every input file and lookup feeds one source only."""
    users: dict[str, set[str]] = {}
    for source, feeds in plan.feeds.items():
        for feed in feeds:
            users.setdefault(feed.input.key, set()).add(source)
            for use in feed.lookups:
                users.setdefault(use.lookup.input.key, set()).add(source)
    return all(len(sources) == 1 for sources in users.values())


def _depends_on(name: str) -> set[str]:
    """The sources a source's rows are checked against (references and cross rules)."""
    source = SOURCES_BY_NAME[name]
    needed = {ref.source for ref in source.references}
    needed |= {target for src, _col, target, _cond, _why in CROSS_RULES if src == name}
    return needed - {name}


def _load_side_by_side(
    lanes: list[duckdb.DuckDBPyConnection],
    plan: DropPlan,
    names: list[str],
    run_id: str,
    work: Path,
    on_source: Callable[[str], None] | None,
    sha256: dict[str, str] | None,
    loads: dict[str, list[SourceLoad]],
) -> None:
    """Load the sources on ``lanes`` (cursors), two at a time, longest chain first.

    A source starts once every source it references has started: it lands
    and types its file meanwhile, and waits for them to finish only before
    its reference checks (:class:`_Finished`). The waits cannot go round in
    a circle: a source waits only for sources started before it, and those
    wait only for sources started before them. Of the sources that may start,
    the one heading the most input bytes still to load after it (its own and
    its longest chain of dependents', :func:`_chain_bytes`) starts first, so
    that sessions, at the end of the mentoring chain, do not load alone last.
    """
    for cursor in lanes:
        session_macros(cursor, plan.as_of.isoformat())
    depends = {name: _depends_on(name) & set(names) for name in names}
    size = _chain_bytes(depends, {name: _input_bytes(plan, name) for name in names})
    not_started = list(names)
    started: set[str] = set()
    finished = _Finished(names)
    free = list(range(len(lanes)))
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        running: dict[Future[list[SourceLoad]], tuple[str, int]] = {}

        def start() -> None:
            while free:
                ready = [n for n in not_started if depends[n] <= started]
                if not ready:
                    return
                name = max(ready, key=lambda n: size[n])  # first in load order among equals
                not_started.remove(name)
                started.add(name)
                slot = free.pop(0)
                inputs = _Inputs(lanes[slot], work / name, sha256 or {})
                references_loaded = partial(finished.wait_for, depends[name])
                job = pool.submit(
                    _load_lane, lanes[slot], name, plan, inputs, run_id, on_source,
                    references_loaded,
                )  # fmt: skip
                running[job] = (name, slot)

        start()
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    name, slot = running.pop(future)
                    free.append(slot)
                    loads[name] = future.result()  # a failed source stops the load here
                    finished.finish(name)
                start()
        except BaseException:
            finished.abandon()  # a source waiting for the failed one stops too
            raise


def _chain_bytes(depends: dict[str, set[str]], size: dict[str, int]) -> dict[str, int]:
    """A source's input bytes plus those of its longest chain of dependents."""
    chain: dict[str, int] = {}

    def of(name: str) -> int:
        if name not in chain:
            after = [of(other) for other, needs in depends.items() if name in needs]
            chain[name] = size[name] + max(after, default=0)
        return chain[name]

    return {name: of(name) for name in depends}


def _input_bytes(plan: DropPlan, name: str) -> int:
    """The size of a source's input files."""
    total = 0
    for feed in plan.feeds[name]:
        with suppress(OSError):  # landing says what is wrong with it
            total += feed.input.path.stat().st_size
    return total


class _Abandoned(Exception):
    """The load stopped (another source failed) while this source waited for its references."""


class _Finished:
    """Which sources are loaded, for a source waiting to check its references against them."""

    def __init__(self, names: list[str]) -> None:
        self._events = {name: threading.Event() for name in names}
        self._abandoned = False

    def finish(self, name: str) -> None:
        self._events[name].set()

    def abandon(self) -> None:
        self._abandoned = True
        for event in self._events.values():
            event.set()

    def wait_for(self, names: set[str]) -> None:
        for name in sorted(names):
            self._events[name].wait()
        if self._abandoned:
            raise _Abandoned()


def _load_lane(
    con: duckdb.DuckDBPyConnection,
    name: str,
    plan: DropPlan,
    inputs: _Inputs,
    run_id: str,
    on_source: Callable[[str], None] | None,
    references_loaded: Callable[[], None],
) -> list[SourceLoad]:
    inputs.work.mkdir(parents=True, exist_ok=True)
    try:
        return _load_source(con, name, plan, inputs, run_id, on_source, references_loaded)
    finally:
        inputs.release_all()


class _Inputs:
    """Landed input files and lookup tables, landed on first use, dropped after last."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, work: Path, known_sha256: dict[str, str]
    ) -> None:
        self.con = con
        self.work = work
        self.known_sha256 = known_sha256
        self.landed: dict[str, LandedInput] = {}
        self.sha: dict[str, str] = {}
        self.lookups: set[str] = set()

    def get(self, item: InputFile) -> LandedInput:
        if item.key not in self.landed:
            known = self.known_sha256.get(item.path.name)
            self.sha[item.key] = known or file_sha256(item.path)
            self.landed[item.key] = land_input(
                self.con, item.path, item.options, item.header, list(item.wanted.values()),
                item.key, self.work,
            )  # fmt: skip
        return self.landed[item.key]

    def lookups_of(self, feed: FeedPlan) -> None:
        for use in feed.lookups:
            lookup = use.lookup
            if lookup.table in self.lookups:
                continue
            landed = self.get(lookup.input)
            self.con.execute(lookup_table_sql(lookup, landed.relation, landed.problems))
            self.lookups.add(lookup.table)

    def release(self, keys: list[str]) -> None:
        for key in keys:
            landed = self.landed.pop(key, None)
            if landed is None:
                continue
            for kind, name in landed.temp_objects:
                self.con.execute(f"drop {kind} if exists {name}")

    def release_all(self) -> None:
        self.release(list(self.landed))
        for table in self.lookups:
            self.con.execute(f"drop table if exists {table}")
        self.lookups.clear()


def _quarantine_malformed(
    con: duckdb.DuckDBPyConnection, landed: LandedInput, source: str, file: str, run_id: str
) -> None:
    if landed.malformed:
        con.executemany(
            "insert into raw.quarantine values (?, ?, ?, ?, null, ?, ?)",
            [
                (run_id, source, file, m.line_number, m.reason, json.dumps(m.audit_values()))
                for m in landed.malformed
            ],
        )


def _load_feed(
    con: duckdb.DuckDBPyConnection,
    feed: FeedPlan,
    inputs: _Inputs,
    position: int,
    plan: DropPlan,
    run_id: str,
    references_loaded: Callable[[], None] | None = None,
) -> SourceLoad:
    """Load one (source, file) pair; return its manifest record."""
    source = feed.source
    landed = inputs.get(feed.input)
    inputs.lookups_of(feed)
    landing, checked = f"landing_{source.name}", f"checked_{source.name}"
    file = str(feed.input.path)
    con.execute(landing_view_sql(feed, landed.relation, landed.problems, landing))
    rows = _count(con, f"select count(*) from {landing}")
    _quarantine_malformed(con, landed, source.name, file, run_id)
    con.execute(checked_table_sql(source, landing, checked))
    if references_loaded is not None:
        references_loaded()
    for statement in reference_updates(source, checked, run_id):
        con.execute(statement)
    for statement in duplicate_updates(source, checked, earlier_files=position > 0):
        con.execute(statement)

    stored = [c.name for c in source.stored_columns]
    typed = ", ".join(f"t_{c}" for c in stored)
    accepted = _count(
        con,
        f"""
        insert into raw.{source.name}
        select {typed}, ?, _line_number, ?, ?::date, ?
        from {checked} where _failure is null
        """,
        [file, inputs.sha[feed.input.key], plan.as_of.isoformat(), run_id],
    )
    originals = ", ".join(f"{c} := landing.{c}" for c in stored)
    failed = _count(con, f"select count(*) from {checked} where _failure is not null")
    # a quarantined row keeps its values as read: from the landing, by line
    quarantined = len(landed.malformed) + (
        _count(
            con,
            f"""
            insert into raw.quarantine
            select ?, ?, ?, failed._line_number, failed._failure.col, failed._failure.reason,
                   to_json(struct_pack({originals}))
            from (select * from {checked} where _failure is not null) as failed
            inner join {landing} as landing on landing._line_number = failed._line_number
            """,
            [run_id, source.name, file],
        )
        if failed
        else 0
    )
    rows_read = rows + len(landed.malformed)
    if rows_read != accepted + quarantined:
        # Never lose a row silently: this is a bug in the loader, not the data.
        raise InternalError(
            f"{file}: row conservation broken for {source.name}: read {rows_read}, "
            f"accepted {accepted}, quarantined {quarantined}"
        )
    con.execute(f"drop view {landing}")
    con.execute(f"drop table {checked}")
    return SourceLoad(
        source=source.name,
        file=file,
        sha256=inputs.sha[feed.input.key],
        file_format=landed.file_format,
        rows_read=rows_read,
        rows_accepted=accepted,
        rows_quarantined=quarantined,
        ignored_columns=list(feed.ignored),
        dropped_personal_columns=list(feed.personal),
        rows_excluded_by_mapping=landed.rows - rows,
    )


def _record_file_load(
    con: duckdb.DuckDBPyConnection, load: SourceLoad, plan: DropPlan, run_id: str
) -> None:
    con.execute(
        "insert into raw.file_loads values (?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?)",
        [
            run_id,
            load.source,
            load.file,
            load.file_format,
            load.sha256,
            plan.as_of.isoformat(),
            load.rows_read,
            load.rows_accepted,
            load.rows_quarantined,
            load.ignored_columns,
            load.dropped_personal_columns,
        ],
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def _warnings(con: duckdb.DuckDBPyConnection, source: Source, file: str) -> list[dict[str, object]]:
    """References the contract keeps with a warning (a manager outside the export)."""
    out: list[dict[str, object]] = []
    for ref in source.references:
        if ref.quarantine:
            continue
        n = _count(
            con,
            f"""select count(*) from raw.{source.name}
                where _source_file = ? and {ref.column} is not null
                  and {ref.column} not in (select {ref.target_column} from raw.{ref.source})""",
            [file],
        )
        if n:
            out.append(
                {
                    "column": ref.column,
                    "rows": n,
                    "reason": f"{ref.column} not in {ref.source} (kept: outside the export)",
                }
            )
    return out

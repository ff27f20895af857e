"""Contract-breaking rows, planted so the quarantine has something to show.

Every bad row is an extra row (clean rows are never altered), breaks exactly
one rule, and is referenced by no other row: the quarantine must set aside
exactly these rows and nothing else. Bad rows are scattered through the file
at deterministic positions; a duplicate always comes after the row whose key
it repeats, so the contract's "first row wins" keeps the clean one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.demo.identifiers import make_ids

#: Dates no ISO parser accepts.
UNPARSABLE_DATES = ("2023-02-30", "2022-13-01", "2021-00-10", "not a date")


@dataclass(frozen=True)
class IdSpace:
    """Where fresh and unknown ids of one kind live: beyond every clean id."""

    prefix: str
    clean: int  # clean ids are 1..clean
    width: int

    def fresh(self, count: int, offset: int = 0) -> pa.Array:
        """New ids for bad rows (unique, never referenced)."""
        return make_ids(self.prefix, self.clean + 1 + offset + np.arange(count), self.width)

    def unknown(self, count: int, offset: int = 0) -> pa.Array:
        """Ids no row defines: far beyond the fresh ones."""
        start = 2 * self.clean + 1000 + offset
        return make_ids(self.prefix, start + np.arange(count), self.width)


@dataclass
class _Context:
    employees: IdSpace
    matches: IdSpace
    sessions: IdSpace
    feedback: IdSpace
    roles: IdSpace
    matches_table: pa.Table  # the clean matches, for their start dates
    rng: np.random.Generator
    used: dict[str, int]  # fresh ids handed out so far, per prefix


def _set(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(column)
    return table.set_column(i, column, values)


def _cycle(values: tuple[object, ...], n: int, type_: pa.DataType) -> pa.Array:
    """``n`` values taking ``values`` in turn."""
    return pa.array(values, type_).take(pa.array(np.arange(n) % len(values)))


def _fresh(ctx: _Context, space: IdSpace, n: int) -> pa.Array:
    offset = ctx.used.get(space.prefix, 0)
    ctx.used[space.prefix] = offset + n
    return space.fresh(n, offset)


# A breaker takes sampled clean rows (already given fresh keys where the kind needs
# them) and returns them breaking one rule.
Breaker = Callable[[pa.Table, _Context], pa.Table]


@dataclass(frozen=True)
class Kind:
    """One kind of bad row of one source."""

    name: str
    breaker: Breaker
    fresh_key: tuple[str, str] | None = None
    """(key column, id space) to give each bad row a new key: so it is the only rule it
    breaks, and no other row can refer to it."""


def _missing(column: str) -> Breaker:
    def br(rows: pa.Table, ctx: _Context) -> pa.Table:
        i = rows.schema.get_field_index(column)
        return rows.set_column(i, column, pa.nulls(rows.num_rows, rows.schema.field(i).type))

    return br


def _bad_date(column: str) -> Breaker:
    def br(rows: pa.Table, ctx: _Context) -> pa.Table:
        return _set(rows, column, _cycle(UNPARSABLE_DATES, rows.num_rows, pa.string()))

    return br


def _out_of_range(column: str, values: tuple[object, ...]) -> Breaker:
    def br(rows: pa.Table, ctx: _Context) -> pa.Table:
        return _set(rows, column, _cycle(values, rows.num_rows, rows.schema.field(column).type))

    return br


def _unknown(column: str, space: str) -> Breaker:
    def br(rows: pa.Table, ctx: _Context) -> pa.Table:
        ids: IdSpace = getattr(ctx, space)
        offset = ctx.used.get("unknown " + ids.prefix, 0)
        ctx.used["unknown " + ids.prefix] = offset + rows.num_rows
        return _set(rows, column, ids.unknown(rows.num_rows, offset))

    return br


def _self_match(rows: pa.Table, ctx: _Context) -> pa.Table:
    return _set(rows, "mentee_id", rows.column("mentor_id").combine_chunks())


def _unknown_successor(rows: pa.Table, ctx: _Context) -> pa.Table:
    """An unknown successor, with a readiness so that no other rule breaks."""
    rows = _unknown("successor_id", "employees")(rows, ctx)
    readiness = pc.fill_null(rows.column("readiness"), "ready_now").combine_chunks()
    return _set(rows, "readiness", readiness)


def _before_start(rows: pa.Table, ctx: _Context) -> pa.Table:
    """A session dated 1 to 30 days before its match started."""
    matches = ctx.matches_table
    at = pc.index_in(rows.column("match_id"), value_set=matches.column("match_id"))
    start = matches.column("start_date").take(at)
    days = ctx.rng.integers(1, 31, rows.num_rows)
    early = pc.subtract(pc.cast(start, pa.int32()), pa.array(days, pa.int32()))
    return _set(rows, "session_date", pc.cast(early, pa.date32()))


def _duplicate(rows: pa.Table, ctx: _Context) -> pa.Table:
    return rows  # an exact copy, placed after the original by ``inject``


#: Kinds planted per source.
KINDS: dict[str, tuple[Kind, ...]] = {
    "employees": (
        Kind("missing_required", _missing("hire_date"), ("employee_id", "employees")),
        Kind("unparsable_date", _bad_date("hire_date"), ("employee_id", "employees")),
        Kind("out_of_range", _out_of_range("job_level", (16, 0)), ("employee_id", "employees")),
        Kind("duplicate_key", _duplicate),
    ),
    "job_history": (
        Kind("unknown_reference", _unknown("employee_id", "employees")),
        Kind("out_of_range", _out_of_range("job_level", (0, 16))),
    ),
    "performance_reviews": (
        Kind("missing_required", _missing("rating")),
        Kind("out_of_range", _out_of_range("rating", (6, 0))),
        Kind("unknown_reference", _unknown("employee_id", "employees")),
    ),
    "engagement_surveys": (
        Kind("unparsable_date", _bad_date("survey_date")),
        Kind("out_of_range", _out_of_range("engagement_score", (5.5, 0.4))),
    ),
    "succession_plans": (
        Kind("missing_required", _missing("is_critical"), ("role_id", "roles")),
        Kind("unknown_reference", _unknown_successor, ("role_id", "roles")),
    ),
    "enrollments": (
        Kind("unknown_reference", _unknown("employee_id", "employees")),
        Kind("duplicate_key", _duplicate),
    ),
    "matches": (
        Kind("self_match", _self_match, ("match_id", "matches")),
        Kind("unknown_reference", _unknown("mentee_id", "employees"), ("match_id", "matches")),
        Kind("duplicate_key", _duplicate),
    ),
    "sessions": (
        Kind("session_before_match", _before_start, ("session_id", "sessions")),
        Kind("missing_required", _missing("initiated_by"), ("session_id", "sessions")),
        Kind("duplicate_key", _duplicate),
    ),
    "feedback": (
        Kind("unknown_reference", _unknown("match_id", "matches"), ("feedback_id", "feedback")),
        Kind("out_of_range", _out_of_range("learning", (6, 0)), ("feedback_id", "feedback")),
    ),
}


def planned_counts(rows: dict[str, int], share: float) -> dict[str, dict[str, int]]:
    """How many bad rows of each kind a source gets: ``share`` of its rows, at least one each."""
    if share <= 0:
        return {}
    out = {}
    for source, kinds in KINDS.items():
        per_kind = max(1, round(share * rows[source] / len(kinds)))
        out[source] = {kind.name: per_kind for kind in kinds}
    return out


def inject(
    tables: dict[str, pa.Table],
    counts: dict[str, dict[str, int]],
    spaces: dict[str, IdSpace],
    rng: np.random.Generator,
    into: dict[str, pa.Table] | None = None,
) -> dict[str, pa.Table]:
    """The tables with ``counts`` bad rows scattered through them.

    Bad rows copy rows of ``tables``; they are scattered through ``into``'s version
    of a table when given (the same rows, with warnings planted).
    """
    ctx = _Context(
        employees=spaces["employees"],
        matches=spaces["matches"],
        sessions=spaces["sessions"],
        feedback=spaces["feedback"],
        roles=spaces["roles"],
        matches_table=tables["matches"],
        rng=rng,
        used={},
    )
    out = dict(tables)
    for source, kinds in counts.items():
        clean = tables[source]
        n = clean.num_rows
        parts, slots = [], []
        for kind in KINDS[source]:
            k = kinds[kind.name]
            if n == 0 or k == 0:
                continue
            sample = rng.integers(0, n, k)
            rows = clean.take(pa.array(sample))
            if kind.fresh_key is not None:
                column, space = kind.fresh_key
                rows = _set(rows, column, _fresh(ctx, getattr(ctx, space), k))
            parts.append(kind.breaker(rows, ctx))
            if kind.name == "duplicate_key":  # after the original: first row wins
                slots.append(sample + 1 + np.floor(rng.random(k) * (n - sample)).astype(np.int64))
            else:
                slots.append(rng.integers(0, n + 1, k))
        if not parts:
            continue
        target = (into or {}).get(source, clean)
        out[source] = _interleave(target, parts, np.concatenate(slots))
    return out


def _interleave(clean: pa.Table, parts: list[pa.Table], slots: np.ndarray) -> pa.Table:
    """Clean rows in order, each bad row inserted before the clean row at its slot."""
    schema = clean.schema
    for part in parts:  # a column that holds unparsable dates becomes text everywhere
        for field in part.schema:
            if field.type != schema.field(field.name).type:
                schema = schema.set(
                    schema.get_field_index(field.name), pa.field(field.name, pa.string())
                )
    tables = [t.cast(schema) if t.schema != schema else t for t in (clean, *parts)]
    combined = pa.concat_tables(tables)
    n = clean.num_rows
    keys = np.concatenate([2 * np.arange(n) + 1, 2 * slots])
    return combined.take(pa.array(np.argsort(keys, kind="stable")))


def plant_unknown_managers(
    employees: pa.Table, count: int, space: IdSpace, rng: np.random.Generator
) -> pa.Table:
    """``count`` employees whose manager_id names nobody (a warning, not a bad row)."""
    if count == 0:
        return employees
    n = employees.num_rows
    rows = np.sort(rng.choice(n, size=min(count, n), replace=False))
    # Offset by the clean count: clear of the unknown ids used by bad rows.
    unknown = space.unknown(rows.size, offset=space.clean)
    index = np.arange(n)
    index[rows] = n + np.arange(rows.size)
    managers = pa.concat_arrays([employees.column("manager_id").combine_chunks(), unknown])
    return _set(employees, "manager_id", managers.take(pa.array(index)))

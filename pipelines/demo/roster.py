"""A mentoring platform's exports for an existing workforce (``mentorship demo --roster``).

The roster (a real HR export) is read exactly as a run reads it, through its
mapping, and its accepted employees get three mentoring programs: who
enrolls, who is matched with whom, their sessions and two-sided feedback.
Only the platform's five sources are generated; the roster is copied beside
them unchanged, so ``mentorship run`` analyses a real workforce with a
simulated platform. The platform knows only what a platform would: people
employed on the day, levels as exported, a match ends when a party leaves.

Programs are those of the synthetic demo (``programs.py``), launched three
years before the as-of date; their level rules are taken relative to the
roster's own levels (its median and 90th percentile), since a real export
need not use the demo's 1..15 scale.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.contract import SOURCES
from pipelines.demo.dates import add_years, to_day
from pipelines.demo.identifiers import id_width, make_ids
from pipelines.demo.mentoring_records import (
    EARLY_END_SHARE,
    ENROLLMENT_STATUSES,
    MatchRows,
    feedback_table,
    matches_table,
    programs_table,
    session_rows,
    sessions_table,
)
from pipelines.demo.programs import PROGRAMS, ROLES
from pipelines.demo.streams import stream
from pipelines.demo.tables import contract_table, dates, labels
from pipelines.demo.writers import write_json, write_source
from pipelines.errors import InputError
from pipelines.ingest.loader import load_plan
from pipelines.mapping.drop_files import INBOX_CONFIG
from pipelines.mapping.plan import plan_drop
from pipelines.mapping.spec import CANONICAL, load_mapping

#: Monthly share of a program's eligible employees who enroll, from its launch
#: to the as-of date.
ENROLL_SHARE = {"traditional": 0.006, "reverse": 0.012, "group": 0.008}
MENTORING_YEARS = 3
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Roster:
    """The accepted employees, as day numbers and arrays in employee_id order."""

    ids: pa.Array
    hire: np.ndarray
    leave: np.ndarray  # first day no longer employed; a far-future day while employed
    level: np.ndarray
    department: np.ndarray

    @property
    def size(self) -> int:
        return int(self.hire.size)

    def employed(self, day: int) -> np.ndarray:
        return (self.hire <= day) & (self.leave > day)


def read_roster(roster: Path, mapping_file: Path | None, as_of: dt.date) -> Roster:
    """The roster's accepted employees, read as a run reads them (in memory)."""
    mapping = load_mapping(mapping_file) if mapping_file else CANONICAL
    plan = plan_drop(roster.parent, mapping, as_of, paths=[roster])
    plan.feeds = {"employees": plan.feeds["employees"]}
    con = duckdb.connect()
    try:
        load_plan(con, plan, "roster")
        rows = con.execute(
            "select employee_id, hire_date, termination_date, job_level, department "
            "from raw.employees order by employee_id"
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise InputError(f"{roster}: no employee of the roster was accepted")
    far = to_day(dt.date(9999, 12, 31))
    return Roster(
        ids=pa.array([r[0] for r in rows], pa.string()),
        hire=np.array([to_day(r[1]) for r in rows], dtype=np.int64),
        leave=np.array([to_day(r[2]) if r[2] else far for r in rows], dtype=np.int64),
        level=np.array([r[3] for r in rows], dtype=np.int64),
        department=np.array([r[4] for r in rows], dtype=object),
    )


def _pools(level: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per program type: who may be a mentee, who a mentor (relative to the roster's levels)."""
    median, top = np.quantile(level, 0.5), np.quantile(level, 0.9)
    return {
        "traditional": (level <= median, level > median),
        "reverse": (level >= top, level <= median),
        "group": ((level > median) & (level < top), level >= top),
    }


def _matches(r: Roster, as_of: int, starts: np.ndarray, rng: np.random.Generator) -> tuple[
    MatchRows, list[tuple[int, int, int, int]]
]:  # fmt: skip
    """Matches, and enrollments as (program, employee, role, day)."""
    pools = _pools(r.level)
    rows: list[tuple[int, int, int, int, int, int]] = []  # program, mentor, mentee, start, end, st
    enrolled: list[tuple[int, int, int, int]] = []
    for p, spec in enumerate(PROGRAMS):
        can_mentee, can_mentor = pools[spec.program_type]
        load: dict[int, list[int]] = {}
        joined = np.zeros(r.size, dtype=bool)
        for day0 in range(int(starts[p]), as_of + 1, 30):
            eligible = np.flatnonzero(can_mentee & ~joined & r.employed(day0))
            picked = eligible[rng.random(eligible.size) < ENROLL_SHARE[spec.program_type]]
            for mentee in picked.tolist():
                joined[mentee] = True
                day = day0 + int(rng.integers(0, 28))
                enrolled.append((p, mentee, 0, day))
                start = day + int(rng.integers(7, 31))
                if start > as_of:
                    continue
                mentor = _mentor(r, spec, mentee, start, can_mentor, load, rng)
                if mentor < 0:
                    continue
                planned = start + spec.match_days - 1
                end = planned
                if rng.random() < EARLY_END_SHARE:
                    end = start + 30 + int(rng.integers(0, spec.match_days - 31))
                left = int(min(r.leave[mentor], r.leave[mentee]))
                if left <= as_of:
                    end = min(end, left - 1)
                status = 0 if end > as_of else 1 if end == planned else 2
                load.setdefault(mentor, []).append(end)
                rows.append((p, mentor, mentee, start, end, status))
                if not any(e[:3] == (p, mentor, 1) for e in enrolled):
                    enrolled.append(
                        (p, mentor, 1, max(int(starts[p]), start - int(rng.integers(1, 15))))
                    )
    rows.sort(key=lambda m: (m[3], m[0], m[2]))
    arrays = [np.array([m[i] for m in rows], dtype=np.int64) for i in range(6)]
    return MatchRows(*arrays), enrolled


def _mentor(
    r: Roster,
    spec: object,
    mentee: int,
    start: int,
    can_mentor: np.ndarray,
    load: dict[int, list[int]],
    rng: np.random.Generator,
) -> int:
    """A mentor employed on ``start`` with room, at the program's level distance; -1 if none."""
    from pipelines.demo.programs import ProgramSpec

    assert isinstance(spec, ProgramSpec)
    level = r.level[mentee]
    fits = can_mentor & r.employed(start)
    fits &= r.level > level if spec.mentor_is_senior else r.level < level
    fits[mentee] = False
    candidates = [
        int(i)
        for i in np.flatnonzero(fits)
        if sum(end >= start for end in load.get(int(i), [])) < spec.capacity
    ]
    if not candidates:
        return -1
    same = [i for i in candidates if r.department[i] == r.department[mentee]]
    if same and rng.random() < spec.same_department_share:
        candidates = same
    return candidates[int(rng.integers(0, len(candidates)))]


def _enrollments_table(
    r: Roster, m: MatchRows, enrolled: list[tuple[int, int, int, int]], as_of: int
) -> pa.Table:
    """Status from the enrolment's matches, as in the synthetic demo's ``enrollments_table``."""
    status = []
    for p, employee, role, day in enrolled:
        mine = (m.program == p) & ((m.mentee if role == 0 else m.mentor) == employee)
        states = set(m.status[mine].tolist())
        if 0 in states:
            status.append(0)
        elif 1 in states:
            status.append(1)
        elif 2 in states:
            status.append(2)
        else:
            status.append(0 if day >= as_of - 90 else 2)
    order = sorted(range(len(enrolled)), key=lambda i: (enrolled[i][3], *enrolled[i][:3]))
    pick = [enrolled[i] for i in order]
    return contract_table(
        "enrollments",
        {
            "program_id": labels([p.program_id for p in PROGRAMS], np.array([e[0] for e in pick])),
            "employee_id": r.ids.take(pa.array([e[1] for e in pick], pa.int64())),
            "role": labels(ROLES, np.array([e[2] for e in pick], dtype=np.int64)),
            "enrolled_date": dates(np.array([min(e[3], as_of) for e in pick], dtype=np.int64)),
            "status": labels(ENROLLMENT_STATUSES, np.array([status[i] for i in order])),
        },
    )


def _as_of(roster: Path, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    if _DATED.match(roster.parent.name):
        return dt.date.fromisoformat(roster.parent.name)
    raise InputError(
        f"{roster}: pass --as-of YYYY-MM-DD (the roster's export date; its folder is not "
        "named for a date)"
    )


def generate_for_roster(
    roster: Path,
    mapping: Path | None,
    as_of: dt.date | None,
    seed: int,
    out: Path,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write ``out/<as_of>/``: the roster (copied) and a mentoring platform's five exports."""
    say = progress or (lambda _message: None)
    roster = Path(roster)
    day = _as_of(roster, as_of)
    say(f"reading the roster {roster.name}")
    people = read_roster(roster, mapping, day)
    as_of_day = to_day(day)
    launch = to_day(add_years(day, -MENTORING_YEARS).replace(day=1))
    starts = np.array([launch + 31 * p.start_month for p in PROGRAMS], dtype=np.int64)
    say(f"matching mentors and mentees among {people.size:,} people")
    m, enrolled = _matches(people, as_of_day, starts, stream(seed, "roster matches"))
    match_ids = make_ids("M", np.arange(1, m.size + 1), id_width(m.size))
    sessions = session_rows(m, as_of_day, stream(seed, "roster sessions"))
    tables = {
        "programs": programs_table(starts),
        "enrollments": _enrollments_table(people, m, enrolled, as_of_day),
        "matches": matches_table(m, people.ids, match_ids, as_of_day),
        "sessions": sessions_table(sessions, match_ids, id_width(sessions.match.size)),
        "feedback": feedback_table(
            m, match_ids, as_of_day, id_width(2 * m.size), stream(seed, "roster feedback")
        ),
    }
    drop = Path(out) / day.isoformat()
    drop.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        if source.name in tables:
            say(f"writing {source.name}.csv ({tables[source.name].num_rows:,} rows)")
            write_source(tables[source.name], drop, source.name)
    if roster.resolve() != (drop / roster.name).resolve():
        shutil.copyfile(roster, drop / roster.name)
    if mapping is not None:
        relative = os.path.relpath(Path(mapping).resolve(), Path(out).resolve())
        (Path(out) / INBOX_CONFIG).write_text(f"mapping: {relative}\n", encoding="utf-8")
    write_json(
        {
            "generator": {
                "roster": roster.name,
                "mapping": str(mapping) if mapping else None,
                "seed": seed,
                "as_of": day.isoformat(),
                "employees": people.size,
            },
            "rows": {name: t.num_rows for name, t in tables.items()},
        },
        Path(out) / "ground_truth.json",
    )
    return drop

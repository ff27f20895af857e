"""The mentoring platform's exports: programs, enrollments, matches, sessions, feedback."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pipelines.demo.identifiers import make_ids
from pipelines.demo.programs import MENTEE, MENTOR, PROGRAMS, ROLES
from pipelines.demo.simulation import Simulation
from pipelines.demo.tables import contract_table, dates, integers, labels
from pipelines.demo.vocabulary import COMMENTS

MATCH_STATUSES = ("active", "completed", "ended_early")
ENROLLMENT_STATUSES = ("active", "completed", "withdrawn")
SESSION_STATUSES = ("held", "cancelled", "no_show")

#: Mean "learning" answer by program type and respondent role (mentee, mentor):
#: in reverse mentoring the (junior) mentor learns as much as the mentee.
LEARNING_MEAN = {
    "traditional": (4.1, 3.5),
    "reverse": (4.2, 4.0),
    "group": (3.9, 3.6),
}
EARLY_END_SHARE = 0.12


@dataclass
class MatchRows:
    """Matches as arrays, in match-id order."""

    program: np.ndarray
    mentor: np.ndarray
    mentee: np.ndarray
    start: np.ndarray
    end: np.ndarray  # last day, may lie after the as-of date (then exported empty)
    status: np.ndarray  # index into MATCH_STATUSES

    @property
    def size(self) -> int:
        return int(self.start.size)


def programs_table(starts: np.ndarray) -> pa.Table:
    """``programs.csv``: the three programs, still running (no end date)."""
    return contract_table(
        "programs",
        {
            "program_id": pa.array([p.program_id for p in PROGRAMS]),
            "program_name": pa.array([p.program_name for p in PROGRAMS]),
            "program_type": pa.array([p.program_type for p in PROGRAMS]),
            "start_date": dates(starts),
            "end_date": pa.nulls(len(PROGRAMS), pa.date32()),
        },
    )


def match_rows(sim: Simulation, as_of: int, rng: np.random.Generator) -> MatchRows:
    """Matches with their end: planned length, an early end, or a party leaving.

    A departure after the as-of date is not known to the platform yet: it does
    not end the match in this export.
    """
    program = sim.matches.get("program")
    mentor, mentee = sim.matches.get("mentor"), sim.matches.get("mentee")
    start = sim.matches.get("start")
    order = np.lexsort((mentee, program, start))
    program, mentor, mentee, start = program[order], mentor[order], mentee[order], start[order]
    length = np.array([p.match_days for p in PROGRAMS])[program]
    planned = start + length - 1
    early = rng.random(start.size) < EARLY_END_SHARE
    end = np.where(early, start + 30 + np.floor(rng.random(start.size) * (length - 31)), planned)
    left = np.minimum(sim.leave_day[mentor], sim.leave_day[mentee])
    end = np.minimum(end, np.where(left <= as_of, left - 1, end)).astype(np.int64)
    status = np.where(end > as_of, 0, np.where(end == planned, 1, 2))
    return MatchRows(program, mentor, mentee, start, end, status)


def matches_table(m: MatchRows, ids: pa.Array, match_ids: pa.Array, as_of: int) -> pa.Table:
    """``matches.csv``: the end date is empty while a match is active."""
    return contract_table(
        "matches",
        {
            "match_id": match_ids,
            "program_id": labels([p.program_id for p in PROGRAMS], m.program),
            "mentor_id": ids.take(pa.array(m.mentor)),
            "mentee_id": ids.take(pa.array(m.mentee)),
            "start_date": dates(m.start),
            "end_date": dates(m.end, m.end <= as_of),
            "status": labels(MATCH_STATUSES, m.status),
        },
    )


def enrollments_table(sim: Simulation, m: MatchRows, ids: pa.Array, n: int, as_of: int) -> pa.Table:
    """``enrollments.csv``: status from the enrolment's matches.

    Matched: ``active`` while a match is, ``withdrawn`` after an early end,
    else ``completed``. Never matched (mentees only: mentors enroll for a
    mentee): ``active`` while waiting (enrolled in the last 90 days), else
    ``withdrawn``.
    """
    program = sim.enrollments.get("program")
    employee = sim.enrollments.get("employee")
    role = sim.enrollments.get("role")
    day = sim.enrollments.get("date")
    order = np.lexsort((role, employee, program, day))
    program, employee, role, day = program[order], employee[order], role[order], day[order]

    # Bit flags per (program, person, role) over their matches: 4 active, 2 completed,
    # 1 ended early.
    match_keys = np.concatenate(
        [(m.program * n + m.mentee) * 2 + MENTEE, (m.program * n + m.mentor) * 2 + MENTOR]
    )
    match_flags = np.array([4, 2, 1])[np.concatenate([m.status, m.status])]
    flags = _flags_by_key(match_keys, match_flags, (program * n + employee) * 2 + role)
    waiting = day >= as_of - 90
    status = np.select(
        [flags & 4 > 0, flags & 2 > 0, flags & 1 > 0, waiting], [0, 1, 2, 0], default=2
    )
    return contract_table(
        "enrollments",
        {
            "program_id": labels([p.program_id for p in PROGRAMS], program),
            "employee_id": ids.take(pa.array(employee)),
            "role": labels(ROLES, role),
            "enrolled_date": dates(day),
            "status": labels(ENROLLMENT_STATUSES, status),
        },
    )


def _flags_by_key(keys: np.ndarray, flags: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Bitwise OR of ``flags`` over equal ``keys``, looked up for each query (0 if absent)."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    combined = np.zeros(uniq.size, dtype=np.int64)
    np.bitwise_or.at(combined, inverse, flags)
    if uniq.size == 0:
        return np.zeros(queries.size, dtype=np.int64)
    at = np.minimum(np.searchsorted(uniq, queries), uniq.size - 1)
    return np.where(uniq[at] == queries, combined[at], 0)


@dataclass
class SessionRows:
    match: np.ndarray
    date: np.ndarray
    status: np.ndarray
    initiated_by_mentee: np.ndarray
    duration: np.ndarray


def session_rows(m: MatchRows, as_of: int, rng: np.random.Generator) -> SessionRows:
    """About one session a month from the match start until it ends (or the as-of date).

    Never before the match start; attendance fades a little as a match ages.
    """
    last = np.minimum(m.end, as_of)
    slots = (last - m.start) // 30 + 1
    match = np.repeat(np.arange(m.size), slots)
    j = np.arange(match.size) - np.repeat(np.cumsum(slots) - slots, slots)
    day = m.start[match] + 30 * j + rng.integers(0, 10, match.size)
    keep = day <= last[match]
    match, j, day = match[keep], j[keep], day[keep]
    held_p = np.clip(0.86 - 0.02 * j, 0.55, None)
    u = rng.random(match.size)
    status = np.where(u < held_p, 0, np.where(u < held_p + (1 - held_p) * 0.6, 1, 2))
    duration = rng.choice(np.array([30, 45, 60, 90]), size=match.size, p=[0.3, 0.3, 0.35, 0.05])
    return SessionRows(match, day, status, rng.random(match.size) < 0.6, duration)


def sessions_table(s: SessionRows, match_ids: pa.Array, width: int) -> pa.Table:
    """``sessions.csv``; duration is empty unless the session was held."""
    return contract_table(
        "sessions",
        {
            "session_id": make_ids("S", np.arange(1, s.match.size + 1), width),
            "match_id": match_ids.take(pa.array(s.match)),
            "session_date": dates(s.date),
            "duration_minutes": integers(s.duration, s.status == 0),
            "initiated_by": labels(("mentor", "mentee"), s.initiated_by_mentee.astype(np.int64)),
            "status": labels(SESSION_STATUSES, s.status),
        },
    )


def feedback_table(
    m: MatchRows, match_ids: pa.Array, as_of: int, width: int, rng: np.random.Generator
) -> pa.Table:
    """``feedback.csv``: each side answers once, after the match ends or after 90 days.

    Both sides of a match share a "chemistry" term, so learning is reciprocal
    more often than chance.
    """
    ended = m.end <= as_of
    submitted = np.where(
        ended,
        np.minimum(m.end + rng.integers(0, 15, m.size), as_of),
        m.start + 90 + rng.integers(0, 31, m.size),
    )
    chemistry = rng.normal(0.0, 0.5, m.size)
    long_enough = np.minimum(m.end, as_of) - m.start >= 60
    types = np.array([p.program_type for p in PROGRAMS])[m.program]
    parts = []
    for side, answer_rate in ((0, 0.75), (1, 0.65)):
        mean = np.array([LEARNING_MEAN[t][side] for t in types])
        learning = np.clip(np.rint(mean + chemistry + rng.normal(0, 0.6, m.size)), 1, 5)
        answers = long_enough & (submitted <= as_of) & (rng.random(m.size) < answer_rate)
        parts.append((np.flatnonzero(answers), np.full(answers.sum(), side), learning[answers]))
    match = np.concatenate([p[0] for p in parts])
    role = np.concatenate([p[1] for p in parts])
    learning = np.concatenate([p[2] for p in parts]).astype(np.int64)
    order = np.lexsort((role, submitted[match], match))
    match, role, learning = match[order], role[order], learning[order]
    k = match.size
    satisfaction = np.clip(learning + rng.choice([-1, 0, 0, 1], size=k), 1, 5)
    # Comments: one of the templates for the learning score, or none.
    n_templates = np.array([max(len(c), 1) for c in COMMENTS])
    flat = [c for group in COMMENTS for c in group]
    offset = np.cumsum([0] + [len(c) for c in COMMENTS])[:-1]
    pick = offset[learning] + np.floor(rng.random(k) * n_templates[learning]).astype(np.int64)
    commented = rng.random(k) < 0.6
    comment = pa.array(flat, pa.string()).take(pa.array(np.where(commented, pick, 0)))
    comment = pa.compute.if_else(pa.array(commented), comment, pa.scalar(None, pa.string()))
    return contract_table(
        "feedback",
        {
            "feedback_id": make_ids("F", np.arange(1, k + 1), width),
            "match_id": match_ids.take(pa.array(match)),
            "respondent_role": labels(("mentee", "mentor"), role),
            "submitted_date": dates(submitted[match]),
            "satisfaction": integers(satisfaction, rng.random(k) >= 0.08),
            "learning": integers(learning),
            "comment": comment,
        },
    )

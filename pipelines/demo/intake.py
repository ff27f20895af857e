"""Program intake month by month: mentees accept invitations, mentors are found for them.

Mentees are invited once per program, in the week after the later of its start
and their hire, and meet their first mentor 2 to 9 days after accepting. A mentor
is first sought among the program's mentors who have room; failing that, the
program recruits: it asks people at the right level (preferably in the
mentee's department) who were never asked, each of whom accepts or declines
for good. A recruited mentor enrolls in the week before the first meeting.

Only people who could have joined recently (at the launch, or newly hired) are
asked, and only when a mentee needs them, so that a mentor's t0 (their first
match) comes soon after the day they could first have joined, as a mentee's
does. Were people asked at any time, or enrolled long before their first
mentee, the mentor group would be selected on having stayed employed until
then (immortal time), and its comparison with non-participants, whose t0 is
that first day, would be biased.

Both roles accept with odds multiplied by ``selection_odds_ratio_high`` when
their performance band on the invitation day is ``high`` (the planted
selection), and by department and gender factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.demo.pools import SortedPool
from pipelines.demo.programs import MENTEE, MENTOR, PROGRAMS, ProgramSpec, choose_mentors
from pipelines.demo.state import State
from pipelines.demo.vocabulary import DEPARTMENT_NAMES

#: Rounds of recruitment per month: people asked in turn until a mentee has a mentor.
RECRUIT_ROUNDS = 8
#: Tenure a mentor needs.
MENTOR_MIN_TENURE_DAYS = 7
#: Who may be asked to mentor: people whose "could have joined" day (the later of
#: hire and the first program start, a non-participant's t0 in kpis.md) is this recent.
MENTOR_ASK_WINDOW_DAYS = 30


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass
class _Program:
    """One program's intake state."""

    index: int
    spec: ProgramSpec
    invite_day: np.ndarray  # per person: mentee invitation day
    meeting_day: np.ndarray  # per person: first meeting if they accept
    accept_draw: np.ndarray
    by_invite: np.ndarray  # people ordered by invitation day
    sorted_invite: np.ndarray
    asked_as_mentor: np.ndarray  # bool per person
    pending: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (_empty(), _empty()))
    """Accepted mentees waiting for their first meeting, and its day."""
    mentors: np.ndarray = field(default_factory=_empty)
    """Enrolled mentors."""
    busy: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (_empty(), _empty()))
    """Mentor and planned last day of every match, to know who has room."""


class Intake:
    """Invitations, matching and recruitment for the three programs."""

    def __init__(
        self,
        state: State,
        starts: np.ndarray,
        first_review: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        self.state = state
        self.first_review = first_review
        self.could_join = np.maximum(state.pop.hire, int(starts.min()))
        pop, n = state.pop, state.pop.size
        self.programs = []
        for k, spec in enumerate(PROGRAMS):
            day = np.maximum(pop.hire, starts[k]) + rng.integers(0, 8, n)
            order = np.argsort(day, kind="stable")
            self.programs.append(
                _Program(
                    index=k,
                    spec=spec,
                    invite_day=day,
                    meeting_day=day + rng.integers(2, 10, n),
                    accept_draw=rng.random(n),
                    by_invite=order,
                    sorted_invite=day[order],
                    asked_as_mentor=np.zeros(n, dtype=bool),
                )
            )
        params = state.params
        self.department_odds = np.array(
            [params.selection_department_factor[d] for d in DEPARTMENT_NAMES]
        )

    def accept_probability(
        self, people: np.ndarray, day: np.ndarray, role: int, odds: float
    ) -> np.ndarray:
        """Probability of accepting an invitation on ``day`` (the planted selection)."""
        params, pop = self.state.params, self.state.pop
        rated_high = pop.is_high[people] & (self.first_review[people] <= day)
        female = (
            params.selection_female_mentee_factor
            if role == MENTEE
            else params.selection_female_mentor_factor
        )
        odds_all = (
            odds
            * np.where(rated_high, params.selection_odds_ratio_high, 1.0)
            * self.department_odds[self.state.department[people]]
            * np.where(pop.gender[people] == 0, female, 1.0)
        )
        return odds_all / (1.0 + odds_all)

    def month(self, start: int, end: int, as_of: int, rng: np.random.Generator) -> None:
        """Run one month: invitations, then the month's first meetings."""
        for program in self.programs:
            self._invite(program, start, end, as_of)
        found = [self._match(program, start, end, rng) for program in self.programs]
        mentees = np.concatenate([f[0] for f in found])
        mentors = np.concatenate([f[1] for f in found])
        days = np.concatenate([f[2] for f in found])
        self.state.start_participation(mentees, mentors, days)

    def _invite(self, program: _Program, start: int, end: int, as_of: int) -> None:
        state = self.state
        lo, hi = np.searchsorted(program.sorted_invite, [start, end], "left")
        who = program.by_invite[lo:hi]
        day = program.invite_day[who]
        low, high = program.spec.mentee_levels
        ok = (day <= as_of) & state.employed(who, day)
        ok &= (state.level[who] >= low) & (state.level[who] <= high)
        p = self.accept_probability(who, day, MENTEE, program.spec.mentee_odds)
        ok &= program.accept_draw[who] < p
        who, day = who[ok], day[ok]
        state.enrollments.add(
            program=np.full(who.size, program.index),
            employee=who,
            role=np.full(who.size, MENTEE),
            date=day,
        )
        meeting = program.meeting_day[who]
        keep = meeting <= as_of
        ids, days = program.pending
        program.pending = (np.concatenate([ids, who[keep]]), np.concatenate([days, meeting[keep]]))

    def _match(
        self, program: _Program, start: int, end: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentors for the mentees whose first meeting is this month."""
        state, spec = self.state, program.spec
        ids, days = program.pending
        due = days < end
        program.pending = (ids[~due], days[~due])
        ids, days = ids[due], days[due]
        present = state.employed(ids, days)
        ids, days = ids[present], days[present]

        mentor = np.full(ids.size, -1, dtype=np.int64)
        pool = program.mentors[state.left[program.mentors] > start]
        pick = _assign(spec, ids, pool, state, program.busy, start, rng)
        mentor[pick >= 0] = pool[pick[pick >= 0]]
        # Mentor and mentee must both be employed on the day they meet.
        mentor[(mentor >= 0) & (state.left[np.maximum(mentor, 0)] <= days)] = -1
        self._recruit(program, ids, days, mentor, start, end, rng)

        found = mentor >= 0
        ids, days, mentor = ids[found], days[found], mentor[found]
        state.matches.add(
            program=np.full(ids.size, program.index), mentor=mentor, mentee=ids, start=days
        )
        busy_ids, busy_ends = program.busy
        program.busy = (
            np.concatenate([busy_ids, mentor]),
            np.concatenate([busy_ends, days + spec.match_days - 1]),
        )
        return ids, mentor, days

    def _recruit(
        self,
        program: _Program,
        mentees: np.ndarray,
        days: np.ndarray,
        mentor: np.ndarray,
        start: int,
        end: int,
        rng: np.random.Generator,
    ) -> None:
        """Ask new people to mentor the mentees still without one (fills ``mentor``)."""
        state, spec = self.state, program.spec
        if (mentor < 0).sum() == 0:
            return
        low, high = spec.mentor_levels
        hire, level = state.pop.hire, state.level
        eligible = (hire + MENTOR_MIN_TENURE_DAYS <= start) & (state.left > start)
        eligible &= self.could_join >= start - MENTOR_ASK_WINDOW_DAYS
        eligible &= (level >= low) & (level <= high) & ~program.asked_as_mentor
        for _ in range(RECRUIT_ROUNDS):
            rest = np.flatnonzero(mentor < 0)
            candidates = np.flatnonzero(eligible)
            if rest.size == 0 or candidates.size == 0:
                return
            pool = SortedPool(state.department[candidates], level[candidates])
            chosen = choose_mentors(
                spec, level[mentees[rest]], state.department[mentees[rest]], pool, rng
            )
            rest, person = rest[chosen >= 0], candidates[chosen[chosen >= 0]]
            # Each person is asked once, for the first mentee who drew them.
            person, first = np.unique(person, return_index=True)
            slot = rest[first]
            program.asked_as_mentor[person] = True
            eligible[person] = False
            asked_on = np.maximum(days[slot] - rng.integers(1, 8, person.size), start)
            p = self.accept_probability(person, asked_on, MENTOR, spec.mentor_odds)
            yes = rng.random(person.size) < p
            yes &= state.left[person] > days[slot]  # still employed at the first meeting
            person, slot, asked_on = person[yes], slot[yes], asked_on[yes]
            mentor[slot] = person
            state.enrollments.add(
                program=np.full(person.size, program.index),
                employee=person,
                role=np.full(person.size, MENTOR),
                date=asked_on,
            )
            program.mentors = np.concatenate([program.mentors, person])


def _assign(
    spec: ProgramSpec,
    mentees: np.ndarray,
    pool: np.ndarray,
    state: State,
    busy: tuple[np.ndarray, np.ndarray],
    day: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """A mentor (index into ``pool``) with room for every mentee, or -1.

    Mentees are matched in batches no larger than half the mentors with room,
    and the room is updated between batches, so nobody ends above capacity by
    more than a batch's chance collisions.
    """
    pick = np.full(mentees.size, -1, dtype=np.int64)
    if pool.size == 0:
        return pick
    busy_ids, ends = busy
    active = np.sort(busy_ids[ends >= day])
    load = np.searchsorted(active, pool, "right") - np.searchsorted(active, pool, "left")
    room = spec.capacity - load
    level, department = state.level, state.department
    begin = 0
    while begin < mentees.size and (room > 0).any():
        batch = max(1, int((room > 0).sum()) // 2)
        part = mentees[begin : begin + batch]
        sorted_pool = SortedPool(department[pool], level[pool], np.maximum(room, 0))
        chosen = choose_mentors(spec, level[part], department[part], sorted_pool, rng)
        np.subtract.at(room, chosen[chosen >= 0], 1)
        pick[begin : begin + batch] = chosen
        begin += batch
    return pick

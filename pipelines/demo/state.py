"""The simulation's mutable state, and the records it collects month by month."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.demo.attrition import leave_day
from pipelines.demo.dates import NEVER
from pipelines.demo.parameters import Parameters
from pipelines.demo.population import Population


@dataclass
class Rows:
    """Columns of records collected month by month."""

    columns: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **cols: np.ndarray) -> None:
        for name, values in cols.items():
            self.columns.setdefault(name, []).append(np.asarray(values))

    def get(self, name: str) -> np.ndarray:
        parts = self.columns.get(name)
        return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, dtype=np.int64)


@dataclass
class RoleTrack:
    """Per person, for one role (mentee or mentor): t0 and what the counterfactual needs."""

    t0: np.ndarray  # first match start in the role, NEVER without one
    level_at_t0: np.ndarray
    last_promotion_at_t0: np.ndarray
    promoted_cf: np.ndarray  # bool: promoted in (t0, t0 + 365] without participation

    @classmethod
    def empty(cls, n: int) -> RoleTrack:
        return cls(
            t0=np.full(n, NEVER, dtype=np.int64),
            level_at_t0=np.zeros(n, dtype=np.int64),
            last_promotion_at_t0=np.zeros(n, dtype=np.int64),
            promoted_cf=np.zeros(n, dtype=bool),
        )


@dataclass
class State:
    """Everything the months change, per person, plus the collected records."""

    pop: Population
    params: Parameters
    level: np.ndarray
    department: np.ndarray
    last_promotion: np.ndarray
    left: np.ndarray  # first day no longer employed, with the t0s known so far
    left_cf: np.ndarray  # the same without any participation (fixed)
    mentee: RoleTrack
    mentor: RoleTrack
    jobs: Rows = field(default_factory=Rows)  # employee, date, level, department, change
    enrollments: Rows = field(default_factory=Rows)  # program, employee, role, date
    matches: Rows = field(default_factory=Rows)  # program, mentor, mentee, start

    @classmethod
    def start(cls, pop: Population, params: Parameters) -> State:
        never = np.full(pop.size, NEVER, dtype=np.int64)
        left = leave_day(
            pop.exposure_start, pop.hazard, pop.exposure, pop.retire_day, never, never,
            params.attrition_multiplier_mentee, params.attrition_multiplier_mentor,
        )  # fmt: skip
        return cls(
            pop=pop,
            params=params,
            level=pop.level.copy(),
            department=pop.department.copy(),
            last_promotion=pop.last_promotion.copy(),
            left=left,
            left_cf=left.copy(),
            mentee=RoleTrack.empty(pop.size),
            mentor=RoleTrack.empty(pop.size),
        )

    def employed(self, people: np.ndarray, day: np.ndarray | int) -> np.ndarray:
        """Whether each person is employed on the day (with the t0s known so far).

        A t0 only slows the clock after it, so the answer for a day never changes
        once every t0 up to that day is known.
        """
        return (self.pop.hire[people] <= day) & (self.left[people] > day)

    def start_participation(
        self, mentees: np.ndarray, mentors: np.ndarray, starts: np.ndarray
    ) -> None:
        """Record the first matches of new participants and slow their attrition clock.

        ``mentees[i]`` and ``mentors[i]`` met on ``starts[i]``; only a person's
        first match in a role sets that role's t0.
        """
        changed = []
        for track, people in ((self.mentee, mentees), (self.mentor, mentors)):
            fresh = track.t0[people] == NEVER
            np.minimum.at(track.t0, people[fresh], starts[fresh])
            first = np.unique(people[fresh])
            track.level_at_t0[first] = self.level[first]
            track.last_promotion_at_t0[first] = self.last_promotion[first]
            changed.append(first)
        ids = np.unique(np.concatenate(changed))
        pop = self.pop
        self.left[ids] = leave_day(
            pop.exposure_start[ids], pop.hazard[ids], pop.exposure[ids], pop.retire_day[ids],
            self.mentee.t0[ids], self.mentor.t0[ids],
            self.params.attrition_multiplier_mentee, self.params.attrition_multiplier_mentor,
        )  # fmt: skip

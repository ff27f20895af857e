"""The three mentoring programs and how a mentee finds a mentor.

- ``P001`` Career Mentoring, ``traditional``: juniors (levels 1-7) with a mentor
  at least two levels above.
- ``P002`` Reverse Mentoring, ``reverse``: senior leaders (levels 10-15) mentored
  by juniors (levels 2-6) at least three levels below: the platform records the
  junior as ``mentor``.
- ``P003`` Leadership Circles, ``group``: a leadership program run as circles,
  one senior leader (levels 11-15) with several mid-level mentees (6-10); the
  export has one match row per leader-mentee pair. ``group`` rather than
  ``traditional`` because the circle, not the pair, is the unit of the program.

The programs launch together (the circles a month later); how people join is
in ``intake``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.pools import SortedPool


@dataclass(frozen=True)
class ProgramSpec:
    """One mentoring program as the generator runs it."""

    program_id: str
    program_name: str
    program_type: str
    start_month: int
    """Months after the first program's start."""
    match_days: int
    """Planned length of a match."""
    mentee_levels: tuple[int, int]
    mentor_levels: tuple[int, int]
    mentor_is_senior: bool
    """True: the mentor is ``level_gap`` or more levels above; False (reverse): below."""
    level_gap: int
    capacity: int
    """Most mentees a mentor has at once (matches within their planned length)."""
    same_department_share: float
    """Share of matches made within the mentee's department when possible."""
    mentee_odds: float
    """Odds of accepting the invitation to be a mentee, before the selection factors."""
    mentor_odds: float
    """Odds of accepting when asked to mentor, before the selection factors."""


PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        program_id="P001",
        program_name="Career Mentoring",
        program_type="traditional",
        start_month=0,
        match_days=365,
        mentee_levels=(1, 5),
        mentor_levels=(4, 15),
        mentor_is_senior=True,
        level_gap=2,
        capacity=2,
        same_department_share=0.6,
        mentee_odds=0.20,
        mentor_odds=0.50,
    ),
    ProgramSpec(
        program_id="P002",
        program_name="Reverse Mentoring: Digital Fluency",
        program_type="reverse",
        start_month=0,
        match_days=182,
        mentee_levels=(9, 15),
        mentor_levels=(1, 5),
        mentor_is_senior=False,
        level_gap=3,
        capacity=1,
        same_department_share=0.3,
        mentee_odds=0.25,
        mentor_odds=0.40,
    ),
    ProgramSpec(
        program_id="P003",
        program_name="Leadership Circles",
        program_type="group",
        start_month=1,
        match_days=273,
        mentee_levels=(6, 10),
        mentor_levels=(11, 15),
        mentor_is_senior=True,
        level_gap=2,
        capacity=6,
        same_department_share=0.3,
        mentee_odds=0.15,
        mentor_odds=0.60,
    ),
)

MENTEE, MENTOR = 0, 1
ROLES: tuple[str, ...] = ("mentee", "mentor")


def choose_mentors(
    spec: ProgramSpec,
    mentee_level: np.ndarray,
    mentee_department: np.ndarray,
    pool: SortedPool,
    rng: np.random.Generator,
) -> np.ndarray:
    """A mentor (index into the pool) for every mentee, or -1 where nobody fits.

    Drawn with the pool's weights among the members at the right level
    distance, from the mentee's department with probability
    ``same_department_share`` when someone there fits.
    """
    if spec.mentor_is_senior:
        low, high = mentee_level + spec.level_gap, np.full(mentee_level.size, 15)
    else:
        low, high = np.ones(mentee_level.size, dtype=np.int64), mentee_level - spec.level_gap
    want_same = rng.random(mentee_level.size) < spec.same_department_share
    u = np.asarray(rng.random(mentee_level.size))
    same = pool.draw(mentee_department, low, high, u)
    anywhere = pool.draw(None, low, high, u)
    return np.where(want_same & (same >= 0), same, anywhere)

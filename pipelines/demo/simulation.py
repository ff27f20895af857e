"""The month-by-month simulation of careers and mentoring.

One loop step per calendar month, vectorised over people: program intake
(invitations, first meetings, new participants' t0 slowing their attrition
clock), then the month's job changes. Employment on a day is read from the
attrition clock with the t0s known so far; a t0 only changes the clock after
it and months run in order, so the data stay consistent with the final
termination dates.

The same draws give every participant's counterfactual without participation
(no hazard multiplier, no promotion uplift), which the ground truth needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.careers import career_month, promotion_table
from pipelines.demo.dates import month_starts
from pipelines.demo.intake import Intake
from pipelines.demo.parameters import Parameters
from pipelines.demo.population import Population
from pipelines.demo.state import RoleTrack, Rows, State
from pipelines.demo.timeline import Timeline


@dataclass
class Simulation:
    """The outcome: final state, t0s, counterfactuals and the collected records."""

    leave_day: np.ndarray  # first day no longer employed (may be after the as-of date)
    leave_day_cf: np.ndarray  # the same without any participation effect
    level: np.ndarray  # current level (on the as-of date, or when the person left)
    department: np.ndarray
    mentee: RoleTrack
    mentor: RoleTrack
    jobs: Rows  # employee, date, level, department, change
    enrollments: Rows  # program, employee, role, date
    matches: Rows  # program, mentor, mentee, start


def simulate(
    pop: Population,
    params: Parameters,
    timeline: Timeline,
    first_review: np.ndarray,
    rng: np.random.Generator,
) -> Simulation:
    """Run the careers and the programs over the timeline's history."""
    state = State.start(pop, params)
    intake = Intake(state, timeline.program_starts, first_review, rng)
    table = promotion_table(params)
    as_of = timeline.as_of
    months = month_starts(timeline.history_start, as_of)
    for start, end in zip(months[:-1].tolist(), months[1:].tolist(), strict=True):
        intake.month(start, end, as_of, rng)
        career_month(state, start, end, as_of, table, rng)
    return Simulation(
        leave_day=state.left,
        leave_day_cf=state.left_cf,
        level=state.level,
        department=state.department,
        mentee=state.mentee,
        mentor=state.mentor,
        jobs=state.jobs,
        enrollments=state.enrollments,
        matches=state.matches,
    )

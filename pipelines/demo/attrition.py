"""When people leave: a proportional-hazards clock that participation slows down.

Each person has a constant attrition hazard ``h`` (by performance band and
department) and one exponential draw ``E``: employment ends on the first day
the cumulative hazard since the exposure start reaches ``E``, or on the
retirement day if that comes first. From a participant's t0 on, the hazard is
multiplied by the role's multiplier (mentee and mentor multiply when a person
has both roles). Because ``E`` is drawn once, the same person can be evaluated
with and without participation: that gives the counterfactual the ground truth
needs, and guarantees that participation never ends an employment earlier.
"""

from __future__ import annotations

import numpy as np


def leave_day(
    exposure_start: np.ndarray,
    hazard: np.ndarray,
    exposure: np.ndarray,
    retire_day: np.ndarray,
    t0_mentee: np.ndarray,
    t0_mentor: np.ndarray,
    multiplier_mentee: float,
    multiplier_mentor: float,
) -> np.ndarray:
    """First day no longer employed (may lie after the as-of date).

    ``t0_*`` hold ``NEVER`` for people without that role; pass ``NEVER`` arrays
    for the counterfactual without participation.
    """
    start = exposure_start.astype(np.float64)
    mentee_first = t0_mentee <= t0_mentor
    a = np.minimum(t0_mentee, t0_mentor).astype(np.float64)
    b = np.maximum(t0_mentee, t0_mentor).astype(np.float64)
    m_a = np.where(mentee_first, multiplier_mentee, multiplier_mentor)
    m_b = np.where(mentee_first, multiplier_mentor, multiplier_mentee)
    # Piecewise-constant hazard: h before a, h*m_a on [a, b), h*m_a*m_b from b.
    r0, r1 = hazard, hazard * m_a
    r2 = r1 * m_b
    at_a = r0 * (a - start)
    at_b = at_a + r1 * (b - a)
    t = np.where(
        exposure <= at_a,
        start + exposure / r0,
        np.where(exposure <= at_b, a + (exposure - at_a) / r1, b + (exposure - at_b) / r2),
    )
    # The first whole day on which the cumulative hazard has reached the draw.
    return np.minimum(np.ceil(t).astype(np.int64), retire_day)

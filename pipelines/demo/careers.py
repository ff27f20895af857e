"""Careers month by month: promotions (the pyramid), transfers, demotions."""

from __future__ import annotations

import numpy as np

from pipelines.demo.parameters import Parameters
from pipelines.demo.state import State
from pipelines.demo.vocabulary import DEPARTMENT_NAMES


def monthly(annual: float | np.ndarray) -> np.ndarray:
    """Monthly probability equivalent to an annual one."""
    return 1.0 - (1.0 - np.asarray(annual, dtype=np.float64)) ** (1.0 / 12.0)


#: Event codes of job_history rows.
HIRE, PROMOTION, TRANSFER, DEMOTION, OTHER = 0, 1, 2, 3, 4
CHANGE_TYPES: tuple[str, ...] = ("hire", "promotion", "transfer", "demotion", "other")


def promotion_table(params: Parameters) -> np.ndarray:
    """Monthly promotion probability by ``[is_high, level]`` (level 0 unused, 15 is the top).

    Falls linearly with level so that fewer people reach the top: a pyramid.
    """
    levels = np.arange(16)
    slope = np.clip((15 - levels) / 14.0, 0.0, 1.0)
    slope[0] = 0.0
    table = np.zeros((2, 16))
    table[0] = monthly(params.promotion_other * slope)
    table[1] = monthly(params.promotion_high * slope)
    return table


def career_month(
    state: State, start: int, end: int, as_of: int, table: np.ndarray, rng: np.random.Generator
) -> None:
    """Draw the month's job changes: at most one per person, on a random day of the month.

    One uniform per person decides the event: a promotion at the top of its
    range, transfers, demotions and other changes at the bottom. The same
    uniform, compared with the base probability, gives each participant's
    counterfactual promotion in the 12 months after their t0.
    """
    pop, params = state.pop, state.params
    who = np.flatnonzero((pop.hire < end) & (state.left > start))
    u = rng.random(who.size)
    day = start + np.floor(rng.random(who.size) * (end - start)).astype(np.int64)
    hire = pop.hire[who]
    ok = (day <= as_of) & (day > hire) & (day < state.left[who])
    level, high = state.level[who], pop.is_high[who].astype(np.int64)
    t0e, t0r = state.mentee.t0[who], state.mentor.t0[who]
    uplift = np.where(day > t0e, params.promotion_uplift_mentee, 1.0) * np.where(
        day > t0r, params.promotion_uplift_mentor, 1.0
    )
    settled = day - hire >= params.first_promotion_after_days
    cooled = settled & (day - state.last_promotion[who] >= params.promotion_cooldown_days)
    promote = ok & cooled & (u >= 1.0 - np.minimum(table[high, level] * uplift, 0.5))
    # Demotions are not drawn in the year after a t0, in either world, so that the
    # counterfactual keeps the level of t0 until its first promotion.
    after_t0 = ((day > t0e) & (day <= t0e + 365)) | ((day > t0r) & (day <= t0r + 365))
    q_transfer = monthly(params.transfer_rate)
    q_demote = monthly(params.demotion_rate_other)
    q_other = monthly(params.other_change_rate)
    transfer = ok & (u < q_transfer)
    demote = ok & (high == 0) & (level >= 3) & ~after_t0
    demote &= (u >= q_transfer) & (u < q_transfer + q_demote)
    other = ok & (u >= q_transfer + q_demote) & (u < q_transfer + q_demote + q_other)

    for track in (state.mentee, state.mentor):
        t0, level0 = track.t0[who], track.level_at_t0[who]
        cf = ok & (day > t0) & (day <= t0 + 365) & (day < state.left_cf[who]) & (level0 < 15)
        cf &= settled & (day - track.last_promotion_at_t0[who] >= params.promotion_cooldown_days)
        cf &= u >= 1.0 - table[high, level0]
        track.promoted_cf[who[cf]] = True

    state.level[who[promote]] += 1
    state.level[who[demote]] -= 1
    state.last_promotion[who[promote]] = day[promote]
    moved = who[transfer]
    n_departments = len(DEPARTMENT_NAMES)
    state.department[moved] = (
        state.department[moved] + 1 + rng.integers(0, n_departments - 1, moved.size)
    ) % n_departments
    event = promote | demote | transfer | other
    change = np.select([promote, demote, transfer], [PROMOTION, DEMOTION, TRANSFER], OTHER)
    state.jobs.add(
        employee=who[event],
        date=day[event],
        level=state.level[who[event]],
        department=state.department[who[event]],
        change=change[event],
    )
    # A t0 set this month, after an event of the same month: the event came first.
    for track in (state.mentee, state.mentor):
        t0 = track.t0[who]
        before = event & (t0 >= start) & (t0 < end) & (day <= t0)
        track.level_at_t0[who[before]] = state.level[who[before]]
        track.last_promotion_at_t0[who[before]] = state.last_promotion[who[before]]

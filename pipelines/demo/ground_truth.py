"""``ground_truth.json``: what was planted, the true effects, and what the KPIs should read.

Three kinds of numbers, each defined in the file's own ``definitions``:

- ``parameters``: the planted mechanism (hazards, multipliers, uplifts, odds).
- ``true_effects``: average effects on the participants themselves (ATT),
  computed from the simulation's own counterfactual: every participant is
  evaluated again with the same random draws but without any participation
  effect. This is what an analysis should recover; it is not observable in
  the exports.
- ``observed_kpis``: a second, independent computation of some KPIs of
  ``kpis.md`` from the clean rows, so a test can compare the pipeline's numbers
  with them (and see that the naive gap overstates the true effect).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.dates import NEVER
from pipelines.demo.hr_records import JobRows, SurveyRows
from pipelines.demo.parameters import Parameters
from pipelines.demo.population import Population
from pipelines.demo.simulation import Simulation
from pipelines.demo.state import RoleTrack

DEFINITIONS: dict[str, str] = {
    "D": "The as-of date (generator.as_of). Every date is ISO YYYY-MM-DD.",
    "parameters": (
        "The planted mechanism (pipelines/demo/parameters.py documents each field). "
        "attrition_high/_other: annual probability of leaving (retirement aside) by "
        "performance band, times attrition_department_factor of the department held when the "
        "history (or the job) started; each person's hazard is constant. "
        "attrition_multiplier_mentee/_mentor: the hazard is multiplied by it from the role's "
        "t0 on, for good (both roles: the product). promotion_uplift_*: multiplier on the "
        "monthly promotion probability after t0. engagement_uplift_*: points added to every "
        "survey score dated >= t0 + engagement_lag_days. selection_odds_ratio_high: odds ratio "
        "of accepting an invitation (mentee) or a request (mentor) when the performance band "
        "on that day is high, versus other or unrated."
    ),
    "t0": (
        "As in kpis.md: a mentee's t0 is their earliest matches.start_date as mentee_id, a "
        "mentor's likewise as mentor_id; a non-participant's t0 is max(hire_date, earliest "
        "programs.start_date). All matches start on or before D."
    ),
    "eligible_12m": (
        "As in kpis.md: t0 <= D - 365 days and employed on t0 (hire_date <= t0 and no "
        "termination_date <= t0)."
    ),
    "true_effects.retention_12m.<role>": (
        "Over the eligible_12m members of the role's group (mentee or mentor, as in kpis.md; a "
        "person in both groups counts in both): actual = share with termination_date empty or "
        "> t0 + 365; counterfactual = the same share when the same people, with the same random "
        "draws, had never participated (no attrition multiplier from any role); effect = "
        "actual - counterfactual, a difference in shares (the ATT). Retirement dates are the "
        "same in both worlds."
    ),
    "true_effects.promotion_12m.<role>": (
        "Over the same eligible_12m members: actual = share with a promotion event (kpis.md: a "
        "job_history row raising the level over the previous row) dated in (t0, t0 + 365]; "
        "counterfactual = the share promoted in that window with the same monthly draws but "
        "no promotion uplift and the counterfactual termination date; effect = difference."
    ),
    "true_effects.engagement_delta.<role>": (
        "Over the role's members with t0 <= D - 180, employed on t0, having a survey dated "
        "<= t0 ('before': the latest) and one in [t0 + 180, D] ('after': the earliest): actual "
        "= mean(after - before); counterfactual = mean of the same difference computed on "
        "the same surveys scored without any participation uplift; effect = difference "
        "(points on the 1-5 scale). Conditional on the surveys answered in the actual world."
    ),
    "true_<kpi>_effect_<role>": "Shortcuts: true_effects.<kpi>.<role>.effect.",
    "observed_kpis": (
        "The generator's own computation of these kpis.md KPIs on the clean rows (bad rows are "
        "all quarantined, so the accepted rows are the clean rows): retention_12m_*, "
        "retention_12m_gap_*_naive, retention_12m_gap_*_adjusted (strata: department, level "
        "and performance band at t0; a stratum qualifies with >= 5 eligible members on both "
        "sides), promotion_rate_12m_*, engagement_delta_mentee, "
        "engagement_delta_non_participant, engagement_uplift_mentee, participation_rate. "
        "value is unrounded; n as in kpis.md; null when the population is empty. What to "
        "expect: the naive gaps exceed the true retention effects (selection on performance); "
        "the adjusted gaps come close to them, slightly above (about +0.005 to +0.01 at "
        "100,000+ employees: a participant's t0 falls days after the day they could first "
        "join, a non-participant's t0 is that day, and the KPI does not remove this immortal "
        "time), within sampling noise at a few thousand employees (a standard error of "
        "about 0.02 to 0.03), where few strata qualify."
    ),
    "planted_bad_rows": (
        "Per source and kind, the number of extra rows written that break the contract. Each "
        "breaks exactly one rule and is referenced by no other row, so every one is "
        "quarantined and no clean row is: rows_quarantined of a source = the sum of its kinds. "
        "A duplicate_key row repeats the key of an earlier clean row (the first one is "
        "accepted). Empty when bad_row_share = 0."
    ),
    "planted_warnings": (
        "Clean rows whose manager_id names no employee: kept by the contract, counted as "
        "warnings, not quarantined."
    ),
    "rows": "Per source: rows written (clean plus bad), and clean rows.",
    "small_groups": (
        "A group value held by fewer than 5 employed people at every size (all of them "
        "employed on D): the KPIs must suppress it."
    ),
    "selection.high_performer_share_at_t0": (
        "Per group (mentee, mentor, non_participant): the share of its eligible_12m members "
        "whose performance band at t0 (kpis.md) is high: the planted selection, visible."
    ),
}


@dataclass
class World:
    """Everything the generator knows about the organisation it made."""

    params: Parameters
    pop: Population
    sim: Simulation
    jobs: JobRows
    surveys: SurveyRows
    first_review: np.ndarray  # day of each person's first review, NEVER without one
    first_program_start: int
    as_of: int

    def band_at(self, people: np.ndarray, days: np.ndarray) -> np.ndarray:
        """kpis.md's performance band on a day: 0 other, 1 high, 2 unrated.

        Ratings are drawn within a person's fixed band, so the latest review
        before a day always gives that band; without a review, unrated.
        """
        rated = self.first_review[people] <= days
        return np.where(rated, self.pop.is_high[people].astype(np.int64), 2)


def group_t0(world: World) -> dict[str, np.ndarray]:
    """t0 of every person in each kpis.md group (NEVER outside it)."""
    sim, pop = world.sim, world.pop
    participant = (sim.mentee.t0 < NEVER) | (sim.mentor.t0 < NEVER)
    return {
        "mentee": sim.mentee.t0,
        "mentor": sim.mentor.t0,
        "non_participant": np.where(
            participant, NEVER, np.maximum(pop.hire, world.first_program_start)
        ),
    }


def _eligible(world: World, t0: np.ndarray, days: int) -> np.ndarray:
    """People with ``t0 <= D - days`` employed on t0 (kpis.md's eligibility)."""
    pop, left = world.pop, world.sim.leave_day
    return np.flatnonzero((t0 <= world.as_of - days) & (pop.hire <= t0) & (left > t0))


def _promotion_events(jobs: JobRows) -> tuple[np.ndarray, np.ndarray]:
    """(employee, date) of every promotion event, as kpis.md defines it."""
    order = np.lexsort((jobs.level, jobs.date, jobs.employee))
    e, d, lvl = jobs.employee[order], jobs.date[order], jobs.level[order]
    # The level at a date is the highest of the rows on that date: the last after the sort.
    last_of_day = np.ones(e.size, dtype=bool)
    last_of_day[:-1] = (e[1:] != e[:-1]) | (d[1:] != d[:-1])
    e, d, lvl = e[last_of_day], d[last_of_day], lvl[last_of_day]
    rise = np.zeros(e.size, dtype=bool)
    rise[1:] = (e[1:] == e[:-1]) & (lvl[1:] > lvl[:-1])
    return e[rise], d[rise]


def _promoted_within(
    events: tuple[np.ndarray, np.ndarray], people: np.ndarray, t0: np.ndarray
) -> np.ndarray:
    """Whether each person has a promotion event in ``(t0, t0 + 365]``."""
    e, d = events
    key = np.sort(e * (2 * NEVER) + d)
    base = people * (2 * NEVER)
    return np.searchsorted(key, base + t0 + 365, "right") > np.searchsorted(key, base + t0, "right")


def _engagement_pairs(
    world: World, people: np.ndarray, t0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the 'before' and 'after' surveys of the people who have both.

    Returns the survey row indices and the positions in ``people`` that have both.
    """
    surveys = world.surveys
    order = np.lexsort((surveys.date, surveys.employee))
    key = surveys.employee[order] * (2 * NEVER) + surveys.date[order]
    if key.size == 0:
        return np.empty((2, 0), dtype=np.int64), np.empty(0, dtype=np.int64)
    base = people * (2 * NEVER)
    before = np.searchsorted(key, base + t0, "right") - 1
    after = np.searchsorted(key, base + t0 + 180, "left")
    b, a = np.maximum(before, 0), np.minimum(after, key.size - 1)
    both = (before >= 0) & (key[b] // (2 * NEVER) == people)
    both &= (after < key.size) & (key[a] // (2 * NEVER) == people)
    both &= key[a] % (2 * NEVER) <= world.as_of
    at = np.flatnonzero(both)
    return np.stack([order[b[at]], order[a[at]]]), at


def _effect(actual: np.ndarray, counterfactual: np.ndarray) -> dict[str, object]:
    if actual.size == 0:
        return {"n": 0, "actual": None, "counterfactual": None, "effect": None}
    a, c = float(np.mean(actual)), float(np.mean(counterfactual))
    return {"n": int(actual.size), "actual": a, "counterfactual": c, "effect": a - c}


def true_effects(world: World) -> dict[str, dict[str, dict[str, object]]]:
    """The ATTs of participation on 12-month retention and promotion, and on engagement."""
    sim = world.sim
    events = _promotion_events(world.jobs)
    out: dict[str, dict[str, dict[str, object]]] = {
        "retention_12m": {},
        "promotion_12m": {},
        "engagement_delta": {},
    }
    tracks: tuple[tuple[str, RoleTrack], ...] = (("mentee", sim.mentee), ("mentor", sim.mentor))
    for role, track in tracks:
        people = _eligible(world, track.t0, 365)
        t0 = track.t0[people]
        kept = sim.leave_day[people] > t0 + 365
        kept_cf = sim.leave_day_cf[people] > t0 + 365
        out["retention_12m"][role] = _effect(kept, kept_cf)
        promoted = _promoted_within(events, people, t0)
        out["promotion_12m"][role] = _effect(promoted, track.promoted_cf[people])

        people = _eligible(world, track.t0, 180)
        (before, after), _ = _engagement_pairs(world, people, track.t0[people])
        score, score_cf = world.surveys.score, world.surveys.score_cf
        out["engagement_delta"][role] = _effect(
            score[after] - score[before], score_cf[after] - score_cf[before]
        )
    return out


def _kpi(value: float | None, n: int) -> dict[str, object]:
    return {"value": value, "n": n if value is not None else None}


def observed_kpis(world: World) -> dict[str, dict[str, object]]:
    """Some KPIs of kpis.md, computed independently of the pipeline from the clean rows."""
    pop, left = world.pop, world.sim.leave_day
    t0s = group_t0(world)
    events = _promotion_events(world.jobs)
    out: dict[str, dict[str, object]] = {}
    eligible, retained, strata = {}, {}, {}
    retention: dict[str, float | None] = {}
    for group, t0 in t0s.items():
        people = _eligible(world, t0, 365)
        eligible[group], day = people, t0[people]
        retained[group] = left[people] > day + 365
        retention[group] = float(retained[group].mean()) if people.size else None
        out[f"retention_12m_{group}"] = _kpi(retention[group], people.size)
        promoted = _promoted_within(events, people, day)
        share = float(promoted.mean()) if people.size else None
        out[f"promotion_rate_12m_{group}"] = _kpi(share, people.size)
        level, department = world.jobs.at(people, day)
        strata[group] = (department * 16 + level) * 3 + world.band_at(people, day)

    base = retention["non_participant"]
    for group in ("mentee", "mentor"):
        value = retention[group]
        naive = None if value is None or base is None else value - base
        out[f"retention_12m_gap_{group}_naive"] = _kpi(naive, eligible[group].size)
        out[f"retention_12m_gap_{group}_adjusted"] = _adjusted_gap(
            strata[group], retained[group], strata["non_participant"], retained["non_participant"]
        )

    deltas: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for group in ("mentee", "non_participant"):
        people = _eligible(world, t0s[group], 180)
        (before, after), _ = _engagement_pairs(world, people, t0s[group][people])
        change = world.surveys.score[after] - world.surveys.score[before]
        deltas[group] = float(change.mean()) if change.size else None
        counts[group] = int(change.size)
        out[f"engagement_delta_{group}"] = _kpi(deltas[group], counts[group])
    mentee, others = deltas["mentee"], deltas["non_participant"]
    uplift = None if mentee is None or others is None else mentee - others
    out["engagement_uplift_mentee"] = _kpi(uplift, counts["mentee"])

    employed = (pop.hire <= world.as_of) & (left > world.as_of)
    joined = employed & ((t0s["mentee"] < NEVER) | (t0s["mentor"] < NEVER))
    out["participation_rate"] = _kpi(float(joined.sum() / employed.sum()), int(employed.sum()))
    return out


def _adjusted_gap(
    s_group: np.ndarray, r_group: np.ndarray, s_np: np.ndarray, r_np: np.ndarray
) -> dict[str, object]:
    """kpis.md's adjusted gap: strata with >= 5 on each side, weighted by the group's count."""
    size = int(max(s_group.max(initial=0), s_np.max(initial=0))) + 1
    n_g = np.bincount(s_group, minlength=size)
    n_n = np.bincount(s_np, minlength=size)
    k_g = np.bincount(s_group, weights=r_group, minlength=size)
    k_n = np.bincount(s_np, weights=r_np, minlength=size)
    ok = (n_g >= 5) & (n_n >= 5)
    if not ok.any():
        return _kpi(None, 0)
    diff = k_g[ok] / n_g[ok] - k_n[ok] / n_n[ok]
    return _kpi(float(np.average(diff, weights=n_g[ok])), int(n_g[ok].sum()))


def selection(world: World) -> dict[str, float | None]:
    """Share of high performers (band at t0) among each group's eligible_12m members."""
    out: dict[str, float | None] = {}
    for group, t0 in group_t0(world).items():
        people = _eligible(world, t0, 365)
        band = world.band_at(people, t0[people])
        out[group] = float((band == 1).mean()) if people.size else None
    return out


def build(
    world: World, generator: dict[str, object], timeline: dict[str, object]
) -> dict[str, object]:
    """The ground-truth document, without the bad-row sections (the writer adds them)."""
    sim, pop = world.sim, world.pop
    employed = (pop.hire <= world.as_of) & (sim.leave_day > world.as_of)
    mentee, mentor = sim.mentee.t0 < NEVER, sim.mentor.t0 < NEVER
    effects = true_effects(world)
    truth: dict[str, object] = {
        "schema_version": 1,
        "generator": generator,
        "definitions": DEFINITIONS,
        "parameters": world.params.as_json(),
        "timeline": timeline,
        "population": {
            "employees": pop.size,
            "employed_on_as_of": int(employed.sum()),
            "terminated_by_as_of": int((sim.leave_day <= world.as_of).sum()),
            "mentee_group": int(mentee.sum()),
            "mentor_group": int(mentor.sum()),
            "both_groups": int((mentee & mentor).sum()),
        },
        "true_effects": effects,
    }
    for kpi, short in (
        ("retention_12m", "retention_12m"),
        ("promotion_12m", "promotion_12m"),
        ("engagement_delta", "engagement"),
    ):
        for role in ("mentee", "mentor"):
            truth[f"true_{short}_effect_{role}"] = effects[kpi][role]["effect"]
    truth["observed_kpis"] = observed_kpis(world)
    truth["selection"] = {"high_performer_share_at_t0": selection(world)}
    return truth

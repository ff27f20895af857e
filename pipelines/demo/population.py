"""Who works here: everyone ever employed in the history window, with fixed traits.

People come in two cohorts: those already employed when the history starts
(hired up to decades earlier) and those hired during it. Each person gets, once
and for all, the traits the rest of the simulation reads: a performance band,
a retirement date, an attrition hazard and the exponential draw that decides
when that hazard ends their employment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.demo.dates import NEVER, first_of_year, years_of
from pipelines.demo.parameters import Parameters
from pipelines.demo.vocabulary import (
    DEPARTMENT_NAMES,
    DEPARTMENT_SHARES,
    ETHNICITY_SHARES,
    FIRST_NAMES_FEMALE,
    FIRST_NAMES_MALE,
    GENDER_SHARES,
    LAST_NAMES,
    LOCATION_SHARES,
)

#: Retirement ages and their shares.
RETIREMENT_AGES = np.array([60, 62, 63, 65, 66, 67])
RETIREMENT_AGE_SHARES = np.array([0.05, 0.10, 0.10, 0.35, 0.15, 0.25])

#: Level pyramids: P(level = l) proportional to ratio ** (l - 1).
INCUMBENT_LEVEL_RATIO = 0.80
HIRE_LEVEL_RATIO = 0.70


@dataclass
class Population:
    """One entry per person (the index is not the employee number: see ``records``)."""

    hire: np.ndarray  # day number of the first day employed
    exposure_start: np.ndarray  # day the attrition hazard starts: max(hire, history start)
    is_high: np.ndarray  # bool: performance band high (fixed)
    birth_year: np.ndarray
    retire_day: np.ndarray  # first day no longer employed if nothing else happens first
    level: np.ndarray  # int: level at exposure_start (mutated by the simulation)
    department: np.ndarray  # int: department index at exposure_start (mutated)
    hazard: np.ndarray  # float: attrition hazard per day, before participation
    exposure: np.ndarray  # float: Exp(1) draw; employment ends when cumulative hazard reaches it
    gender: np.ndarray  # int index into GENDERS
    ethnicity: np.ndarray  # int index into ETHNICITIES (the small group is set later)
    location: np.ndarray
    first_name: np.ndarray  # index into FIRST_NAMES_FEMALE + FIRST_NAMES_MALE
    last_name: np.ndarray
    engagement_base: np.ndarray  # person's mean engagement score
    last_promotion: np.ndarray  # day of the latest promotion before exposure_start, or -NEVER
    history_employee: np.ndarray  # pre-history job rows: person index
    history_date: np.ndarray  # their dates
    history_level: np.ndarray  # level from that date on
    hire_level: np.ndarray  # level of the hire row

    @property
    def size(self) -> int:
        return int(self.hire.shape[0])


def _pyramid(ratio: float) -> np.ndarray:
    weights = ratio ** np.arange(15)
    return weights / weights.sum()


def draw_population(
    n: int, history_start: int, as_of: int, params: Parameters, rng: np.random.Generator
) -> Population:
    """Draw ``n`` people: the cohort employed at ``history_start`` and the later hires."""
    n_initial = int(round(n * params.initial_share))
    n_new = n - n_initial
    is_initial = np.arange(n) < n_initial

    # Later hires: arrival days with a density growing by hiring_growth a year.
    span = as_of - history_start
    g = np.log1p(params.hiring_growth) / 365.25
    u = rng.random(n_new)
    new_hire = history_start + np.floor(np.log1p(u * np.expm1(g * (span + 1))) / g)

    level = np.where(
        is_initial,
        rng.choice(15, size=n, p=_pyramid(INCUMBENT_LEVEL_RATIO)) + 1,
        rng.choice(15, size=n, p=_pyramid(HIRE_LEVEL_RATIO)) + 1,
    ).astype(np.int64)

    # Age at the reference day (history start, or hire for later hires) grows with level.
    age = np.where(
        is_initial,
        27 + 2.0 * (level - 1) + rng.normal(0.0, 9.0, n),
        25 + 1.8 * (level - 1) + rng.normal(0.0, 7.0, n),
    )
    age = np.clip(np.rint(age), 19, 66)
    tenure_days = np.minimum(
        np.floor(rng.exponential(5.5 * 365.25, n)), np.floor((age - 19) * 365.25)
    )
    hire = np.empty(n, dtype=np.int64)
    hire[:n_initial] = history_start - 1 - tenure_days[:n_initial]
    hire[n_initial:] = new_hire
    reference = np.where(is_initial, history_start, hire)
    birth_year = years_of(reference) - age.astype(np.int64)

    retire_age = rng.choice(RETIREMENT_AGES, size=n, p=RETIREMENT_AGE_SHARES)
    retire_year = np.maximum(birth_year + retire_age, years_of(reference) + 1)
    retire_day = first_of_year(retire_year) + np.floor(rng.random(n) * 365).astype(np.int64)

    is_high = rng.random(n) < params.high_performer_share
    department = rng.choice(len(DEPARTMENT_NAMES), size=n, p=DEPARTMENT_SHARES)
    dept_factor = np.array([params.attrition_department_factor[d] for d in DEPARTMENT_NAMES])
    annual = np.where(is_high, params.attrition_high, params.attrition_other)
    hazard = -np.log1p(-annual) / 365.25 * dept_factor[department]

    gender = rng.choice(len(GENDER_SHARES), size=n, p=GENDER_SHARES)
    n_female, n_male = len(FIRST_NAMES_FEMALE), len(FIRST_NAMES_MALE)
    first_any = rng.integers(0, n_female + n_male, n)
    first_name = np.where(
        gender == 0,
        first_any % n_female,
        np.where(gender == 1, n_female + first_any % n_male, first_any),
    )

    # Careers before the history: k earlier promotions, spread over the tenure,
    # at least 200 days apart, so the hire row is at a lower level.
    years_before = np.where(is_initial, (history_start - 1 - hire) / 365.25, 0.0)
    k = np.minimum(rng.poisson(0.25 * years_before), level - 1)
    k = np.minimum(k, np.where(is_initial, (history_start - 1 - hire) // 200, 0))
    owner = np.repeat(np.arange(n), k)
    first_row = np.cumsum(k) - k
    j = np.arange(owner.size) - first_row[owner]  # 0..k-1 within a person
    gap = history_start - 1 - hire[owner]
    history_date = hire[owner] + 1 + np.floor((gap - 1) * (j + rng.random(owner.size)) / k[owner])
    hire_level = level - k
    history_level = hire_level[owner] + j + 1
    last_promotion = np.full(n, -NEVER, dtype=np.int64)
    np.maximum.at(last_promotion, owner, history_date.astype(np.int64))

    return Population(
        hire=hire,
        exposure_start=np.maximum(hire, history_start),
        is_high=is_high,
        birth_year=birth_year,
        retire_day=retire_day,
        level=level,
        department=department.astype(np.int64),
        hazard=hazard,
        exposure=rng.exponential(1.0, n),
        gender=gender,
        ethnicity=rng.choice(len(ETHNICITY_SHARES), size=n, p=ETHNICITY_SHARES),
        location=rng.choice(len(LOCATION_SHARES), size=n, p=LOCATION_SHARES),
        first_name=first_name,
        last_name=rng.integers(0, len(LAST_NAMES), n),
        engagement_base=params.engagement_mean
        + params.engagement_high_bonus * is_high
        + rng.normal(0.0, params.engagement_person_sd, n),
        last_promotion=last_promotion,
        history_employee=owner,
        history_date=history_date.astype(np.int64),
        history_level=history_level,
        hire_level=hire_level,
    )

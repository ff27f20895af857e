"""The HR system's exports: employees, job history, performance reviews, engagement surveys."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.demo.careers import CHANGE_TYPES, HIRE, PROMOTION
from pipelines.demo.dates import NEVER
from pipelines.demo.parameters import Parameters
from pipelines.demo.pools import SortedPool
from pipelines.demo.population import Population
from pipelines.demo.simulation import Simulation
from pipelines.demo.tables import contract_table, dates, integers, labels
from pipelines.demo.vocabulary import (
    DEPARTMENT_NAMES,
    ETHNICITIES,
    FIRST_NAMES_FEMALE,
    FIRST_NAMES_MALE,
    GENDERS,
    LAST_NAMES,
    LOCATIONS,
    SMALL_ETHNICITY,
    SMALL_GROUP_SIZE,
    job_titles,
)

TERMINATION_REASONS: tuple[str | None, ...] = (
    "voluntary",
    "involuntary",
    "retirement",
    "other",
    None,
)

#: Ratings a band can get, and their shares (high: 4-5, other: 1-3).
RATINGS = {True: (np.array([4, 5]), np.array([0.7, 0.3])),
           False: (np.array([1, 2, 3]), np.array([0.08, 0.24, 0.68]))}  # fmt: skip


def employee_numbers(pop: Population) -> np.ndarray:
    """Employee number (1..n) of each person: in hire order, as an HR system numbers them."""
    order = np.lexsort((np.arange(pop.size), pop.hire))
    numbers = np.empty(pop.size, dtype=np.int64)
    numbers[order] = np.arange(1, pop.size + 1)
    return numbers


def first_review_day(hire: np.ndarray, review_days: np.ndarray) -> np.ndarray:
    """Day of each person's first review (reviews need 90 days of tenure), or NEVER."""
    at = np.searchsorted(review_days, hire + 90, "left")
    padded = np.append(review_days, NEVER)
    return padded[at]


def small_group(
    pop: Population, left: np.ndarray, as_of: int, rng: np.random.Generator
) -> np.ndarray:
    """The people given the small ethnicity value: a fixed few, all employed on the as-of date."""
    employed = np.flatnonzero((pop.hire <= as_of) & (left > as_of))
    return np.sort(rng.choice(employed, size=SMALL_GROUP_SIZE, replace=False))


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalpha())


def _managers(
    department: np.ndarray, level: np.ndarray, staff: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A manager for everyone: someone of ``staff`` (today's) more senior, or -1.

    Preferably in the same department one to three levels up; else anyone more
    senior in the department; else anyone more senior at all (the top has none).
    """
    pool = SortedPool(department[staff], level[staff])
    u = rng.random(level.size)
    top = np.full(level.size, 15)
    near = pool.draw(department, level + 1, np.minimum(level + 3, 15), u)
    above = pool.draw(department, level + 1, top, u)
    anywhere = pool.draw(None, level + 1, top, u)
    chosen = np.where(near >= 0, near, np.where(above >= 0, above, anywhere))
    return np.where(chosen >= 0, staff[np.maximum(chosen, 0)], -1)


def employees_table(
    pop: Population,
    sim: Simulation,
    ids: pa.Array,
    numbers: np.ndarray,
    small: np.ndarray,
    as_of: int,
    params: Parameters,
    rng: np.random.Generator,
) -> pa.Table:
    """``employees.csv``: one row per person, in employee-number order."""
    order = np.argsort(numbers)
    left = sim.leave_day
    gone = left <= as_of
    retired = gone & (left == pop.retire_day)
    u = rng.random(pop.size)
    involuntary = u < np.where(
        pop.is_high, params.involuntary_share_high, params.involuntary_share_other
    )
    reason = np.where(involuntary, 1, 0)
    reason = np.where(rng.random(pop.size) < params.other_reason_share, 3, reason)
    reason = np.where(retired, 2, np.where(gone, reason, 4))

    staff = np.flatnonzero((pop.hire <= as_of) & ~gone)
    manager = _managers(sim.department, sim.level, staff, rng)
    has_manager = manager >= 0
    manager_ids = ids.take(pa.array(np.where(has_manager, manager, 0)))
    manager_ids = pc.if_else(pa.array(has_manager), manager_ids, pa.scalar(None, pa.string()))

    first = labels(FIRST_NAMES_FEMALE + FIRST_NAMES_MALE, pop.first_name)
    last = labels(LAST_NAMES, pop.last_name)
    first_ascii = labels([_ascii(x) for x in FIRST_NAMES_FEMALE + FIRST_NAMES_MALE], pop.first_name)
    last_ascii = labels([_ascii(x) for x in LAST_NAMES], pop.last_name)
    email = pc.binary_join_element_wise(
        first_ascii, last_ascii, pc.cast(pa.array(numbers), pa.string()), "."
    )
    email = pc.binary_join_element_wise(email, "example.com", "@")
    ethnicity = pop.ethnicity.copy()
    ethnicity[small] = len(ETHNICITIES)

    columns = {
        "employee_id": ids,
        "full_name": pc.binary_join_element_wise(first, last, " "),
        "email": email,
        "hire_date": dates(pop.hire),
        "termination_date": dates(left, gone),
        "termination_reason": labels(TERMINATION_REASONS, reason),
        "department": labels(DEPARTMENT_NAMES, sim.department),
        "job_title": labels(list(job_titles()), sim.department * 16 + sim.level),
        "job_level": integers(sim.level),
        "manager_id": manager_ids,
        "location": labels(LOCATIONS, pop.location),
        "gender": labels(GENDERS, pop.gender),
        "ethnicity": labels((*ETHNICITIES, SMALL_ETHNICITY), ethnicity),
        "birth_year": integers(pop.birth_year),
    }
    return contract_table("employees", columns).take(pa.array(order))


@dataclass
class JobRows:
    """Job history as arrays (the ground truth reads promotions from them)."""

    employee: np.ndarray
    date: np.ndarray
    level: np.ndarray
    department: np.ndarray
    change: np.ndarray

    def at(self, people: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Level and department of each person on each day, as the KPI dictionary reads them.

        The last row dated on or before the day (same date: the highest level).
        Everyone asked about must have been hired by then.
        """
        order = np.lexsort((self.level, self.date, self.employee))
        key = self.employee[order] * (2 * NEVER) + self.date[order]
        at = np.searchsorted(key, people * (2 * NEVER) + days, "right") - 1
        rows = order[at]
        return self.level[rows], self.department[rows]


def job_rows(pop: Population, sim: Simulation) -> JobRows:
    """Every job row: hires, the careers before the history, and the simulated changes."""
    n = pop.size
    k = pop.history_employee.size
    rows = JobRows(
        employee=np.concatenate([np.arange(n), pop.history_employee, sim.jobs.get("employee")]),
        date=np.concatenate([pop.hire, pop.history_date, sim.jobs.get("date")]),
        level=np.concatenate([pop.hire_level, pop.history_level, sim.jobs.get("level")]),
        department=np.concatenate(
            [pop.department, pop.department[pop.history_employee], sim.jobs.get("department")]
        ),
        change=np.concatenate([np.full(n, HIRE), np.full(k, PROMOTION), sim.jobs.get("change")]),
    )
    return rows


def job_history_table(rows: JobRows, ids: pa.Array, numbers: np.ndarray) -> pa.Table:
    """``job_history.csv``: by employee, then date."""
    order = np.lexsort((rows.date, numbers[rows.employee]))
    e = rows.employee[order]
    dept, level = rows.department[order], rows.level[order]
    columns = {
        "employee_id": ids.take(pa.array(e)),
        "effective_date": dates(rows.date[order]),
        "job_level": integers(level),
        "department": labels(DEPARTMENT_NAMES, dept),
        "job_title": labels(list(job_titles()), dept * 16 + level),
        # Reporting lines are not historised in the demo HR system.
        "manager_id": pa.nulls(e.size, pa.string()),
        "change_type": labels(CHANGE_TYPES, rows.change[order]),
    }
    return contract_table("job_history", columns)


def reviews_table(
    pop: Population,
    left: np.ndarray,
    review_days: np.ndarray,
    ids: pa.Array,
    rng: np.random.Generator,
) -> pa.Table:
    """``performance_reviews.csv``: a yearly review of everyone with 90 days of tenure."""
    people, days = [], []
    for day in review_days.tolist():
        who = np.flatnonzero((pop.hire <= day - 90) & (left > day))
        people.append(who)
        days.append(np.full(who.size, day))
    who, day = np.concatenate(people), np.concatenate(days)
    u = rng.random(who.size)
    rating = np.empty(who.size, dtype=np.int64)
    for band, (values, shares) in RATINGS.items():
        sel = pop.is_high[who] == band
        rating[sel] = values[np.searchsorted(np.cumsum(shares), u[sel], "right")]
    return contract_table(
        "performance_reviews",
        {
            "employee_id": ids.take(pa.array(who)),
            "review_date": dates(day),
            "rating": integers(rating),
        },
    )


@dataclass
class SurveyRows:
    """Survey answers with their counterfactual score (without participation)."""

    employee: np.ndarray
    date: np.ndarray
    score: np.ndarray
    score_cf: np.ndarray


def survey_rows(
    pop: Population,
    sim: Simulation,
    survey_days: np.ndarray,
    history_start: int,
    params: Parameters,
    rng: np.random.Generator,
) -> SurveyRows:
    """Half-yearly pulse surveys, answered by most people with 30 days of tenure."""
    people, days = [], []
    for day in survey_days.tolist():
        who = np.flatnonzero((pop.hire <= day - 30) & (sim.leave_day > day))
        who = who[rng.random(who.size) < params.survey_response_rate]
        people.append(who)
        days.append(np.full(who.size, day))
    who, day = np.concatenate(people), np.concatenate(days)
    years = (day - history_start) / 365.25
    raw_cf = (
        pop.engagement_base[who]
        + params.engagement_trend_per_year * years
        + rng.normal(0.0, params.engagement_noise_sd, who.size)
    )
    lag = params.engagement_lag_days
    raw = (
        raw_cf
        + np.where(day >= sim.mentee.t0[who] + lag, params.engagement_uplift_mentee, 0.0)
        + np.where(day >= sim.mentor.t0[who] + lag, params.engagement_uplift_mentor, 0.0)
    )
    return SurveyRows(
        employee=who,
        date=day,
        score=np.clip(np.round(raw, 1), 1.0, 5.0),
        score_cf=np.clip(np.round(raw_cf, 1), 1.0, 5.0),
    )


def surveys_table(rows: SurveyRows, ids: pa.Array, rng: np.random.Generator) -> pa.Table:
    """``engagement_surveys.csv``; eNPS follows the score, with noise."""
    enps = np.clip(np.rint(2.4 * (rows.score - 1.0) + rng.normal(0.0, 1.2, rows.score.size)), 0, 10)
    answered = rng.random(rows.score.size) < 0.9  # eNPS is optional: some skip it
    return contract_table(
        "engagement_surveys",
        {
            "employee_id": ids.take(pa.array(rows.employee)),
            "survey_date": dates(rows.date),
            "engagement_score": pa.array(rows.score, pa.float64()),
            "enps": integers(enps, answered),
        },
    )

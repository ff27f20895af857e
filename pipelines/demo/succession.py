"""Succession plans: quarterly versions over the last two years.

The plan is drawn once, at its first version: senior roles (about 2% of staff
are critical roles, at least 36; half as many non-critical roles are planned
too), their incumbents (some aged 60 or more on the as-of date, some roles
vacant) and up to three successors from one to three levels below, with a
readiness that improves over the versions. Later versions show what HR would
export: an incumbent who left makes the role vacant; a successor who left is
often still listed (stale plans are real), and otherwise dropped; a role with
no successor has one row with empty successor columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.demo.dates import from_day
from pipelines.demo.hr_records import JobRows
from pipelines.demo.identifiers import make_ids
from pipelines.demo.pools import SortedPool
from pipelines.demo.population import Population
from pipelines.demo.tables import contract_table, dates, labels
from pipelines.demo.vocabulary import DEPARTMENT_NAMES, job_titles

READINESS = ("ready_now", "ready_1_2_years", "ready_3_plus_years")
#: Initial readiness shares by level gap between incumbent and successor (1, 2, 3).
READINESS_BY_GAP = np.array([[0.5, 0.4, 0.1], [0.2, 0.5, 0.3], [0.05, 0.4, 0.55]])
SUCCESSOR_COUNT_SHARES = np.array([0.15, 0.30, 0.35, 0.20])  # 0, 1, 2, 3 successors
MIN_CRITICAL_ROLES = 36
OLD_INCUMBENT_SHARE = 0.15
ROLE_ID_WIDTH = 5


@dataclass(frozen=True)
class SuccessionFacts:
    """What the plan holds, for the ground truth."""

    critical_roles: int
    planned_roles: int


def succession_table(
    pop: Population,
    left: np.ndarray,
    jobs: JobRows,
    ids: pa.Array,
    versions: np.ndarray,
    as_of: int,
    rng: np.random.Generator,
) -> tuple[pa.Table, SuccessionFacts]:
    """``succession_plans.csv`` (one version per day of ``versions``) and a summary of it."""
    first = int(versions[0])
    staff = np.flatnonzero((pop.hire <= first) & (left > first))
    level, dept = jobs.at(staff, np.full(staff.size, first))

    # Roles: the most senior staff hold them; a share go to people aged 60+ today.
    n_critical = max(MIN_CRITICAL_ROLES, round(0.02 * staff.size))
    n_roles = n_critical + n_critical // 2
    senior = np.lexsort((rng.random(staff.size), -level))[: 3 * n_roles]
    old = np.flatnonzero(
        (level >= 8) & (from_day(as_of).year - pop.birth_year[staff] >= 60) & (left[staff] > as_of)
    )
    n_old = min(old.size, max(3, round(OLD_INCUMBENT_SHARE * n_critical)))
    old = rng.choice(old, size=n_old, replace=False)
    rest = rng.permutation(np.setdiff1d(senior, old))
    holders = np.concatenate([old, rest])[:n_roles]
    n_roles = holders.size
    n_critical = min(n_critical, n_roles)
    role_level, role_dept = level[holders], dept[holders]
    incumbent = staff[holders]
    vacant_from_start = rng.random(n_roles) < 0.06

    # Successors: up to three, from one to three levels below, same department if possible.
    count = rng.choice(4, size=n_roles, p=SUCCESSOR_COUNT_SHARES)
    role = np.repeat(np.arange(n_roles), count)
    pool = SortedPool(dept, level)
    low, high = np.maximum(role_level[role] - 3, 1), role_level[role] - 1
    u = rng.random(role.size)
    same = pool.draw(role_dept[role], low, high, u)
    pick = np.where(same >= 0, same, pool.draw(None, low, high, u))
    found = pick >= 0
    role, pick = role[found], pick[found]
    _, first_of_pair = np.unique(role * staff.size + pick, return_index=True)
    role, pick = role[np.sort(first_of_pair)], pick[np.sort(first_of_pair)]
    successor = staff[pick]
    gap = np.clip(role_level[role] - level[pick], 1, 3) - 1
    u = rng.random(role.size)
    readiness0 = (u[:, None] >= np.cumsum(READINESS_BY_GAP[gap], axis=1)[:, :-1]).sum(axis=1)
    improves = np.cumsum(rng.random((role.size, versions.size)) < 0.12, axis=1)
    readiness = np.maximum(readiness0[:, None] - improves, 0)
    stale = rng.random(role.size) < 0.6

    # Versions: successor rows still listed, then one empty row per role without any.
    v = np.arange(versions.size)
    pair, ver = np.repeat(np.arange(role.size), v.size), np.tile(v, role.size)
    gone = left[successor[pair]] <= versions[ver]
    listed = ~gone | stale[pair]
    pair, ver = pair[listed], ver[listed]
    has_any = np.zeros((n_roles, versions.size), dtype=bool)
    has_any[role[pair], ver] = True
    empty_role, empty_ver = np.nonzero(~has_any)

    row_role = np.concatenate([role[pair], empty_role])
    row_ver = np.concatenate([ver, empty_ver])
    row_successor = np.concatenate([successor[pair], np.zeros(empty_role.size, np.int64)])
    row_readiness = np.concatenate([readiness[pair, ver], np.zeros(empty_role.size, np.int64)])
    has_successor = np.arange(row_role.size) < pair.size
    order = np.lexsort((row_successor, ~has_successor, row_role, row_ver))
    row_role, row_ver = row_role[order], row_ver[order]
    row_successor, row_readiness = row_successor[order], row_readiness[order]
    has_successor = has_successor[order]
    day = versions[row_ver]
    holder = incumbent[row_role]
    held = ~vacant_from_start[row_role] & (left[holder] > day)
    none = pa.scalar(None, pa.string())

    table = contract_table(
        "succession_plans",
        {
            "role_id": make_ids("R", row_role + 1, ROLE_ID_WIDTH),
            "role_title": labels(
                list(job_titles()), role_dept[row_role] * 16 + role_level[row_role]
            ),
            "department": labels(DEPARTMENT_NAMES, role_dept[row_role]),
            "incumbent_id": pc.if_else(pa.array(held), ids.take(pa.array(holder)), none),
            "is_critical": pa.array(row_role < n_critical),
            "successor_id": pc.if_else(
                pa.array(has_successor), ids.take(pa.array(row_successor)), none
            ),
            "readiness": pc.if_else(
                pa.array(has_successor), labels(READINESS, row_readiness), none
            ),
            "plan_date": dates(day),
        },
    )
    return table, SuccessionFacts(n_critical, n_roles)

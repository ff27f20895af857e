"""``generate_demo``: a synthetic organisation written as one dated export drop.

The output is a pure function of the arguments (no clock, no global random
state): the same arguments give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from pipelines.contract import SOURCES
from pipelines.demo import bad_rows, ground_truth
from pipelines.demo.hr_records import (
    JobRows,
    SurveyRows,
    employee_numbers,
    employees_table,
    first_review_day,
    job_history_table,
    job_rows,
    reviews_table,
    small_group,
    survey_rows,
    surveys_table,
)
from pipelines.demo.identifiers import id_width, make_ids
from pipelines.demo.mentoring_records import (
    enrollments_table,
    feedback_table,
    match_rows,
    matches_table,
    programs_table,
    session_rows,
    sessions_table,
)
from pipelines.demo.parameters import Parameters
from pipelines.demo.population import Population, draw_population
from pipelines.demo.simulation import Simulation, simulate
from pipelines.demo.streams import stream
from pipelines.demo.succession import ROLE_ID_WIDTH, SuccessionFacts, succession_table
from pipelines.demo.timeline import Timeline
from pipelines.demo.vocabulary import SMALL_ETHNICITY, SMALL_GROUP_SIZE
from pipelines.demo.writers import write_json, write_source
from pipelines.errors import InputError

#: Below this, the organisation is too small to hold its planted structure
#: (36 critical roles, three programs with pools of mentors).
MIN_EMPLOYEES = 500
GROUND_TRUTH_FILE = "ground_truth.json"
#: Unknown manager ids planted per bad row share (as warnings, not bad rows).
UNKNOWN_MANAGER_SHARE = 0.5


def generate_demo(
    employees: int,
    seed: int,
    as_of: dt.date,
    out: Path,
    bad_row_share: float = 0.002,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write a demo organisation's export drop to ``out/<as_of>/`` and return that folder.

    ``employees`` people are ever employed in the history (six years up to
    ``as_of``); ``bad_row_share`` of each source's rows (at least one of each
    kind when positive) break the contract on purpose. ``out/ground_truth.json``
    records the planted parameters, the true effects and the planted bad rows.
    ``progress`` receives a message as each stage starts.
    """
    if employees < MIN_EMPLOYEES:
        raise InputError(
            f"--employees: at least {MIN_EMPLOYEES} (the demo plants 36 critical roles "
            f"and three programs), got {employees}"
        )
    if not 0.0 <= bad_row_share < 0.5:
        raise ValueError(f"bad_row_share must be in [0, 0.5), got {bad_row_share}")
    say = progress or (lambda _message: None)
    params = Parameters()
    timeline = Timeline.for_as_of(as_of, params)
    drop = Path(out) / as_of.isoformat()
    drop.mkdir(parents=True, exist_ok=True)

    say(f"drawing {employees:,} people")
    pop = draw_population(
        employees, timeline.history_start, timeline.as_of, params, stream(seed, "population")
    )
    first_review = first_review_day(pop.hire, timeline.review_days)
    say("simulating six years of careers and three years of mentoring")
    sim = simulate(pop, params, timeline, first_review, stream(seed, "simulation"))

    say("building the HR records")
    ids = make_ids("E", employee_numbers(pop), id_width(employees))
    jobs = job_rows(pop, sim)
    surveys = survey_rows(
        pop, sim, timeline.survey_days, timeline.history_start, params, stream(seed, "surveys")
    )
    tables, succession = _hr_tables(pop, sim, jobs, surveys, ids, timeline, params, seed)
    say("building the mentoring records")
    tables.update(_mentoring_tables(sim, ids, timeline, seed))

    say("computing the ground truth")
    world = ground_truth.World(
        params, pop, sim, jobs, surveys, first_review, timeline.first_program_start,
        timeline.as_of,
    )  # fmt: skip
    generator: dict[str, object] = {
        "employees": employees,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "bad_row_share": bad_row_share,
        "drop": drop.name,
    }
    truth = ground_truth.build(world, generator, timeline.as_json())
    truth["small_groups"] = {
        "ethnicity": {"value": SMALL_ETHNICITY, "employed_on_as_of": SMALL_GROUP_SIZE}
    }
    truth["succession"] = {
        "critical_roles": succession.critical_roles,
        "planned_roles": succession.planned_roles,
    }

    clean_rows = {name: t.num_rows for name, t in tables.items()}
    counts = bad_rows.planned_counts(clean_rows, bad_row_share)
    warnings: dict[str, dict[str, int]] = {}
    if counts:
        say("planting bad rows")
        tables, warnings = _plant(tables, counts, employees, succession, bad_row_share, seed)
    truth["planted_bad_rows"] = counts
    truth["planted_warnings"] = warnings
    truth["rows"] = {
        name: {"written": tables[name].num_rows, "clean": clean_rows[name]} for name in clean_rows
    }

    for source in SOURCES:
        say(f"writing {source.name}.csv ({tables[source.name].num_rows:,} rows)")
        write_source(tables[source.name], drop, source.name)
    write_json(truth, Path(out) / GROUND_TRUTH_FILE)
    return drop


def _hr_tables(
    pop: Population,
    sim: Simulation,
    jobs: JobRows,
    surveys: SurveyRows,
    ids: pa.Array,
    timeline: Timeline,
    params: Parameters,
    seed: int,
) -> tuple[dict[str, pa.Table], SuccessionFacts]:
    """The HR system's five sources."""
    as_of = timeline.as_of
    numbers = employee_numbers(pop)
    small = small_group(pop, sim.leave_day, as_of, stream(seed, "small group"))
    tables = {
        "employees": employees_table(
            pop, sim, ids, numbers, small, as_of, params, stream(seed, "employees")
        ),
        "job_history": job_history_table(jobs, ids, numbers),
        "performance_reviews": reviews_table(
            pop, sim.leave_day, timeline.review_days, ids, stream(seed, "reviews")
        ),
        "engagement_surveys": surveys_table(surveys, ids, stream(seed, "enps")),
    }
    tables["succession_plans"], succession = succession_table(
        pop, sim.leave_day, jobs, ids, timeline.plan_days, as_of, stream(seed, "succession")
    )
    return tables, succession


def _mentoring_tables(
    sim: Simulation, ids: pa.Array, timeline: Timeline, seed: int
) -> dict[str, pa.Table]:
    """The mentoring platform's five sources."""
    as_of = timeline.as_of
    matches = match_rows(sim, as_of, stream(seed, "matches"))
    match_ids = make_ids("M", np.arange(1, matches.size + 1), id_width(matches.size))
    sessions = session_rows(matches, as_of, stream(seed, "sessions"))
    return {
        "programs": programs_table(timeline.program_starts),
        "enrollments": enrollments_table(sim, matches, ids, sim.level.size, as_of),
        "matches": matches_table(matches, ids, match_ids, as_of),
        "sessions": sessions_table(sessions, match_ids, id_width(sessions.match.size)),
        "feedback": feedback_table(
            matches, match_ids, as_of, id_width(2 * matches.size), stream(seed, "feedback")
        ),
    }


def _plant(
    tables: dict[str, pa.Table],
    counts: dict[str, dict[str, int]],
    employees: int,
    succession: SuccessionFacts,
    bad_row_share: float,
    seed: int,
) -> tuple[dict[str, pa.Table], dict[str, dict[str, int]]]:
    """The tables with bad rows and unknown managers planted, and the warnings planted."""
    n_matches = tables["matches"].num_rows
    n_sessions = tables["sessions"].num_rows
    spaces = {
        "employees": bad_rows.IdSpace("E", employees, id_width(employees)),
        "matches": bad_rows.IdSpace("M", n_matches, id_width(n_matches)),
        "sessions": bad_rows.IdSpace("S", n_sessions, id_width(n_sessions)),
        "feedback": bad_rows.IdSpace("F", tables["feedback"].num_rows, id_width(2 * n_matches)),
        "roles": bad_rows.IdSpace("R", succession.planned_roles, ROLE_ID_WIDTH),
    }
    # Unknown managers go on clean rows only, and bad rows copy the rows without them:
    # every planted warning is on an accepted row.
    unknown = max(1, round(UNKNOWN_MANAGER_SHARE * bad_row_share * employees))
    warned = bad_rows.plant_unknown_managers(
        tables["employees"], unknown, spaces["employees"], stream(seed, "warnings")
    )
    tables = bad_rows.inject(
        tables, counts, spaces, stream(seed, "bad rows"), into={"employees": warned}
    )
    return tables, {"employees": {"unknown_manager": unknown}}

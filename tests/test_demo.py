"""The demo organisation generator: a contract-shaped drop with a known ground truth.

The clean drop is read back with DuckDB using the contract's types, so a value
that breaks the contract fails the read; the checks below recompute from the
files, independently of the generator's code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.contract import CROSS_RULES, SOURCES, SOURCES_BY_NAME, Source
from pipelines.demo import generate_demo
from pipelines.demo.vocabulary import SMALL_ETHNICITY
from pipelines.errors import InputError

AS_OF = dt.date(2026, 11, 25)
D = AS_OF.isoformat()
SIZE = 3000
SEED = 11


def _read(con: duckdb.DuckDBPyConnection, drop: Path, source: Source, typed: bool) -> None:
    """A view per source: typed with the contract's types, or all text."""
    columns = {c.name: c.sql_type if typed else "varchar" for c in source.columns}
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    con.execute(
        f"create view {source.name} as select * from read_csv('{drop / source.name}.csv', "
        f"header = true, delim = ',', quote = '\"', columns = {spec}, dateformat = '%Y-%m-%d')"
    )


def _connect(drop: Path, typed: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for source in SOURCES:
        _read(con, drop, source, typed)
    return con


@pytest.fixture(scope="module")
def clean_drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    return generate_demo(SIZE, SEED, AS_OF, out, bad_row_share=0.0)


@pytest.fixture(scope="module")
def bad_drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad")
    return generate_demo(SIZE, SEED, AS_OF, out, bad_row_share=0.004)


@pytest.fixture(scope="module")
def con(clean_drop: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = _connect(clean_drop, typed=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def truth(clean_drop: Path) -> dict:
    return json.loads((clean_drop.parent / "ground_truth.json").read_text(encoding="utf-8"))


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# --- Shape of the drop ------------------------------------------------------------------


def test_drop_folder_is_named_for_the_as_of_date_with_ground_truth_beside_it(
    clean_drop: Path,
) -> None:
    assert clean_drop.name == D
    assert (clean_drop.parent / "ground_truth.json").is_file()


def test_every_source_is_written_with_exactly_the_contract_columns(clean_drop: Path) -> None:
    for source in SOURCES:
        path = clean_drop / f"{source.name}.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == list(source.column_names), source.name


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    first = generate_demo(600, 3, AS_OF, tmp_path / "a", bad_row_share=0.01)
    second = generate_demo(600, 3, AS_OF, tmp_path / "b", bad_row_share=0.01)
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    truth = "ground_truth.json"
    assert (first.parent / truth).read_bytes() == (second.parent / truth).read_bytes()


def test_another_seed_gives_another_organisation(tmp_path: Path) -> None:
    first = generate_demo(600, 3, AS_OF, tmp_path / "a", bad_row_share=0)
    other = generate_demo(600, 4, AS_OF, tmp_path / "b", bad_row_share=0)
    assert (first / "employees.csv").read_bytes() != (other / "employees.csv").read_bytes()


def test_progress_reports_the_stages(tmp_path: Path) -> None:
    messages: list[str] = []
    generate_demo(600, 1, AS_OF, tmp_path, bad_row_share=0, progress=messages.append)
    assert any("simulating" in m for m in messages)
    assert sum(m.startswith("writing") for m in messages) == len(SOURCES)


def test_too_small_an_organisation_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least 500"):
        generate_demo(10, 1, AS_OF, tmp_path)


# --- The clean drop keeps every rule of the contract ---------------------------------------


def test_clean_drop_reads_with_the_contract_types(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        assert _one(con, f"select count(*) from {source.name}") > 0, source.name


def test_required_values_are_present_and_values_in_range(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        for c in source.columns:
            if c.required:
                nulls = _one(con, f"select count(*) from {source.name} where {c.name} is null")
                assert nulls == 0, f"{source.name}.{c.name}"
            if c.values:
                allowed = ", ".join(f"'{v}'" for v in c.values)
                bad = _one(
                    con, f"select count(*) from {source.name} where {c.name} not in ({allowed})"
                )
                assert bad == 0, f"{source.name}.{c.name}"
            if c.min is not None:
                bad = _one(
                    con,
                    f"select count(*) from {source.name} "
                    f"where {c.name} < {c.min} or {c.name} > {c.max}",
                )
                assert bad == 0, f"{source.name}.{c.name}"


def test_keys_are_unique(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        if source.key:
            key = ", ".join(source.key)
            dupes = _one(
                con,
                f"select count(*) - count(distinct ({key})) from {source.name}",
            )
            assert dupes == 0, source.name


def test_every_reference_resolves(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        for ref in source.references:  # manager_id included: the clean drop has no strangers
            missing = _one(
                con,
                f"select count(*) from {source.name} r where r.{ref.column} is not null and "
                f"r.{ref.column} not in (select {ref.target_column} from {ref.source})",
            )
            assert missing == 0, f"{source.name}.{ref.column}"


def test_row_rules_hold(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        for column, condition, reason in source.row_rules:
            broken = _one(con, f"select count(*) from {source.name} where not ({condition})")
            assert broken == 0, f"{source.name}.{column}: {reason}"


def test_mentor_is_never_the_mentee(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from matches where mentor_id = mentee_id") == 0


def test_sessions_are_never_before_their_match_started(con: duckdb.DuckDBPyConnection) -> None:
    for source, _column, target, condition, _reason in CROSS_RULES:
        broken = _one(
            con,
            f"select count(*) from {source} r join {target} t using (match_id) "
            f"where not ({condition})",
        )
        assert broken == 0


def test_nothing_is_dated_after_the_as_of_date(con: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES:
        for c in source.columns:
            if c.type == "date" and c.name not in ("termination_date", "end_date"):
                late = _one(con, f"select count(*) from {source.name} where {c.name} > '{D}'")
                assert late == 0, f"{source.name}.{c.name}"
    assert _one(con, f"select count(*) from employees where termination_date > '{D}'") == 0


def test_people_have_records_only_while_employed(con: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "job_history": "effective_date",
        "performance_reviews": "review_date",
        "engagement_surveys": "survey_date",
    }
    for source, column in checks.items():
        outside = _one(
            con,
            f"select count(*) from {source} x join employees e using (employee_id) "
            f"where x.{column} < e.hire_date or x.{column} >= e.termination_date",
        )
        assert outside == 0, source
    # Both sides of a match are employed on its first day and until its last.
    outside = _one(
        con,
        """
        select count(*) from matches m
        join employees a on a.employee_id = m.mentor_id
        join employees b on b.employee_id = m.mentee_id
        where m.start_date < greatest(a.hire_date, b.hire_date)
           or m.start_date >= least(a.termination_date, b.termination_date)
           or m.end_date >= least(a.termination_date, b.termination_date)
        """,
    )
    assert outside == 0


def test_every_employee_has_a_hire_row_first(con: duckdb.DuckDBPyConnection) -> None:
    wrong = _one(
        con,
        """
        select count(*) from employees e left join (
            select employee_id, arg_min(change_type, effective_date) first_change,
                   min(effective_date) first_date
            from job_history group by employee_id
        ) h using (employee_id)
        where h.first_change is distinct from 'hire' or h.first_date <> e.hire_date
        """,
    )
    assert wrong == 0


def test_managers_are_more_senior(con: duckdb.DuckDBPyConnection) -> None:
    junior = _one(
        con,
        "select count(*) from employees e join employees m on m.employee_id = e.manager_id "
        "where m.job_level <= e.job_level",
    )
    assert junior == 0
    assert _one(con, "select count(manager_id) * 1.0 / count(*) from employees") > 0.95


def test_personal_columns_hold_fake_values(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(*) from employees where full_name is null") == 0
    assert _one(con, "select count(*) from employees where email not like '%_@example.com'") == 0
    assert _one(con, "select count(distinct email) = count(*) from employees")
    assert _one(con, "select count(comment) from feedback") > 0


# --- The organisation tells a story -------------------------------------------------------


def test_departments_levels_and_exits_look_like_an_organisation(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert _one(con, "select count(distinct department) from employees") == 8
    levels = dict(
        con.execute(
            "select job_level, count(*) from employees where termination_date is null group by all"
        ).fetchall()
    )
    assert set(levels) == set(range(1, 16))
    juniors = sum(levels[lvl] for lvl in (1, 2, 3))
    seniors = sum(levels[lvl] for lvl in range(10, 16))
    assert juniors > 4 * seniors  # a pyramid
    reasons = {
        r for (r,) in con.execute("select distinct termination_reason from employees").fetchall()
    }
    assert {"voluntary", "involuntary", "retirement"} <= reasons
    changes = {c for (c,) in con.execute("select distinct change_type from job_history").fetchall()}
    assert {"hire", "promotion", "transfer", "demotion"} <= changes
    first_hire = _one(con, "select min(termination_date) from employees")
    assert first_hire <= AS_OF - dt.timedelta(days=5 * 365)  # years of exits


def test_programs_are_traditional_reverse_and_group(con: duckdb.DuckDBPyConnection) -> None:
    types = {t for (t,) in con.execute("select program_type from programs").fetchall()}
    assert types == {"traditional", "reverse", "group"}
    start = _one(con, "select min(start_date) from programs")
    assert AS_OF - dt.timedelta(days=3 * 366 + 31) <= start <= AS_OF - dt.timedelta(days=2 * 365)


def test_reverse_mentors_are_more_junior_and_others_more_senior(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Levels on the match start, from the job history (kpis.md's "level at X").
    rows = con.execute(
        """
        with level_at as (
            select m.match_id, p.program_type, m.mentor_id, m.mentee_id, m.start_date,
                (select max_by(job_level, (effective_date, job_level)) from job_history h
                 where h.employee_id = m.mentor_id and h.effective_date <= m.start_date) mentor,
                (select max_by(job_level, (effective_date, job_level)) from job_history h
                 where h.employee_id = m.mentee_id and h.effective_date <= m.start_date) mentee
            from matches m join programs p using (program_id)
        )
        select program_type, min(mentor - mentee), max(mentor - mentee) from level_at group by all
        """
    ).fetchall()
    gaps = {t: (lo, hi) for t, lo, hi in rows}
    assert gaps["reverse"][1] < 0
    assert gaps["traditional"][0] > 0 and gaps["group"][0] > 0


def test_sessions_and_feedback_are_two_sided(con: duckdb.DuckDBPyConnection) -> None:
    statuses = {s for (s,) in con.execute("select distinct status from sessions").fetchall()}
    assert statuses == {"held", "cancelled", "no_show"}
    sides = {s for (s,) in con.execute("select distinct initiated_by from sessions").fetchall()}
    assert sides == {"mentor", "mentee"}
    both = _one(
        con,
        "select count(*) from (select match_id from feedback group by match_id "
        "having count(distinct respondent_role) = 2)",
    )
    assert both > 50


def test_succession_plan_holds_the_planted_cases(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "select count(distinct plan_date) from succession_plans") >= 4
    current = f"(select max(plan_date) from succession_plans where plan_date <= '{D}')"
    plan = f"(select * from succession_plans where plan_date = {current})"
    assert _one(con, f"select count(distinct role_id) from {plan} where is_critical") >= 36
    assert _one(con, f"select count(*) from {plan} where successor_id is null") > 0
    assert _one(con, f"select count(distinct role_id) from {plan} where incumbent_id is null") > 0
    readiness = {r for (r,) in con.execute(f"select distinct readiness from {plan}").fetchall()}
    assert {"ready_now", "ready_1_2_years", "ready_3_plus_years"} <= readiness
    old = _one(
        con,
        f"select count(distinct p.role_id) from {plan} p join employees e "
        f"on e.employee_id = p.incumbent_id where p.is_critical and e.termination_date is null "
        f"and year(date '{D}') - e.birth_year >= 60",
    )
    assert old >= 3
    gone = _one(
        con,
        f"select count(*) from {plan} p join employees e on e.employee_id = p.successor_id "
        f"where e.termination_date <= '{D}'",
    )
    assert gone > 0


@pytest.mark.parametrize("size", [600, SIZE])
def test_a_small_group_is_below_the_suppression_threshold_at_every_size(
    tmp_path: Path, size: int, clean_drop: Path
) -> None:
    drop = clean_drop if size == SIZE else generate_demo(size, 5, AS_OF, tmp_path, bad_row_share=0)
    con = _connect(drop, typed=True)
    employed = _one(
        con,
        f"select count(*) from employees where ethnicity = '{SMALL_ETHNICITY}' "
        f"and termination_date is null",
    )
    everyone = _one(con, f"select count(*) from employees where ethnicity = '{SMALL_ETHNICITY}'")
    assert employed == everyone == 3


def test_gender_and_ethnicity_have_an_undisclosed_share(con: duckdb.DuckDBPyConnection) -> None:
    for column in ("gender", "ethnicity"):
        share = _one(con, f"select count(*) filter ({column} is null) / count(*) from employees")
        assert 0.02 < share < 0.2, column


# --- Bad rows --------------------------------------------------------------------------


def _violations(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, int]:
    """Rows breaking each kind of rule, counted from the files read as text."""
    name = source.name
    out: dict[str, int] = {}
    required = [c.name for c in source.columns if c.required]
    out["missing_required"] = _one(
        con,
        f"select count(*) from {name} where "
        + " or ".join(f"coalesce(trim({c}), '') = ''" for c in required),
    )
    dates = [c.name for c in source.columns if c.type == "date"]
    out["unparsable_date"] = _one(
        con,
        f"select count(*) from {name} where "
        + " or ".join(
            f"({c} is not null and try_strptime({c}, '%Y-%m-%d') is null)" for c in dates
        ),
    )
    ranged = [c for c in source.columns if c.min is not None]
    out["out_of_range"] = (
        _one(
            con,
            f"select count(*) from {name} where "
            + " or ".join(
                f"try_cast({c.name} as double) not between {c.min} and {c.max}" for c in ranged
            ),
        )
        if ranged
        else 0
    )
    out["duplicate_key"] = (
        _one(con, f"select count(*) - count(distinct ({', '.join(source.key)})) from {name}")
        if source.key
        else 0
    )
    unknown = 0
    for ref in source.references:
        if ref.quarantine:
            unknown += _one(
                con,
                f"select count(*) from {name} where {ref.column} is not null and {ref.column} "
                f"not in (select {ref.target_column} from {ref.source})",
            )
    out["unknown_reference"] = unknown
    if name == "matches":
        out["self_match"] = _one(con, "select count(*) from matches where mentor_id = mentee_id")
    if name == "sessions":
        out["session_before_match"] = _one(
            con,
            "select count(*) from sessions s join (select match_id, min(start_date) start_date "
            "from matches group by all) m using (match_id) "
            "where try_cast(s.session_date as date) < try_cast(m.start_date as date)",
        )
    return out


def test_planted_bad_rows_are_there_exactly_as_recorded(bad_drop: Path) -> None:
    truth = json.loads((bad_drop.parent / "ground_truth.json").read_text(encoding="utf-8"))
    planted = truth["planted_bad_rows"]
    assert planted, "bad rows were asked for"
    con = _connect(bad_drop, typed=False)
    for source in SOURCES:
        found = _violations(con, source)
        expected = planted.get(source.name, {})
        for kind, count in found.items():
            assert count == expected.get(kind, 0), f"{source.name}: {kind}"
        assert set(expected) <= set(found), source.name
        rows = truth["rows"][source.name]
        assert rows["written"] == rows["clean"] + sum(expected.values())
        assert _one(con, f"select count(*) from {source.name}") == rows["written"]
    kinds = {kind for kinds in planted.values() for kind in kinds}
    assert {
        "missing_required",
        "unparsable_date",
        "out_of_range",
        "duplicate_key",
        "unknown_reference",
        "self_match",
        "session_before_match",
    } <= kinds
    unknown_managers = _one(
        con,
        "select count(*) from employees "
        "where manager_id not in (select employee_id from employees)",
    )
    assert unknown_managers == truth["planted_warnings"]["employees"]["unknown_manager"]


def test_no_bad_rows_without_a_share(clean_drop: Path, truth: dict) -> None:
    assert truth["planted_bad_rows"] == {}
    con = _connect(clean_drop, typed=False)
    for source in SOURCES:
        assert set(_violations(con, source).values()) == {0}, source.name


def test_a_duplicate_key_comes_after_the_clean_row(bad_drop: Path, clean_drop: Path) -> None:
    """The contract accepts the first row of a key: it must be the clean one."""
    bad, clean = _connect(bad_drop, typed=False), _connect(clean_drop, typed=False)
    for source in SOURCES:
        if not source.key:
            continue
        # manager_id aside: planted warnings (unknown managers) sit on clean rows.
        key = ", ".join(source.key)
        columns = ", ".join(c for c in source.column_names if c != "manager_id")
        first_rows = set(
            bad.execute(
                f"select {columns} from "
                f"(select *, row_number() over () as line from {source.name}) "
                f"qualify row_number() over (partition by {key} order by line) = 1 "
                f"and count(*) over (partition by {key}) > 1"
            ).fetchall()
        )
        clean_rows = set(clean.execute(f"select {columns} from {source.name}").fetchall())
        assert first_rows <= clean_rows, source.name


def test_bad_rows_leave_the_clean_rows_untouched(bad_drop: Path, clean_drop: Path) -> None:
    bad, clean = _connect(bad_drop, typed=False), _connect(clean_drop, typed=False)
    for name in ("matches", "sessions", "engagement_surveys"):
        source = SOURCES_BY_NAME[name]
        columns = ", ".join(source.column_names)
        clean_rows = set(clean.execute(f"select {columns} from {name}").fetchall())
        bad_rows = set(bad.execute(f"select {columns} from {name}").fetchall())
        assert clean_rows <= bad_rows, name


# --- Ground truth --------------------------------------------------------------------------


def test_ground_truth_has_the_documented_keys(truth: dict) -> None:
    for key in (
        "generator",
        "definitions",
        "parameters",
        "true_effects",
        "observed_kpis",
        "planted_bad_rows",
        "rows",
        "small_groups",
        "selection",
    ):
        assert key in truth, key
    for role in ("mentee", "mentor"):
        for kpi in ("retention_12m", "promotion_12m", "engagement"):
            assert isinstance(truth[f"true_{kpi}_effect_{role}"], float)
    params = truth["parameters"]
    assert params["attrition_multiplier_mentee"] < 1 and params["attrition_multiplier_mentor"] < 1
    assert params["selection_odds_ratio_high"] > 1
    for key in ("t0", "eligible_12m", "true_effects.retention_12m.<role>", "planted_bad_rows"):
        assert truth["definitions"][key]
    assert truth["generator"] == {
        "employees": SIZE,
        "seed": SEED,
        "as_of": D,
        "bad_row_share": 0.0,
        "drop": D,
    }


RETENTION_SQL = """
with
mentee as (select mentee_id employee_id, min(start_date) t0 from matches group by all),
mentor as (select mentor_id employee_id, min(start_date) t0 from matches group by all),
non_participant as (
    select employee_id, greatest(hire_date, (select min(start_date) from programs)) t0
    from employees
    where employee_id not in (select employee_id from mentee)
      and employee_id not in (select employee_id from mentor)
),
groups as (
    select 'mentee' grp, * from mentee union all
    select 'mentor', * from mentor union all
    select 'non_participant', * from non_participant
)
select grp, count(*) n,
    avg(case when e.termination_date is null or e.termination_date > g.t0 + 365
        then 1.0 else 0.0 end) retained
from groups g join employees e using (employee_id)
where g.t0 <= date '{D}' - 365 and e.hire_date <= g.t0
  and (e.termination_date is null or e.termination_date > g.t0)
group by all
"""


def test_observed_retention_matches_an_independent_computation(
    con: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    rows = con.execute(RETENTION_SQL.format(D=D)).fetchall()
    observed = truth["observed_kpis"]
    for group, n, retained in rows:
        assert observed[f"retention_12m_{group}"]["n"] == n
        assert observed[f"retention_12m_{group}"]["value"] == pytest.approx(retained, abs=1e-12)


def test_selection_bias_and_effects_show_in_the_raw_data(
    con: duckdb.DuckDBPyConnection, truth: dict
) -> None:
    retained = {g: r for g, _, r in con.execute(RETENTION_SQL.format(D=D)).fetchall()}
    # Participants stay more, for mentees and for mentors (the two-way street) ...
    assert retained["mentee"] > retained["non_participant"] + 0.03
    assert retained["mentor"] > retained["non_participant"] + 0.03
    # ... partly because high performers join more (planted selection) ...
    share = truth["selection"]["high_performer_share_at_t0"]
    assert share["mentee"] > 1.5 * share["non_participant"]
    assert share["mentor"] > 1.5 * share["non_participant"]
    # ... and partly because mentoring works: the true effects are positive and smaller
    # than the naive gaps.
    for role in ("mentee", "mentor"):
        effect = truth[f"true_retention_12m_effect_{role}"]
        naive = retained[role] - retained["non_participant"]
        assert 0.02 < effect < naive - 0.01, role
        assert truth[f"true_promotion_12m_effect_{role}"] > 0.02
        assert truth[f"true_engagement_effect_{role}"] > 0.15
    observed = truth["observed_kpis"]
    assert observed["engagement_uplift_mentee"]["value"] > 0.15
    assert (
        observed["promotion_rate_12m_mentee"]["value"]
        > observed["promotion_rate_12m_non_participant"]["value"]
    )

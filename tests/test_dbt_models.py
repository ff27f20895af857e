"""The dbt project on a small hand-made organisation, checked against the KPI dictionary.

One real ``dbt build`` (models, data tests, unit tests) runs per module on a
warehouse built with ``reset_raw_schema`` and rows inserted by hand. The
expected values below were worked out by hand from shared/contract/kpis.md;
the comments show the arithmetic. D = 2025-06-30, so D - 365 = 2024-06-30,
D - 180 = 2025-01-01, D - 90 = 2025-04-01, D - 30 = 2025-05-31.

Exported: employees, job_history, engagement_surveys, programs, matches,
sessions. Not exported: performance_reviews, succession_plans, enrollments,
feedback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pytest

from pipelines.transform.dbt_runner import DbtResult, build, docs
from pipelines.transform.kpis_json import write_kpis_json
from pipelines.warehouse import connect, reset_raw_schema
from tests.dictionary import DICTIONARY_KPIS

PROJECT_DIR = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 6, 30)
Z = 1.959963984540054


def _rows(columns: str, *values: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Rows as dicts from a space-separated column list and value tuples."""
    names = columns.split()
    return [dict(zip(names, row, strict=True)) for row in values]


def _employee(
    employee_id: str, gender: str | None, hire: str = "2020-01-01", left: str | None = None
) -> tuple[Any, ...]:
    return (employee_id, hire, left, "Sales", 3, gender, None)


EMPLOYEES = _rows(
    "employee_id hire_date termination_date department job_level gender ethnicity",
    # mentees; M1 leaves exactly on t0 + 365 (2024-01-01 + 365 days = 2024-12-31,
    # a leap year), M3 on t0 itself, M6 the day after t0 + 365 (2025-03-01)
    _employee("M1", "male", left="2024-12-31"),
    _employee("M2", "Female"),
    _employee("M3", "", left="2024-06-30"),
    _employee("M4", " female "),
    _employee("M5", "male"),  # only match starts after D: a non-participant at D
    _employee("M6", "female", left="2025-03-02"),
    # mentors
    _employee("R1", "FEMALE"),
    _employee("R2", "female"),
    _employee("R3", "female"),
    # non-participants; N2 leaves exactly on t0 + 365 (2023-01-01 + 365 = 2024-01-01)
    _employee("N1", "male", left="2023-06-01"),
    _employee("N2", "male", left="2024-01-01"),
    _employee("N3", "male"),
    _employee("N4", "male"),
    _employee("N5", None, hire="2024-08-01"),
    _employee("N6", "male", hire="2025-07-15"),  # hired after D
    # employed non-participants filling the gender groups
    *[_employee(f"F{i}", "female", hire="2025-01-01") for i in range(1, 4)],
    *[_employee(f"G{i}", "male", hire="2025-01-01") for i in range(1, 8)],
)

RAW: dict[str, list[dict[str, Any]]] = {
    "employees": EMPLOYEES,
    "programs": _rows(
        "program_id program_name program_type start_date end_date",
        ("P1", "Pilot", "traditional", "2023-01-01", None),
    ),
    "matches": _rows(
        "match_id program_id mentor_id mentee_id start_date end_date status",
        ("X1", "P1", "R1", "M1", "2024-01-01", "2024-12-31", "completed"),
        ("X2", "P1", "R1", "M2", "2024-01-01", None, "active"),
        ("X3", "P1", "R2", "M3", "2024-06-30", "2025-06-30", "active"),
        ("X4", "P1", "R2", "M4", "2024-07-01", None, "active"),
        ("X5", "P1", "R3", "M5", "2025-07-01", None, "active"),
        ("X6", "P1", "R3", "M6", "2024-03-01", "2025-03-01", "completed"),
    ),
    "sessions": _rows(
        "session_id match_id session_date initiated_by status",
        ("S1", "X2", "2025-06-15", "mentee", "held"),
        ("S2", "X2", "2025-05-01", "mentor", "held"),
        ("S3", "X2", "2025-06-20", "mentee", "cancelled"),
        ("S4", "X3", "2025-05-31", "mentee", "held"),
        ("S5", "X3", "2025-04-01", "mentor", "held"),
        ("S6", "X4", "2025-06-30", "mentee", "held"),
        ("S7", "X1", "2024-10-01", "mentee", "held"),
        ("S8", "X6", "2024-06-30", "mentor", "held"),
        ("S9", "X5", "2025-07-02", "mentee", "held"),
    ),
    "job_history": _rows(
        "employee_id effective_date job_level",
        ("M1", "2020-01-01", 3),
        ("M1", "2024-01-01", 5),  # on t0: not in (t0, t0 + 365]
        ("M2", "2020-01-01", 3),
        ("M2", "2024-06-01", 4),  # promoted
        ("M6", "2020-01-01", 4),
        ("M6", "2024-05-01", 3),  # a demotion
        ("N3", "2023-06-01", 2),  # first row: no promotion
        ("N4", "2020-01-01", 2),
        ("N4", "2023-12-31", 3),  # same day: the highest (3) > 2, a promotion
        ("N4", "2023-12-31", 1),
    ),
    "engagement_surveys": _rows(
        "employee_id survey_date engagement_score",
        ("M2", "2023-12-01", 3.0),
        ("M2", "2024-01-01", 3.0),  # same date: before = 3.5
        ("M2", "2024-01-01", 4.0),
        ("M2", "2024-06-28", 4.9),  # before t0 + 180
        ("M2", "2024-07-01", 4.5),  # after: delta +1.0
        ("M4", "2024-07-01", 2.0),
        ("M4", "2025-07-15", 5.0),  # after D: no after score
        ("M6", "2024-02-01", 4.0),
        ("M6", "2025-01-10", 3.0),  # delta -1.0
        ("N3", "2022-12-01", 3.0),
        ("N3", "2023-07-01", 3.5),  # delta +0.5
        ("N5", "2024-08-01", 2.0),  # on t0: the before score
        ("N5", "2025-03-01", 3.0),  # delta +1.0
    ),
}


def _insert(con: duckdb.DuckDBPyConnection, source: str, rows: list[dict[str, Any]]) -> None:
    columns = sorted({column for row in rows for column in row})
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into raw.{source} ({', '.join(columns)}) values ({placeholders})",
        [[row.get(column) for column in columns] for row in rows],
    )
    # the source was in the drop: one raw.file_loads row
    con.execute(
        "insert into raw.file_loads values ('test-run', ?, ?, 'csv', 'sha', ?, ?, ?, 0, [], [])",
        [source, f"{source}.csv", AS_OF, len(rows), len(rows)],
    )


class Built(NamedTuple):
    warehouse: Path
    result: DbtResult
    folder: Path
    log_lines: list[str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A warehouse with the hand-made raw data, built by one real dbt build."""
    folder = tmp_path_factory.mktemp("dbt")
    warehouse = folder / "warehouse.duckdb"
    con = connect(warehouse)
    reset_raw_schema(con, AS_OF)
    for source, rows in RAW.items():
        _insert(con, source, rows)
    con.close()
    lines: list[str] = []
    result = build(PROJECT_DIR, warehouse, folder / "run", lines.append)
    yield Built(warehouse, result, folder, lines)


@pytest.fixture(scope="module")
def summary(
    built: Built,
) -> dict[tuple[str, str | None, str | None], dict[str, Any]]:
    warehouse = built.warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute("select * from main.kpi_summary")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return {(r["kpi"], r["group_attribute"], r["group_value"]): r for r in rows}


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def _published(
    summary: dict, kpi: str, attr: str | None = None, value: str | None = None
) -> tuple[float, int]:
    row = summary[(kpi, attr, value)]
    assert row["unavailable"] is None and not row["suppressed"], row
    return row["value"], row["n"]


def test_build_runs_every_model_data_test_and_unit_test(
    built: Built,
) -> None:
    result = built.result
    assert result.success, [(n.name, n.status, n.message) for n in result.failed_nodes]
    kinds = {n.resource_type for n in result.nodes}
    assert {"model", "test", "unit_test"} <= kinds
    assert all(n.ok for n in result.nodes) and result.unbuilt_models == []
    # progress reached the caller's log, one line per node
    assert any("kpi_summary" in line for line in built.log_lines)


def test_dbt_target_and_logs_stay_in_the_run_folder(built: Built) -> None:
    folder = built.folder
    assert (folder / "run" / "target" / "manifest.json").exists()
    assert (folder / "run" / "logs").is_dir()


def test_retention_counts_termination_on_t0_plus_365_as_not_retained(summary: dict) -> None:
    # eligible mentees: M1 (leaves on t0+365: not retained), M2, M6 (leaves on
    # t0+366: retained); M3 left on t0 (not employed), M4's t0 is after D-365
    assert _published(summary, "retention_12m_mentee") == pytest.approx((2 / 3, 3), abs=1e-12)
    low, high = _wilson(2, 3)
    row = summary[("retention_12m_mentee", None, None)]
    assert row["ci_low"] == pytest.approx(low, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, abs=1e-12)
    # mentors R1, R2 (t0 exactly D-365 is eligible), R3: all retained
    assert _published(summary, "retention_12m_mentor") == pytest.approx((1.0, 3))
    # non-participants N1, N2 (left on t0+365), N3, N4, M5 (t0 = first program start)
    assert _published(summary, "retention_12m_non_participant") == pytest.approx((0.6, 5))
    assert _published(summary, "retention_12m_gap_mentee_naive") == pytest.approx((2 / 3 - 0.6, 3))
    assert _published(summary, "retention_12m_gap_mentor_naive") == pytest.approx((0.4, 3))


def test_naive_gap_has_a_newcombe_interval(summary: dict) -> None:
    row = summary[("retention_12m_gap_mentor_naive", None, None)]
    l1, u1 = _wilson(3, 3)
    l2, u2 = _wilson(3, 5)
    assert row["ci_low"] == pytest.approx(
        0.4 - math.sqrt((1 - l1) ** 2 + (u2 - 0.6) ** 2), abs=1e-12
    )
    assert row["ci_high"] == pytest.approx(
        0.4 + math.sqrt((u1 - 1) ** 2 + (0.6 - l2) ** 2), abs=1e-12
    )


def test_promotion_needs_an_earlier_row_and_ignores_demotions(summary: dict) -> None:
    # mentees: M2 promoted; M1's rise is on t0 itself; M6 was demoted
    assert _published(summary, "promotion_rate_12m_mentee") == pytest.approx((1 / 3, 3))
    # a rate of 0 over a non-empty population is published as 0
    assert _published(summary, "promotion_rate_12m_mentor") == (0.0, 3)
    # N4's same-day rows count as the highest level; N3's only row is no promotion
    assert _published(summary, "promotion_rate_12m_non_participant") == pytest.approx((0.2, 5))


def test_adjusted_gap_without_qualifying_strata_is_unavailable(summary: dict) -> None:
    row = summary[("retention_12m_gap_mentee_adjusted", None, None)]
    assert row["value"] is None and row["n"] is None
    assert row["unavailable"].startswith("no stratum")


def test_match_activity_kpis(summary: dict) -> None:
    # active on D: X2, X3 (ends on D), X4; X5 starts after D, X1 and X6 ended
    assert _published(summary, "active_matches") == (3.0, 3)
    # held session in (D-30, D]: X2 (06-15) and X4 (06-30); X3's is on D-30 exactly
    assert _published(summary, "engaged_match_rate_30d") == pytest.approx((2 / 3, 3))
    # held in (D-90, D]: X2 2, X3 1 (its 04-01 session is on D-90), X4 1
    assert _published(summary, "avg_sessions_per_active_match_90d") == pytest.approx((4 / 3, 3))
    # held in (D-365, D]: S1 S2 S4 S5 S6 S7 (S8 is on D-365, S9 after D, S3 cancelled)
    assert _published(summary, "mentee_initiated_share_12m") == pytest.approx((4 / 6, 6))


def test_engagement_deltas_average_same_date_surveys(summary: dict) -> None:
    # M2: 4.5 - mean(3.0, 4.0) = 1.0; M6: 3.0 - 4.0 = -1.0; M4's after survey is after D
    assert _published(summary, "engagement_delta_mentee") == pytest.approx((0.0, 2))
    # N3: 3.5 - 3.0; N5: 3.0 - 2.0 (the survey on t0 is the before one)
    assert _published(summary, "engagement_delta_non_participant") == pytest.approx((0.75, 2))
    assert _published(summary, "engagement_uplift_mentee") == pytest.approx((-0.75, 2))


def test_participation_and_small_cells(summary: dict) -> None:
    # employed on D: M2 M4 M5 R1 R2 R3 N3 N4 N5 F1-F3 G1-G7 = 19; participants M2 M4 R1 R2 R3
    assert _published(summary, "participation_rate") == pytest.approx((5 / 19, 19))
    # female (trimmed, lower-cased): M2 M4 R1 R2 R3 F1-F3 = 8 employed, 5 participants
    assert _published(summary, "participation_rate", "gender", "female") == pytest.approx(
        (5 / 8, 8)
    )
    assert _published(summary, "representation_index", "gender", "female") == pytest.approx(
        ((5 / 5) / (8 / 19), 5)
    )
    # male: 10 employed, 0 participants; undisclosed: N5 alone -> both suppressed
    for value in ("male", "undisclosed"):
        row = summary[("participation_rate", "gender", value)]
        assert row["suppressed"] and row["value"] is None and row["n"] is None
        assert row["unavailable"] is None
    # only one published disclosed gender value: nothing to compare
    row = summary[("selection_ratio_min", "gender", None)]
    assert row["value"] is None and row["unavailable"]
    # nobody disclosed an ethnicity: one `undisclosed` row, published
    assert _published(summary, "participation_rate", "ethnicity", "undisclosed") == pytest.approx(
        (5 / 19, 19)
    )


def test_cross_gender_share_counts_matches_with_both_values_disclosed(summary: dict) -> None:
    # X1 (female/male) differs; X2 X4 X6 female/female; X3's mentee undisclosed
    assert _published(summary, "cross_gender_match_share") == pytest.approx((0.25, 4))
    assert summary[("cross_ethnicity_match_share", None, None)]["unavailable"].startswith(
        "no matches"
    )


@pytest.mark.parametrize(
    ("kpi", "reason"),
    [
        ("critical_roles", "succession_plans was not exported"),
        ("succession_coverage_ready_now", "succession_plans was not exported"),
        ("knowledge_transfer_gap_roles", "succession_plans was not exported"),
        ("mentor_learning_avg", "feedback was not exported"),
        ("reciprocity_index", "feedback was not exported"),
    ],
)
def test_missing_optional_source_makes_its_kpis_unavailable(
    summary: dict, kpi: str, reason: str
) -> None:
    row = summary[(kpi, None, None)]
    assert row["value"] is None and row["n"] is None and not row["suppressed"]
    assert row["unavailable"] == reason


def test_kpi_summary_is_kpi_history_at_d(built: Built) -> None:
    warehouse = built.warehouse
    columns = (
        "kpi, group_attribute, group_value, value, n, suppressed, unavailable, ci_low, ci_high"
    )
    history_at_d = f"select {columns} from main.kpi_history where as_of_date = ?"
    summary = f"select {columns} from main.kpi_summary"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        only_in_summary = con.execute(f"{summary} except all {history_at_d}", [AS_OF]).fetchall()
        only_in_history = con.execute(f"{history_at_d} except all {summary}", [AS_OF]).fetchall()
        dates = con.execute("select count(distinct as_of_date) from main.kpi_history").fetchone()
    finally:
        con.close()
    assert only_in_summary == [] and only_in_history == []
    assert dates == (24,)  # D is a month-end itself: D and the 23 month-ends before it


def test_kpis_json_format_is_the_dictionary_s_and_deterministic(
    built: Built, tmp_path: Path
) -> None:
    warehouse = built.warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        first = write_kpis_json(con, tmp_path / "a" / "kpis.json", AS_OF)
        second = write_kpis_json(con, tmp_path / "b" / "kpis.json", AS_OF)
        catalog = {r[0] for r in con.execute("select kpi from main.kpi_catalog").fetchall()}
        with pytest.raises(ValueError):
            write_kpis_json(con, tmp_path / "c" / "kpis.json", date(2025, 7, 1))
    finally:
        con.close()
    assert first.read_bytes() == second.read_bytes()
    document = json.loads(first.read_text(encoding="utf-8"))
    assert list(document) == ["as_of", "kpis"] and document["as_of"] == "2025-06-30"
    records = document["kpis"]
    keys = ["kpi", "group", "value", "n", "suppressed", "unavailable", "ci_low", "ci_high"]
    assert all(list(r) == keys for r in records)
    assert {r["kpi"] for r in records} == catalog
    by_key = {(r["kpi"], json.dumps(r["group"])): r for r in records}
    assert by_key[("participation_rate", '{"gender": "female"}')]["value"] == 5 / 8
    assert by_key[("selection_ratio_min", '{"ethnicity": null}')]["unavailable"]
    assert by_key[("retention_12m_mentee", "null")]["value"] == 2 / 3  # unrounded
    order = [(r["kpi"], json.dumps(r["group"])) for r in records]
    assert order == sorted(order, key=lambda k: (k[0], k[1] != "null", k[1]))


def test_docs_site_is_one_self_contained_html_file(built: Built) -> None:
    warehouse, folder = built.warehouse, built.folder
    page = docs(PROJECT_DIR, warehouse, folder / "run", lambda _line: None)
    assert page == folder / "run" / "docs" / "static_index.html"
    html = page.read_text(encoding="utf-8")
    # the manifest and catalog are inlined: the models and their docs are in the file
    assert "kpi_summary" in html and "retention_12m_gap_mentee_adjusted" in html
    # the build's results (with every test's compiled SQL) are still the build's
    build_results = json.loads((folder / "run" / "target" / "run_results.json").read_text())
    assert build_results["args"]["which"] == "build"


def test_every_kpi_of_the_dictionary_is_in_kpi_summary(summary: dict) -> None:
    assert len(DICTIONARY_KPIS) >= 39  # 30 mentoring KPIs and 9 workforce KPIs, or more
    assert {kpi for kpi, _, _ in summary} == DICTIONARY_KPIS

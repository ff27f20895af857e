"""The dbt models against the reference on an organisation built around the
workforce KPIs' edges.

One real ``dbt build`` on a hand-made warehouse whose people sit on every
boundary of the dictionary's *Workforce KPIs* and small-cell rules (hires on
D - 365 and D - 364, a termination on D, department moves between D - 365
and D and before a termination, leaders at level 7 against 6, a department
seen only among the leavers, exactly one small gender value, tied sizes for
the complementary cell, surveys on the window's edges). ``kpis.json`` must
equal the reference implementation, and a few numbers are checked by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.transform.dbt_runner import build
from pipelines.transform.kpis_json import write_kpis_json
from pipelines.warehouse import connect, reset_raw_schema
from tests.reference.compare import assert_kpis_match
from tests.reference.kpis_pandas import compute_kpis, load_tables

PROJECT_DIR = Path(__file__).resolve().parents[1]
D = date(2026, 11, 25)


def day(offset: int) -> date:
    return D + timedelta(days=offset)


def employee(
    employee_id: str,
    *,
    hired: int = -3000,
    left: int | None = None,
    reason: str | None = None,
    department: str = "Ops",
    level: int = 3,
    gender: str | None = "female",
) -> dict[str, Any]:
    return {
        "employee_id": employee_id,
        "hire_date": day(hired),
        "termination_date": None if left is None else day(left),
        "termination_reason": reason,
        "department": department,
        "job_level": level,
        "gender": gender,
        "ethnicity": "a",
    }


def _organisation() -> dict[str, list[dict[str, Any]]]:
    people = [
        # 12 in Ops, 6 in Finance, 6 in Legal and 6 in Audit (Audit and Legal
        # tie for the complementary cell)
        *[employee(f"O{i}", gender="male", level=7 if i < 6 else 6) for i in range(12)],
        *[employee(f"F{i}", department="Finance", level=7) for i in range(6)],
        *[employee(f"L{i}", department=" Legal ", gender="male") for i in range(6)],
        *[employee(f"A{i}", department="AUDIT") for i in range(6)],
        employee("H365", hired=-365),  # in H(D - 365), no hire of the window
        employee("H364", hired=-364, department="Finance"),  # a hire
        employee("TD", left=0, reason="voluntary"),  # a separation on D, not employed on D
        employee("TX", left=-40, reason="involuntary", department="Ops"),  # left from Closed
        employee("MV", department="Finance", gender="non-binary"),  # Ops -> Finance
        employee("NEW", hired=5),  # hired after D: in no count
    ]
    history = [
        {"employee_id": "MV", "effective_date": day(-3000), "job_level": 3, "department": "Ops"},
        {"employee_id": "MV", "effective_date": day(-100), "job_level": 7, "department": "Finance"},
        {"employee_id": "TX", "effective_date": day(-200), "job_level": 3, "department": "Closed"},
        {"employee_id": "O0", "effective_date": day(-50), "job_level": 6},  # 7 -> 6 at D
    ]
    surveys = [
        {"employee_id": "O1", "survey_date": day(-365), "engagement_score": 5.0},  # outside
        {"employee_id": "O2", "survey_date": day(-364), "engagement_score": 4.0},
        {"employee_id": "O3", "survey_date": day(-10), "engagement_score": 3.5},
        {"employee_id": "O3", "survey_date": day(-10), "engagement_score": 4.5},
        {"employee_id": "O4", "survey_date": day(-300), "engagement_score": 5.0},
        {"employee_id": "O4", "survey_date": day(0), "engagement_score": 1.0},
        {"employee_id": "TD", "survey_date": day(-3), "engagement_score": 5.0},  # not employed
    ]
    return {"employees": people, "job_history": history, "engagement_surveys": surveys}


def _insert(con: duckdb.DuckDBPyConnection, source: str, rows: list[dict[str, Any]]) -> None:
    columns = sorted({column for row in rows for column in row})
    con.executemany(
        f"insert into raw.{source} ({', '.join(columns)}) "
        f"values ({', '.join('?' for _ in columns)})",
        [[row.get(column) for column in columns] for row in rows],
    )
    con.execute(
        "insert into raw.file_loads values ('test-run', ?, ?, 'csv', 'sha', ?, ?, ?, 0, [], [])",
        [source, f"{source}.csv", D, len(rows), len(rows)],
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("workforce")
    warehouse = folder / "warehouse.duckdb"
    con = connect(warehouse)
    reset_raw_schema(con, D)
    for source, rows in _organisation().items():
        _insert(con, source, rows)
    con.close()
    result = build(PROJECT_DIR, warehouse, folder / "run", lambda _m: None)
    assert result.success, [(n.name, n.message) for n in result.failed_nodes][:5]
    con = duckdb.connect(str(warehouse))
    try:
        write_kpis_json(con, folder / "kpis.json", D)
        tables, exported = load_tables(con)
    finally:
        con.close()
    yield {
        "kpis": json.loads((folder / "kpis.json").read_text())["kpis"],
        "reference": compute_kpis(tables, exported, D),
    }


def _entry(published: dict[str, Any], kpi: str, group: dict[str, str] | None = None) -> dict:
    (entry,) = [e for e in published["kpis"] if e["kpi"] == kpi and e["group"] == group]
    return entry


def test_every_kpi_equals_the_reference(published):
    assert_kpis_match(published["kpis"], published["reference"], tol=1e-9)


def test_window_edges_by_hand(published):
    # employed on D: 12 + 6 + 6 + 6 + H365 + H364 + MV = 33 (TD left on D, NEW not yet)
    assert _entry(published, "headcount")["value"] == 33
    assert _entry(published, "hires_12m")["value"] == 1  # H364 only
    # TD (on D) and TX (D - 40)
    assert _entry(published, "separations_12m")["value"] == 2
    # H(D - 365) = 30 + H365 + TD + TX + MV = 34; 2 / ((34 + 33) / 2)
    turnover = _entry(published, "turnover_rate_12m")
    assert turnover["n"] == 67 and turnover["value"] == pytest.approx(4 / 67)
    assert _entry(published, "voluntary_turnover_rate_12m")["value"] == pytest.approx(2 / 67)


def test_departments_and_their_suppression_by_hand(published):
    # TX left from Closed (its department at the termination date): a value
    # nobody is employed in on D, the one small department. The published
    # departments with the fewest employed on D are Audit and Legal (6 each):
    # Audit, alphabetically first, is hidden too, for all five KPIs.
    for kpi in ("headcount", "hires_12m", "separations_12m", "turnover_rate_12m"):
        assert _entry(published, kpi, {"department": "closed"})["suppressed"]
        assert _entry(published, kpi, {"department": "audit"})["suppressed"]
    assert _entry(published, "headcount", {"department": "legal"})["value"] == 6
    # Finance: F0-F5 + H364 + MV (moved from Ops 100 days ago) = 8 at D;
    # H(D - 365): F0-F5 only (MV was in Ops, H364 not hired yet) = 6
    assert _entry(published, "headcount", {"department": "finance"})["value"] == 8
    assert _entry(published, "turnover_rate_12m", {"department": "finance"})["n"] == 14
    assert _entry(published, "hires_12m", {"department": "finance"})["value"] == 1


def test_leaders_and_engagement_by_hand(published):
    # leaders at D: O1-O5 (7, male), F0-F5 (7, female), MV (7 since D - 100,
    # non-binary); O0 went back to 6. Non-binary has 1 leader: suppressed,
    # with the fewest-leaders other value, male (5).
    share = _entry(published, "leadership_representation_share", {"gender": "female"})
    assert share["n"] == 6 and share["value"] == pytest.approx(6 / 12)
    for gender in ("non-binary", "male"):
        assert _entry(published, "leadership_representation_share", {"gender": gender})[
            "suppressed"
        ]
    # O2 4.0 (D - 364), O3 4.0 (mean of the day), O4 1.0 (its latest, on D)
    assert _entry(published, "engagement_score_avg")["n"] == 3
    assert _entry(published, "engagement_score_avg")["value"] == pytest.approx(3.0)
    assert _entry(published, "engagement_favorable_share")["value"] == pytest.approx(2 / 3)

"""A real HR export end to end: HRDataset_v14 alone, then with a simulated mentoring platform.

Both run the installed CLI (``python -m pipelines``) on the shared dataset
(``../shared/datasets/hris/`` beside the repository, never copied into it):
``mentorship run --mapping mappings/hrdataset_v14.yaml`` on a drop holding only
that file, and ``mentorship demo --roster`` then ``mentorship run`` on its output.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
HRDATASET = REPO.parent / "shared" / "datasets" / "hris" / "HRDataset_v14.csv"
MAPPING = REPO / "mappings" / "hrdataset_v14.yaml"
AS_OF = "2020-11-24"  # the export's date, from its Age column


def _mentorship(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", *args], capture_output=True, text=True, timeout=900,
        cwd=REPO,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _rows() -> list[dict[str, str]]:
    with HRDATASET.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def hr_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hrdataset")
    drop = root / "inbox" / AS_OF
    drop.mkdir(parents=True)
    shutil.copyfile(HRDATASET, drop / HRDATASET.name)
    result = _mentorship("run", "--inbox", str(root / "inbox"), "--mapping", str(MAPPING),
                         "--out", str(root / "published"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def with_platform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("roster")
    demo = _mentorship("demo", "--roster", str(HRDATASET), "--mapping", str(MAPPING),
                       "--as-of", AS_OF, "--out", str(root / "inbox"))  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    # No --mapping: the demo wrote the inbox's mentorship.yaml naming it.
    result = _mentorship("run", "--inbox", str(root / "inbox"), "--out", str(root / "published"))
    assert result.returncode == 0, result.stderr
    return root


def _manifest(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((root / "published" / "manifest.json").read_text())


def test_every_employee_of_the_hr_dataset_is_accepted(hr_only):
    manifest = _manifest(hr_only)
    assert manifest["status"] == "published"
    assert manifest["mapping"]["file"] == str(MAPPING)
    counts = {s["source"]: (s["rows_read"], s["rows_accepted"]) for s in manifest["sources"]}
    assert counts == {
        "employees": (311, 311),
        "performance_reviews": (311, 311),
        "engagement_surveys": (311, 311),
    }


def test_the_hr_dataset_is_derived_as_the_mapping_says(hr_only):
    rows = {r["EmpID"]: r for r in _rows()}
    with duckdb.connect(str(hr_only / "warehouse.duckdb"), read_only=True) as con:
        employees = {
            r[0]: r[1:]
            for r in con.execute(
                "select employee_id, birth_year, department, termination_reason, gender, "
                "hire_date::varchar from raw.employees"
            ).fetchall()
        }
        ratings = dict(con.execute(
            "select employee_id, rating from raw.performance_reviews").fetchall())  # fmt: skip
    for emp_id, row in rows.items():
        birth_year, department, reason, gender, hire = employees[emp_id]
        month, day, yy = row["DOB"].split("/")
        assert birth_year == (1900 if int(yy) > 20 else 2000) + int(yy)
        assert department == row["Department"].strip()
        assert gender == {"F": "female", "M": "male"}[row["Sex"].strip()]
        m, d, y = row["DateofHire"].split("/")
        assert hire == f"20{y}-{m}-{d}"
        expected_reason = {
            "Active": None,
            "Voluntarily Terminated": "voluntary",
            "Terminated for Cause": "involuntary",
        }[row["EmploymentStatus"]]
        if row["TermReason"] == "retiring":
            expected_reason = "retirement"
        assert reason == expected_reason
        score = {"Exceeds": 4, "Fully Meets": 3, "Needs Improvement": 2, "PIP": 1}
        assert ratings[emp_id] == score[row["PerformanceScore"]]
    assert employees["10026"][0] == 1983
    assert min(e[0] for e in employees.values()) == 1951, "01/02/51 is 1951, not 2051"
    assert Counter(e[2] for e in employees.values())["retirement"] == 4


def test_no_name_reaches_the_warehouse(hr_only):
    surnames = {r["Employee_Name"].split(",")[0].strip() for r in _rows()}
    with duckdb.connect(str(hr_only / "warehouse.duckdb"), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('raw', 'main') and data_type in ('VARCHAR', 'JSON') "
            # the KPI catalogue (a dbt seed) is the project's own words, not the export's:
            # its "Cross-gender match share" is not the employee named Cross
            "and table_name <> 'kpi_catalog'"
        ).fetchall()
        texts = [
            str(value)
            for schema, table, column in columns
            for (value,) in con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
        ]
    assert texts, "the warehouse holds text"
    leaked = [s for s in surnames if len(s) > 3 and any(s in t for t in texts)]
    assert not leaked, leaked[:5]


def test_an_hr_only_run_publishes_the_workforce_kpis(hr_only):
    kpis = json.loads((hr_only / "published" / "kpis.json").read_text())["kpis"]
    overall = {k["kpi"]: k for k in kpis if k["group"] is None}
    # nobody is hired after the export date; the employed have no termination date
    employed = [r for r in _rows() if not r["DateofTermination"].strip()]
    assert overall["headcount"]["value"] == overall["headcount"]["n"] == len(employed)
    for kpi in (
        "hires_12m",
        "separations_12m",
        "turnover_rate_12m",
        "voluntary_turnover_rate_12m",
        "engagement_score_avg",
        "engagement_favorable_share",
    ):
        assert overall[kpi]["value"] is not None and not overall[kpi]["unavailable"], kpi
    women = sum(r["Sex"].strip() == "F" for r in employed)
    (share,) = [
        k for k in kpis if k["kpi"] == "representation_share" and k["group"] == {"gender": "female"}
    ]
    assert share["n"] == women and share["value"] == pytest.approx(women / len(employed))
    departments = [
        k for k in kpis if k["kpi"] == "headcount" and k["group"] and "department" in k["group"]
    ]
    published = [k for k in departments if not k["suppressed"]]
    assert published and all(k["n"] >= 5 for k in published)
    page = (hr_only / "published" / "workforce.html").read_text()
    assert "Turnover by department" in page


def test_the_reports_say_plainly_that_no_mentoring_export_was_given(hr_only):
    for report in ("program_impact", "program_operations"):
        page = (hr_only / "published" / f"{report}.html").read_text()
        assert "No mentoring export was given." in page


def test_a_simulated_platform_over_the_real_workforce_loads_and_publishes(with_platform):
    drop = with_platform / "inbox" / AS_OF
    assert (drop / HRDATASET.name).read_bytes() == HRDATASET.read_bytes()
    truth = json.loads((with_platform / "inbox" / "ground_truth.json").read_text())
    manifest = _manifest(with_platform)
    loads = {s["source"]: s for s in manifest["sources"]}
    assert loads["employees"]["rows_accepted"] == 311
    for source, written in truth["rows"].items():
        assert loads[source]["rows_read"] == written
        assert loads[source]["rows_quarantined"] == 0, source
    kpis = json.loads((with_platform / "published" / "kpis.json").read_text())["kpis"]
    overall = {k["kpi"]: k for k in kpis if not k.get("group_attribute")}
    for kpi in ("participation_rate", "active_matches", "retention_12m_mentee",
                "mentor_learning_avg"):  # fmt: skip
        assert overall[kpi]["value"] is not None, overall[kpi]
    page = (with_platform / "published" / "program_impact.html").read_text()
    assert "No mentoring export was given." not in page


def test_the_roster_demo_is_reproducible(tmp_path, with_platform):
    again = _mentorship("demo", "--roster", str(HRDATASET), "--mapping", str(MAPPING),
                        "--as-of", AS_OF, "--out", str(tmp_path / "inbox"))  # fmt: skip
    assert again.returncode == 0, again.stderr
    for name in ("programs", "enrollments", "matches", "sessions", "feedback"):
        first = (with_platform / "inbox" / AS_OF / f"{name}.csv").read_bytes()
        assert (tmp_path / "inbox" / AS_OF / f"{name}.csv").read_bytes() == first

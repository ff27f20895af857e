"""No published number gives a small group away, alone or by subtraction.

A hostile test of the dictionary's small-cell rules on a whole published run:
the demo organisation is edited so that exactly one value of each attribute
is held by fewer than 5 people employed on D (3 people of ethnicity "zeta",
3 of gender "x", 3 in department "Legal"). Then every number of kpis.json and
every report is searched for a way to that group's size: the published
values, and the overall figure minus the published groups.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.context import PlainReporter
from pipelines.demo.generate import generate_demo
from pipelines.run import run
from tests.reference import kpis_pandas as k
from tests.reference.compare import assert_kpis_match
from tests.reference.kpis_pandas import compute_kpis, load_tables
from tests.reference.workforce_pandas import LEADER_MIN_LEVEL

AS_OF = date(2026, 11, 25)
EMPLOYEES = 1500
SMALL = {"ethnicity": "zeta", "gender": "x", "department": "legal"}
SMALL_SIZE = 3


@dataclass(frozen=True)
class Published:
    kpis: list[dict[str, Any]]
    reports: dict[str, str]
    warehouse: Path
    truth: dict[str, dict[str, int]]


def _rewrite(path: Path, edit: Any) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    rows = edit(rows) or rows
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _employed(row: dict[str, str]) -> bool:
    hired = date.fromisoformat(row["hire_date"])
    left = row["termination_date"]
    return hired <= AS_OF and (not left or date.fromisoformat(left) > AS_OF)


def _plant_small_groups(drop: Path) -> None:
    """Exactly one small value per attribute, each of SMALL_SIZE employed people."""
    chosen: dict[str, list[str]] = {}

    def employees(rows: list[dict[str, str]]) -> None:
        employed = [r for r in rows if _employed(r)]
        # the demo's own small ethnicities join a large one: only "zeta" is small
        big = {"native hawaiian or pacific islander", "two or more races"}
        for r in rows:
            if r["ethnicity"].strip().lower() in big:
                r["ethnicity"] = "White"
        for offset, attribute in enumerate(("ethnicity", "gender", "department")):
            people = employed[offset * 10 : offset * 10 + SMALL_SIZE]
            chosen[attribute] = [p["employee_id"] for p in people]
            for p in people:
                if attribute != "department":
                    p[attribute] = SMALL[attribute].upper()
                else:
                    p["department"] = "Legal"

    _rewrite(drop / "employees.csv", employees)
    levels: dict[str, str] = {}
    with (drop / "employees.csv").open(newline="", encoding="utf-8") as fh:
        levels = {r["employee_id"]: r["job_level"] for r in csv.DictReader(fh)}

    def history(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        # the department at D comes from job_history: move them there 10 days ago
        moved = (AS_OF - timedelta(days=10)).isoformat()
        extra = [
            {k: "" for k in rows[0]}
            | {
                "employee_id": e,
                "effective_date": moved,
                "job_level": levels[e],
                "department": "Legal",
                "change_type": "transfer",
            }
            for e in chosen["department"]
        ]
        return rows + extra

    _rewrite(drop / "job_history.csv", history)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    root = tmp_path_factory.mktemp("small-cells")
    drop = generate_demo(EMPLOYEES, 5, AS_OF, root / "inbox", bad_row_share=0)
    _plant_small_groups(drop)
    ctx = run(
        root / "inbox",
        root / "published",
        root / "warehouse.duckdb",
        reporter=PlainReporter(lambda _m: None),
    )
    truth = _small_group_sizes(root / "warehouse.duckdb")
    reports = {
        name: (ctx.run_dir / f"{name}.html").read_text(encoding="utf-8")
        for name in ("program_impact", "program_operations", "workforce", "data_quality")
    }
    return Published(
        kpis=json.loads((ctx.run_dir / "kpis.json").read_text())["kpis"],
        reports=reports,
        warehouse=root / "warehouse.duckdb",
        truth=truth,
    )


def _small_group_sizes(warehouse: Path) -> dict[str, dict[str, int]]:
    """Employed, participants and leaders on D in each planted small group.

    Counted by the pandas reference (tests/reference/) from the accepted rows,
    not by the models under test.
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables, exported = load_tables(con)
    finally:
        con.close()
    view = k.as_of_view(tables, exported, AS_OF)
    staff = view.employees[k.employed(view.employees, view.d)].reset_index(drop=True)
    at_d = staff[["employee_id"]].assign(at=view.d)
    values = {
        "ethnicity": k.group_value(staff["ethnicity"]),
        "gender": k.group_value(staff["gender"]),
        "department": k.department_at(view, at_d).astype("str").str.strip().str.lower(),
    }
    leader = k.level_at(view, at_d) >= LEADER_MIN_LEVEL
    participant = staff["employee_id"].isin(k.participant_ids(view))
    truth = {}
    for attribute, value in SMALL.items():
        member = (values[attribute] == value).to_numpy()
        truth[attribute] = {
            "employed": int(member.sum()),
            "participants": int((member & participant.to_numpy()).sum()),
            "leaders": int((member & leader.to_numpy()).sum()),
        }
    return truth


def _groups(kpis: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in kpis:
        if e["group"]:
            (attribute, value) = next(iter(e["group"].items()))
            if value is not None:
                out.setdefault((e["kpi"], attribute), []).append(e)
    return out


def test_the_organisation_has_exactly_one_small_value_per_attribute(published):
    for attribute, counts in published.truth.items():
        assert counts["employed"] == SMALL_SIZE, attribute
    # and the run publishes the KPIs exactly as the reference implementation
    con = duckdb.connect(str(published.warehouse), read_only=True)
    try:
        tables, exported = load_tables(con)
    finally:
        con.close()
    assert_kpis_match(published.kpis, compute_kpis(tables, exported, AS_OF), tol=1e-9)


def test_every_small_value_is_suppressed_with_a_second_one(published):
    groups = _groups(published.kpis)
    checked = 0
    for (kpi, attribute), entries in groups.items():
        small = [e for e in entries if e["group"][attribute] == SMALL[attribute]]
        if not small:
            continue
        checked += 1
        assert small[0]["suppressed"] and small[0]["n"] is None, (kpi, attribute)
        hidden = [e for e in entries if e["suppressed"]]
        assert len(hidden) >= 2, (kpi, attribute, [e["group"] for e in hidden])
    # participation, representation index, the two representation shares
    # (gender, ethnicity) and the five department KPIs
    assert checked == 4 * 2 + 5


def _overall(kpis: list[dict[str, Any]], kpi: str) -> dict[str, Any]:
    (entry,) = [e for e in kpis if e["kpi"] == kpi and e["group"] is None]
    return entry


def test_no_subtraction_from_an_overall_figure_leaves_one_group(published):
    """Every total the file lets a reader compute, minus the published groups,
    is spread over at least two withheld groups."""
    kpis = published.kpis
    groups = _groups(kpis)
    headcount = _overall(kpis, "headcount")["value"]
    participation = _overall(kpis, "participation_rate")
    participants = round(participation["value"] * participation["n"])
    totals = {
        # the KPI: what its published n and value*n add up to, overall
        "participation_rate": {"n": participation["n"], "count": participants},
        "representation_share": {"n": headcount},
        "representation_index": {"n": participants},
    }
    for kpi in ("headcount", "hires_12m", "separations_12m"):
        overall = _overall(kpis, kpi)
        totals[kpi] = {"n": overall["n"], "count": overall["value"]}
    for (kpi, attribute), entries in groups.items():
        shown = [e for e in entries if e["value"] is not None]
        withheld = [e for e in entries if e["value"] is None]
        total = totals.get(kpi)
        if total is None:
            continue
        residual_n = total["n"] - sum(e["n"] for e in shown)
        if residual_n:
            assert len(withheld) >= 2, (kpi, attribute, residual_n)
        if "count" in total:
            counts = (
                sum(round(e["value"] * e["n"]) for e in shown)
                if kpi.endswith("rate")
                else (sum(e["value"] for e in shown))
            )
            if total["count"] - counts:
                assert len(withheld) >= 2, (kpi, attribute)


def _text(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_no_report_shows_a_number_for_a_small_group(published):
    for name, page in published.reports.items():
        # every KPI element of a small group is suppressed, never published
        for attribute, value in SMALL.items():
            for element in re.findall(
                rf'<[^>]*data-group-attribute="{attribute}"[^>]*data-group-value="{value}"[^>]*>',
                page,
            ):
                assert 'data-state="suppressed"' in element, (name, element)
        # every table row naming a small group holds no number
        for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
            cells = [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            if cells and cells[0] in SMALL.values():
                assert all(not re.search(r"\d", c) for c in cells[1:]), (name, cells)


def test_no_chart_plots_a_small_group(published):
    for name, page in published.reports.items():
        (payload,) = re.findall(
            r'<script type="application/json" id="figures">(.*?)</script>', page, re.S
        )
        for figure in json.loads(payload.replace("<\\/", "</")):
            for trace in figure["figure"].get("data", []):
                labels = [str(x) for x in (trace.get("x") or [])]
                assert not set(labels) & set(SMALL.values()), (name, figure["id"], labels)

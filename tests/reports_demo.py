"""Real runs of the nightly pipeline for the report tests, built once per session.

Two organisations: the demo (every source; the demo plants a gender and an
ethnicity value held by fewer than 5 people, so suppression is exercised) and
the same demo's HR-only drop (no mentoring source: most KPIs unavailable,
most charts empty). Each runs the real stages, the report stage included, so
the reports under test are the ones a night would publish.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.context import PlainReporter, Stage
from pipelines.demo.generate import generate_demo
from pipelines.run import run
from pipelines.stages import default_stages, report_stage
from reports.queries import Kpi, KpiTable, kpi_summary

AS_OF = date(2026, 11, 25)
#: Small enough for a 2-core machine, large enough for every KPI to be published.
EMPLOYEES = 1000
SEED = 11
HR_SOURCES = (
    "employees",
    "job_history",
    "performance_reviews",
    "engagement_surveys",
    "succession_plans",
)
REPORTS = ("program_impact", "program_operations", "workforce", "data_quality")


@dataclass(frozen=True)
class DemoRun:
    """A published run: its export drop, run folder, warehouse and manifest."""

    drop: Path
    run_dir: Path
    warehouse: Path
    manifest: dict[str, Any]

    def report(self, name: str) -> Path:
        """The path of one report's HTML file."""
        return self.run_dir / f"{name}.html"

    def html(self, name: str) -> str:
        """One report's HTML."""
        return self.report(name).read_text(encoding="utf-8")

    def kpis(self) -> KpiTable:
        """``kpi_summary`` as the reports read it."""
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return kpi_summary(con)
        finally:
            con.close()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of any query on the run's warehouse (read-only)."""
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def _stages() -> list[tuple[str, Stage]]:
    """The nightly stages with the report stage last (added if not wired yet)."""
    stages = [s for s in default_stages() if s[0] != "report"]
    return [*stages, ("report", report_stage)]


def _run(inbox: Path, root: Path) -> DemoRun:
    ctx = run(
        inbox,
        root / "published",
        root / "warehouse.duckdb",
        reporter=PlainReporter(lambda _message: None),
        stages=_stages(),
    )
    manifest = json.loads((ctx.run_dir / "manifest.json").read_text())
    return DemoRun(
        drop=inbox / AS_OF.isoformat(),
        run_dir=ctx.run_dir,
        warehouse=root / "warehouse.duckdb",
        manifest=manifest,
    )


def full_run(factory: pytest.TempPathFactory) -> DemoRun:
    """The demo organisation with every source (the session fixture ``report_demo``)."""
    root = factory.mktemp("reports-full")
    generate_demo(EMPLOYEES, SEED, AS_OF, root / "inbox")
    return _run(root / "inbox", root)


def hr_only_run(factory: pytest.TempPathFactory, full: DemoRun) -> DemoRun:
    """The same organisation's HR sources only: the baseline before any program."""
    root = factory.mktemp("reports-hr-only")
    drop = root / "inbox" / AS_OF.isoformat()
    drop.mkdir(parents=True)
    for source in HR_SOURCES:
        shutil.copy(full.drop / f"{source}.csv", drop / f"{source}.csv")
    return _run(root / "inbox", root)


#: Names with markup in them, as an HR or a mentoring export might hold them
#: (source -> column -> exported value -> value planted instead).
MARKUP_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "employees": {
        "department": {
            "Sales": "<script>alert(1)</script>",
            "Customer Support": "<b>x</b> support",
        },
        "job_title": {"Senior Account Executive": "<script>alert(1)</script> Executive"},
        "location": {"London": "<b>x</b> London"},
    },
    "job_history": {
        "department": {
            "Sales": "<script>alert(1)</script>",
            "Customer Support": "<b>x</b> support",
        },
        "job_title": {"Senior Account Executive": "<script>alert(1)</script> Executive"},
    },
    "programs": {
        "program_name": {
            "Career Mentoring": "<script>alert(1)</script>",
            "Reverse Mentoring: Digital Fluency": "<b>x</b> & 'Digital' \"Fluency\"",
        }
    },
}


def markup_run(factory: pytest.TempPathFactory, full: DemoRun) -> DemoRun:
    """The demo organisation with markup planted in department, job title and program names."""
    root = factory.mktemp("reports-markup")
    drop = root / "inbox" / AS_OF.isoformat()
    shutil.copytree(full.drop, drop)
    for source, columns in MARKUP_VALUES.items():
        path = drop / f"{source}.csv"
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields = list(reader.fieldnames or [])
            rows = [
                {c: columns.get(c, {}).get(v, v) if v else v for c, v in row.items()}
                for row in reader
            ]
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields, quoting=csv.QUOTE_NONNUMERIC)
            writer.writeheader()
            writer.writerows(rows)
    return _run(root / "inbox", root)


def key(k: Kpi) -> tuple[str, str | None, str | None]:
    """A KPI row's identity."""
    return k.kpi, k.group_attribute, k.group_value

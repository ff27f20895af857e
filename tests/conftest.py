"""Shared fixtures: small hand-written drops and a fresh warehouse."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.warehouse import connect

#: Test modules that run dbt or the whole pipeline (a real night on a demo
#: organisation). They are marked ``pipeline``; ``make test-fast`` leaves
#: them out and so is the quick loop for a person changing one thing.
PIPELINE_MODULES = frozenset(
    {
        "test_cli",
        "test_cli_progress",
        "test_concurrency",
        "test_crash_safety",
        "test_dbt_models",
        "test_hostile_files",
        "test_hrdataset",
        "test_intervals",
        "test_nightly_e2e",
        "test_notebooks",
        "test_pipeline_kpis",
        "test_plan_nights",
        "test_quality_dbt_tests",
        "test_quality_e2e",
        "test_reports_browser",
        "test_reports_build",
        "test_reports_escaping",
        "test_run",
        "test_small_cells",
        "test_spark_kpis",
        "test_workforce_kpis",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.split(".")[-1] in PIPELINE_MODULES:
            item.add_marker(pytest.mark.pipeline)


@pytest.fixture(autouse=True)
def _no_dbt_in_the_fast_loop(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``make test-fast``, a test not marked ``pipeline`` that runs dbt fails, saying so."""
    if os.environ.get("MENTORSHIP_TEST_FAST") != "1" or request.node.get_closest_marker("pipeline"):
        return
    from pipelines.transform import dbt_runner

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"{request.node.nodeid} runs dbt: mark it pipeline (tests/conftest.py)")

    monkeypatch.setattr(dbt_runner, "_invoke", refuse)


AS_OF = "2026-11-25"

#: A minimal valid employees file (every required column).
EMPLOYEES_HEADER = ["employee_id", "full_name", "hire_date", "department", "job_level"]


def write_csv(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    delimiter: str = ",",
    newline: str = "\n",
    bom: bool = False,
) -> Path:
    """Write a CSV file in a chosen dialect."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def drop_dir(tmp_path: Path) -> Path:
    """An empty drop folder named for the as-of date."""
    folder = tmp_path / "inbox" / AS_OF
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A real DuckDB warehouse file, closed after the test."""
    con = connect(tmp_path / "warehouse.duckdb")
    yield con
    con.close()


@pytest.fixture
def make_employees(drop_dir: Path) -> Callable[..., Path]:
    """Write employees.csv with n valid rows (plus optional extra rows)."""

    def _make(n: int = 3, extra: list[list[str]] | None = None, **kw: object) -> Path:
        rows = [[f"E{i:03d}", f"Person {i}", "2020-01-01", "Sales", "3"] for i in range(n)]
        return write_csv(drop_dir / "employees.csv", EMPLOYEES_HEADER, rows + (extra or []), **kw)  # type: ignore[arg-type]

    return _make


#: The demo organisation the whole-run tests share (small: 2 cores).
DEMO_AS_OF = date(2026, 11, 25)
DEMO_EMPLOYEES = 500
DEMO_SEED = 7


@dataclass(frozen=True)
class DemoSite:
    """A folder holding an inbox with one demo drop, a publication and its warehouse."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def drop(self) -> Path:
        return self.inbox / DEMO_AS_OF.isoformat()

    @property
    def out(self) -> Path:
        return self.root / "out" / "published"

    @property
    def warehouse(self) -> Path:
        return self.root / "out" / "warehouse.duckdb"

    def copy(self, dest: Path) -> DemoSite:
        """A copy of the whole site (the publication's link is relative: it still holds)."""
        shutil.copytree(self.root, dest, symlinks=True)
        return DemoSite(dest)


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSite:
    """The demo drop published once by a whole nightly run, for every module to copy."""
    from pipelines.context import PlainReporter
    from pipelines.demo.generate import generate_demo
    from pipelines.run import run

    site = DemoSite(tmp_path_factory.mktemp("published-demo"))
    generate_demo(DEMO_EMPLOYEES, DEMO_SEED, DEMO_AS_OF, site.inbox)
    run(site.inbox, site.out, site.warehouse, reporter=PlainReporter(lambda _m: None))
    return site


#: The KPI demo: large enough for the adjusted gaps to rest on a few hundred people.
KPI_DEMO_EMPLOYEES = 5000
KPI_DEMO_AS_OF = date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_kpis(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 5,000-employee demo through ingest and dbt only: kpis.json, truth, warehouse."""
    import json

    from pipelines.context import PlainReporter
    from pipelines.demo.generate import generate_demo
    from pipelines.run import run
    from pipelines.stages import default_stages

    root = tmp_path_factory.mktemp("pipeline")
    generate_demo(KPI_DEMO_EMPLOYEES, 7, KPI_DEMO_AS_OF, root / "inbox")
    stages = [s for s in default_stages() if s[0] in ("ingest", "transform")]
    ctx = run(
        root / "inbox",
        root / "published",
        root / "warehouse.duckdb",
        reporter=PlainReporter(lambda _m: None),
        stages=stages,
    )
    return {
        "kpis": json.loads((root / "published" / "kpis.json").read_text()),
        "truth": json.loads((root / "inbox" / "ground_truth.json").read_text()),
        "warehouse": root / "warehouse.duckdb",
        "run_dir": ctx.run_dir,
        "as_of": KPI_DEMO_AS_OF,
    }


# The report tests' real runs (tests/reports_demo.py), each built once per session
# and shared by every module that asks (build, browser, escaping tests).


@pytest.fixture(scope="session")
def report_demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.reports_demo import full_run

    return full_run(tmp_path_factory)


@pytest.fixture(scope="session")
def report_demo_hr_only(tmp_path_factory: pytest.TempPathFactory, report_demo: Any) -> Any:
    from tests.reports_demo import hr_only_run

    return hr_only_run(tmp_path_factory, report_demo)


@pytest.fixture(scope="session")
def report_demo_markup(tmp_path_factory: pytest.TempPathFactory, report_demo: Any) -> Any:
    from tests.reports_demo import markup_run

    return markup_run(tmp_path_factory, report_demo)

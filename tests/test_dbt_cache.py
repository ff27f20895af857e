"""dbt's unit tests and docs site are redone only when the project changed (dbt_cache.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.context import PlainReporter
from pipelines.paths import project_dir
from pipelines.publish import published_run_dir
from pipelines.run import run
from pipelines.transform.dbt_cache import DBT_FILES, dbt_cache, project_fingerprint
from tests.conftest import DemoSite


def _project_copy(dest: Path) -> Path:
    for name in DBT_FILES:
        source = project_dir() / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_the_fingerprint_follows_the_models_and_nothing_else(tmp_path: Path) -> None:
    project = _project_copy(tmp_path / "project")
    before = project_fingerprint(project)
    assert project_fingerprint(project) == before
    (project / "models" / "README.txt").write_text("notes\n")
    assert project_fingerprint(project) != before
    (project / "models" / "README.txt").unlink()
    assert project_fingerprint(project) == before
    seed = project / "seeds" / "kpi_catalog.csv"
    seed.write_text(seed.read_text().replace("Mentee 12-month retention", "Mentee retention"))
    assert project_fingerprint(project) != before


def test_the_cache_keeps_one_docs_page_and_the_unit_tests_per_version(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    project = _project_copy(tmp_path / "project")
    cache = dbt_cache(warehouse, project)
    assert cache.docs() is None and not cache.unit_tests_passed()
    page = tmp_path / "static_index.html"
    page.write_text("<html>v1</html>")
    cache.store_docs(page)
    cache.record_unit_tests_passed()
    again = dbt_cache(warehouse, project)
    assert again.unit_tests_passed()
    assert again.docs() is not None and again.docs().read_text() == "<html>v1</html>"  # type: ignore[union-attr]

    (project / "models" / "staging" / "new_model.sql").write_text("select 1 as x\n")
    changed = dbt_cache(warehouse, project)
    assert changed.fingerprint != cache.fingerprint
    assert changed.docs() is None and not changed.unit_tests_passed()
    page.write_text("<html>v2</html>")
    changed.store_docs(page)
    assert [p.name for p in changed.folder.glob("dbt-docs-*.html")] == [
        f"dbt-docs-{changed.fingerprint}.html"
    ]


def _unit_tests_in(run_dir: Path) -> int:
    results = json.loads((run_dir / "dbt" / "target" / "run_results.json").read_text())
    return sum(1 for r in results["results"] if r["unique_id"].startswith("unit_test."))


@pytest.mark.pipeline  # two real nights on the demo site
def test_a_second_night_on_an_unchanged_project_runs_the_plan_and_reuses_the_docs(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    site = published_demo.copy(tmp_path / "site")
    first = published_run_dir(site.out)
    assert first is not None
    assert _unit_tests_in(first) > 20  # a fresh warehouse ran them

    lines: list[str] = []
    ctx = run(site.inbox, site.out, site.warehouse, reporter=PlainReporter(lines.append))
    assert any("nodes dbt compiled for it" in line for line in lines), lines
    assert any("dbt docs: the project is unchanged" in line for line in lines), lines
    assert _unit_tests_in(ctx.run_dir) == 0
    assert ctx.dbt_result is not None and ctx.dbt_result.success
    cached = dbt_cache(site.warehouse, project_dir()).docs()
    assert cached is not None
    assert (ctx.run_dir / "dbt_docs.html").read_bytes() == cached.read_bytes()
    assert (first / "dbt_docs.html").read_bytes() == cached.read_bytes()
    assert "transform.dbt_docs" in ctx.stage_seconds
    plan = dbt_cache(site.warehouse, project_dir()).plan(site.warehouse.stem)
    assert plan is not None and len(plan.nodes) > 300


def test_the_cache_keeps_one_plan_per_version_with_its_seeds(tmp_path: Path) -> None:
    import duckdb

    from pipelines.transform.plan import Plan, PlanNode

    warehouse = tmp_path / "warehouse.duckdb"
    project = _project_copy(tmp_path / "project")
    seed = PlanNode(
        unique_id="seed.p.s",
        name="s",
        resource_type="seed",
        depends_on=(),
        relation='"warehouse"."main"."s"',
        schema="main",
    )
    con = duckdb.connect(str(warehouse))
    con.execute("create table main.s as select 1 as x")
    cache = dbt_cache(warehouse, project)
    assert cache.plan("warehouse") is None
    cache.store_plan(Plan(cache.fingerprint, "warehouse", "1.11", [seed]), con)
    assert cache.plan("warehouse") is not None
    assert cache.plan("another_name") is None  # compiled for a database of another name
    (cache.seeds_dir / "s.parquet").unlink()
    assert cache.plan("warehouse") is None  # a plan without its seed rows is no plan

    (project / "models" / "staging" / "new_model.sql").write_text("select 1 as x\n")
    changed = dbt_cache(warehouse, project)
    assert changed.plan("warehouse") is None
    changed.store_plan(Plan(changed.fingerprint, "warehouse", "1.11", [seed]), con)
    assert [p.name for p in changed.folder.glob("plan-*.json")] == [
        f"plan-{changed.fingerprint}.json"
    ]
    assert [p.name for p in changed.folder.glob("seeds-*")] == [changed.seeds_dir.name]
    con.close()

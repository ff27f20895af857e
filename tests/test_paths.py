"""The project's files are found from a checkout and from an installed wheel (paths.py)."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipelines import paths

ROOT = Path(__file__).resolve().parent.parent
#: What a source distribution of the project holds: everything tracked but tests and notes.
_NOT_BUILT = (".git", ".venv", "out", "build", "dist", "tests", "notebooks", "deploy")


def test_setup_bundles_exactly_the_files_paths_looks_for() -> None:
    tree = ast.parse((ROOT / "setup.py").read_text())
    (bundled,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and "PROJECT_FILES"
        in ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
    ]
    assert tuple(bundled) == paths.PROJECT_FILES


def test_a_checkout_finds_its_own_project() -> None:
    assert paths.project_dir() == ROOT
    assert paths.kpi_catalog_file().is_file()
    assert (paths.expectations_dir() / "marts" / "kpi_summary.json").is_file()


def test_a_configured_folder_that_is_no_project_fails_in_one_line(tmp_path: Path) -> None:
    code = "from pipelines.paths import project_dir; project_dir()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "MENTORSHIP_PROJECT_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"MENTORSHIP_PROJECT_DIR={tmp_path}: no dbt_project.yml" in result.stderr


def _build_wheel(tmp_path: Path) -> Path:
    """Build the project's wheel from a copy of the checkout (the build writes build/ in place)."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_BUILT, "*.egg-info"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(dist), str(source)],
        check=True,
        timeout=600,
    )
    (wheel,) = dist.glob("mentorship_analytics-*.whl")
    return wheel


@pytest.mark.pipeline  # a whole run, dbt included, from the installed wheel
def test_a_night_runs_from_an_installed_wheel(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in paths.PROJECT_FILES:
        assert any(n.startswith(f"pipelines/_project/{name}") for n in names), name
    assert "pipelines/_project/seeds/kpi_catalog.csv" in names

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
        + [str(wheel)],
        check=True,
        timeout=600,
    )
    # The wheel's code ahead of the checkout's (PYTHONPATH precedes site-packages),
    # run from a folder with no project in it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MENTORSHIP_PROJECT_DIR"}
    env["PYTHONPATH"] = str(site)

    def mentorship(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import pipelines.paths as p; print(p.project_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.stdout.strip() == str(site / "pipelines" / "_project"), where.stderr

    demo = mentorship("demo", "--employees", "500", "--seed", "5", "--out", "inbox")
    assert demo.returncode == 0, demo.stderr
    run = mentorship("run", "--inbox", "inbox", "--warehouse", "w.duckdb", "--out", "published")
    assert run.returncode == 0, run.stdout + run.stderr
    kpis = json.loads((elsewhere / "published" / "kpis.json").read_text())
    with paths.kpi_catalog_file().open(encoding="utf-8") as fh:
        catalogued = {line.split(",", 1)[0] for line in list(fh)[1:]}
    assert {k["kpi"] for k in kpis["kpis"]} == catalogued
    for page in ("program_impact", "program_operations", "workforce", "data_quality"):
        assert (elsewhere / "published" / f"{page}.html").stat().st_size > 10_000, page

"""``mentorship run --target postgres``: the models on PostgreSQL, DuckDB's kpis.json (issue 14).

A throwaway PostgreSQL server is started for the module
(pipelines/targets/throwaway_postgres.py; ``make test`` installs Debian's
postgresql package when missing), or the one given through MENTORSHIP_PG_HOST
and its siblings is used (the database must be disposable: its raw and main*
schemas are replaced).

The installed ``mentorship`` command runs as cron does (output redirected to
a file) on two nightly drops: the session's demo drop, then the next day's
with one employee moved. The first night's kpis.json must equal the one the
DuckDB run published for the same drop (values and intervals within 1e-9,
same n, suppression and availability); the mart checks and the reports run on
what came back from PostgreSQL; the second night's snapshot, handed to
PostgreSQL and copied back, keeps the move.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.publish import runs_root
from tests.conftest import DEMO_AS_OF, DemoSite
from tests.reference.compare import assert_kpis_match, entry_key

pytestmark = pytest.mark.pipeline

MENTORSHIP = Path(sys.executable).parent / "mentorship"
NEXT_DAY = "2026-11-26"


@pytest.fixture(scope="module")
def postgres_env() -> Iterator[dict[str, str]]:
    """A throwaway PostgreSQL server (pipelines/targets/throwaway_postgres.py), for this module."""
    from pipelines.targets.throwaway_postgres import postgres_server

    try:
        server = postgres_server()
        settings = server.__enter__()
    except FileNotFoundError as exc:  # the machine lacks Debian's postgresql package
        pytest.skip(str(exc))
    try:
        yield settings
    finally:
        server.__exit__(None, None, None)


def _run(site: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    log = site / "run.log"
    with log.open("w") as handle:
        done = subprocess.run(
            [
                str(MENTORSHIP),
                "run",
                "--inbox",
                str(site / "inbox"),
                "--out",
                str(site / "published"),
                "--warehouse",
                str(site / "warehouse.duckdb"),
                *args,
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            timeout=1800,
        )
    return done.returncode, log.read_text()


def _move_one_employee(drop: Path) -> str:
    """Give the first active employee a new department; return their id."""
    path = drop / "employees.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    mover = next(r for r in rows if not r["termination_date"].strip())
    mover["department"] = "Moved Dept"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return mover["employee_id"]


@pytest.fixture(scope="module")
def two_nights_on_postgres(
    published_demo: DemoSite, tmp_path_factory: pytest.TempPathFactory, postgres_env: dict[str, str]
) -> tuple[Path, str, str]:
    """(site, the run's output, the mover): two drops caught up by one command on PostgreSQL."""
    site = tmp_path_factory.mktemp("on-postgres")
    shutil.copytree(published_demo.drop, site / "inbox" / DEMO_AS_OF.isoformat())
    mover = _move_one_employee(shutil.copytree(published_demo.drop, site / "inbox" / NEXT_DAY))
    code, output = _run(site, postgres_env, "--target", "postgres", "--as-of", NEXT_DAY)
    assert code == 0, output[-4000:]
    return site, output, mover


def _published_run(site: Path, as_of: str) -> Path:
    (folder,) = [p for p in runs_root(site / "published").iterdir() if f"-{as_of}-" in p.name]
    return folder


def test_postgres_kpis_equal_duckdb_kpis(
    published_demo: DemoSite, two_nights_on_postgres: tuple[Path, str, str]
) -> None:
    site, output, _ = two_nights_on_postgres
    first = _published_run(site, DEMO_AS_OF.isoformat())
    on_postgres: dict[str, Any] = json.loads((first / "kpis.json").read_text())
    on_duckdb: dict[str, Any] = json.loads((published_demo.out / "kpis.json").read_text())
    assert on_postgres["as_of"] == on_duckdb["as_of"]
    assert_kpis_match(on_postgres["kpis"], on_duckdb["kpis"], allow_extra_kpis=False)
    duck = {entry_key(e): e for e in on_duckdb["kpis"]}
    for entry in on_postgres["kpis"]:
        for bound in ("ci_low", "ci_high"):
            mine, theirs = entry[bound], duck[entry_key(entry)][bound]
            assert (mine is None) == (theirs is None), (entry_key(entry), bound)
            if mine is not None:
                assert abs(mine - theirs) <= 1e-9, (entry_key(entry), bound, mine, theirs)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["target"] == "postgres" and manifest["status"] == "published"
    assert "postgres: handed over" in output and "postgres: copied back" in output
    assert "\x1b[" not in output  # redirected: plain lines for cron


def test_the_checks_and_reports_run_on_what_came_back(
    two_nights_on_postgres: tuple[Path, str, str],
) -> None:
    site, _, _ = two_nights_on_postgres
    for as_of in (DEMO_AS_OF.isoformat(), NEXT_DAY):
        folder = _published_run(site, as_of)
        manifest = json.loads((folder / "manifest.json").read_text())
        after_dbt = [
            c
            for c in manifest["checks"]
            if c["suite"].split(".")[0] in {"marts", "published", "reconciliation"}
        ]
        assert len(after_dbt) > 100
        assert all(c["success"] for c in after_dbt if c["severity"] == "critical"), after_dbt
        for page in ("program_impact", "program_operations", "workforce", "data_quality"):
            assert (folder / f"{page}.html").stat().st_size > 10_000, page


def test_the_snapshot_goes_to_postgres_and_back_night_after_night(
    two_nights_on_postgres: tuple[Path, str, str],
) -> None:
    site, _, mover = two_nights_on_postgres
    con = duckdb.connect(str(site / "warehouse.duckdb"), read_only=True)
    try:
        history = con.execute(
            "select department, valid_from_date, valid_to_date from main.dim_employee_history "
            "where employee_id = ? order by valid_from_date",
            [mover],
        ).fetchall()
        versions = con.execute("select count(*) from main_snapshots.snp_hr__employees").fetchone()
    finally:
        con.close()
    assert [(h[0], h[1].isoformat()) for h in history][-1] == ("Moved Dept", NEXT_DAY)
    assert history[0][2].isoformat() == NEXT_DAY and history[-1][2] is None
    assert versions is not None and versions[0] > len(history)


def test_an_unreachable_server_fails_the_night_in_one_line(
    published_demo: DemoSite, tmp_path: Path
) -> None:
    shutil.copytree(published_demo.drop, tmp_path / "inbox" / DEMO_AS_OF.isoformat())
    closed = {"MENTORSHIP_PG_HOST": "127.0.0.1", "MENTORSHIP_PG_PORT": "1"}
    code, output = _run(tmp_path, closed, "--target", "postgres")
    assert code == 75, output[-3000:]
    assert "Traceback" not in output
    assert "--target postgres: cannot connect" in output
    assert not (tmp_path / "published").exists()

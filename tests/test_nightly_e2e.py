"""Nights of the real pipeline: a three-drop inbox catches up in one command.

An HR system that does not export job_history sends three nightly drops; two
employees change department, level or manager between them. One ``mentorship
run`` (the installed CLI, output redirected as cron does) publishes the three
in date order; the dbt snapshot keeps the changes; a fourth drop with the
same files is skipped; a past drop rebuilds as it was; ``mentorship runs``
and ``show`` tell the story; every file is readable by its owner only.
"""

from __future__ import annotations

import csv
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.context import PlainReporter
from pipelines.demo.generate import generate_demo
from pipelines.publish import published_run_dir, runs_root
from pipelines.run import run
from pipelines.run_history import past_runs
from pipelines.stages import default_stages
from tests.conftest import DEMO_EMPLOYEES, DEMO_SEED

pytestmark = pytest.mark.slow

MENTORSHIP = Path(sys.executable).parent / "mentorship"
DAYS = ("2026-11-24", "2026-11-25", "2026-11-26")


def _edit_employees(folder: Path, change: dict[str, dict[str, str]]) -> None:
    path = folder / "employees.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        row.update(change.get(row["employee_id"], {}))
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


class Nights:
    """The inbox, the publication and the warehouse of the scheduled run."""

    def __init__(self, root: Path) -> None:
        self.root, self.inbox = root, root / "inbox"
        self.out, self.warehouse = root / "published", root / "warehouse.duckdb"

    def cli(self, *args: str, command: str = "run") -> tuple[int, str]:
        log = self.root / f"{command}.log"
        with log.open("w") as fh:
            done = subprocess.run(
                [
                    str(MENTORSHIP),
                    command,
                    "--out",
                    str(self.out),
                    "--warehouse",
                    str(self.warehouse),
                    *args,
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=1800,
            )
        return done.returncode, log.read_text()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Nights, dict[str, str], str]:
    """Three drops without job_history, caught up by one command; (site, movers, output)."""
    site = Nights(tmp_path_factory.mktemp("nights"))
    first = generate_demo(DEMO_EMPLOYEES, DEMO_SEED, date.fromisoformat(DAYS[0]), site.inbox)
    (first / "job_history.csv").unlink()
    with (first / "employees.csv").open(newline="") as fh:
        active = [r for r in csv.DictReader(fh) if not r["termination_date"].strip()]
    mover, new_boss, other = active[10], active[20], active[30]
    movers = {"mover": mover["employee_id"], "other": other["employee_id"]}
    second = shutil.copytree(first, site.inbox / DAYS[1])
    level = str(int(mover["job_level"]) + 1)
    _edit_employees(
        second, {mover["employee_id"]: {"department": "Moved Dept", "job_level": level}}
    )
    third = shutil.copytree(second, site.inbox / DAYS[2])
    _edit_employees(third, {other["employee_id"]: {"manager_id": new_boss["employee_id"]}})
    code, output = site.cli("--inbox", str(site.inbox))
    assert code == 0, output[-4000:]
    return site, movers, output


def test_a_three_drop_inbox_catches_up_in_one_command_oldest_first(nights) -> None:
    site, _, output = nights
    published = [r for r in past_runs(site.warehouse) if r["status"] == "published"]
    assert [str(r["as_of"]) for r in published] == list(DAYS)
    assert output.count("published ") >= 3
    assert output.index(f"as of {DAYS[0]}") < output.index(f"as of {DAYS[2]}")
    assert "\x1b[" not in output  # redirected: plain lines for cron
    assert published_run_dir(site.out).name == published[-1]["run_id"]  # type: ignore[union-attr]


def test_the_snapshot_keeps_the_changes_between_exports_without_job_history(nights) -> None:
    site, movers, _ = nights
    history = site.query(
        "select employee_id, department, job_level, manager_id, valid_from_date, valid_to_date "
        f"from main.dim_employee_history where employee_id in ('{movers['mover']}', "
        f"'{movers['other']}') order by employee_id, valid_from_date"
    )
    mover = [h for h in history if h[0] == movers["mover"]]
    other = [h for h in history if h[0] == movers["other"]]
    assert [(h[1], h[4].isoformat()) for h in mover][-1] == ("Moved Dept", DAYS[1])
    assert mover[0][4].isoformat() == DAYS[0] and mover[0][5].isoformat() == DAYS[1]
    assert mover[1][2] == mover[0][2] + 1 and mover[1][5] is None
    assert [h[4].isoformat() for h in other] == [DAYS[0], DAYS[2]]
    assert other[0][3] != other[1][3]
    unchanged = site.query("select count(*) from main.dim_employee_history")[0][0]
    assert unchanged == DEMO_EMPLOYEES + 2


def test_a_fourth_drop_with_the_same_files_is_skipped_saying_so(nights) -> None:
    site, _, _ = nights
    shutil.copytree(site.inbox / DAYS[2], site.inbox / "2026-11-27")
    folders = set(runs_root(site.out).iterdir())
    code, output = site.cli("--inbox", str(site.inbox))
    assert code == 0, output
    assert "2026-11-27: same files (SHA-256) as the published drop" in output
    assert set(runs_root(site.out).iterdir()) == folders


def test_runs_and_show_tell_what_every_night_did(nights) -> None:
    site, _, _ = nights
    code, listed = site.cli(command="runs")
    assert code == 0
    lines = listed.splitlines()
    assert lines[0].split("\t") == ["run", "drop", "as of", "outcome", "duration", "warnings"]
    assert [line.split("\t")[1] for line in lines[1:4]] == list(DAYS)
    assert all(line.split("\t")[3] == "published" for line in lines[1:4])
    code, shown = site.cli("latest", command="show")
    assert code == 0
    assert "outcome  published" in shown and f"{DAYS[2]}" in shown
    assert "employees.csv: sha256 " in shown and "checks  " in shown


def test_every_file_of_the_nights_is_readable_by_its_owner_only(nights) -> None:
    site, _, _ = nights
    paths = [site.warehouse, *runs_root(site.out).rglob("*")]
    assert len(paths) > 100
    for path in paths:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_past_drop_rebuilds_as_it_was(nights) -> None:
    site, movers, _ = nights
    original = next(r for r in past_runs(site.warehouse) if str(r["as_of"]) == DAYS[1])
    kpis = (Path(original["run_dir"]) / "kpis.json").read_bytes()
    snapshot_rows = site.query("select count(*) from main_snapshots.snp_hr__employees")
    stages = [s for s in default_stages() if s[0] in ("ingest", "transform")]
    ctx = run(
        site.inbox / DAYS[1],
        site.out,
        site.warehouse,
        reporter=PlainReporter(lambda _m: None),
        stages=stages,
    )
    assert (ctx.run_dir / "kpis.json").read_bytes() == kpis
    # the history as it was known on that night; the snapshot itself untouched
    assert site.query("select count(*) from main_snapshots.snp_hr__employees") == snapshot_rows
    other = site.query(
        f"select count(*) from main.dim_employee_history where employee_id = '{movers['other']}'"
    )
    assert other == [(1,)]

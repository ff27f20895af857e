"""``kill -9`` at every stage of a real run: nothing is lost, nothing needs a person.

Each test starts the installed ``mentorship run`` as a real process and has it
``SIGKILL`` itself at one point (``pipelines/failpoints.py``), exactly what
``kill -9`` does. Then: the last publication is still there, readable and
consistent; the warehouse opens and holds the last good run; the killed run's
folder said the truth when it died; and the next run succeeds without any
cleanup, recording the killed run (interrupted, or published when it died
after its commit).

The stage points run the whole pipeline up to the point. The publish points
are the same code whatever the stages, so those runs ingest only (seconds
instead of a minute each); so do the "next runs" that prove recovery. The
last test runs the whole real CLI once more after all the kills.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines import run_journal
from pipelines.context import PlainReporter
from pipelines.manifest import read_manifest
from pipelines.publish import published_manifest, published_run_dir, runs_root
from pipelines.run import run
from pipelines.run_history import past_runs
from pipelines.stages import ingest_stage
from pipelines.warehouse_build import leftover_builds
from tests.conftest import DemoSite

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
MENTORSHIP = Path(sys.executable).parent / "mentorship"

#: (failpoint, stages of the killed run: None = the whole pipeline, committed when killed)
POINTS = [
    ("ingest.source@3", None, False),
    ("stage.check_sources", None, False),
    ("dbt.node@100", None, False),
    ("stage.check_marts", None, False),
    ("stage.report", None, False),
    ("publish.before_swap", "ingest", False),
    ("publish.warehouse_swapped", "ingest", True),
    ("publish.renamed", "ingest", True),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, published_demo: DemoSite) -> DemoSite:
    return published_demo.copy(tmp_path_factory.mktemp("crash") / "site")


def cli_run(
    site: DemoSite, stages: str | None, failpoint: str | None, log: Path
) -> subprocess.CompletedProcess[bytes]:
    """``mentorship run --force`` on the site's drop, output to ``log``."""
    command = (
        [str(MENTORSHIP)]
        if stages is None
        else [sys.executable, "-m", "tests.cli_with_stages", stages]
    )
    command += [
        "run",
        "--inbox",
        str(site.drop),
        "--out",
        str(site.out),
        "--warehouse",
        str(site.warehouse),
        "--force",
    ]
    env = {k: v for k, v in os.environ.items() if k != "MENTORSHIP_FAILPOINT"}
    if failpoint:
        env["MENTORSHIP_FAILPOINT"] = failpoint
    with log.open("w") as fh:
        return subprocess.run(
            command, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO, env=env, timeout=900
        )


def snapshot(out: Path) -> dict[str, Any]:
    """What a reader of the publication sees: its run folder and every file's hash."""
    target = published_run_dir(out)
    assert target is not None
    return {
        "target": target,
        "files": {
            str(p.relative_to(target)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(target.rglob("*"))
            if p.is_file()
        },
    }


def assert_consistent(out: Path) -> None:
    """The publication is readable and agrees with itself."""
    target = published_run_dir(out)
    manifest = published_manifest(out)
    assert target is not None and manifest is not None
    assert manifest["run_id"] == target.name
    assert manifest["status"] in ("published", "publishing")
    for name, rel in manifest["outputs"].items():
        assert (target / rel).is_file(), name
    if (target / "kpis.json").exists():
        assert json.loads((target / "kpis.json").read_text())["as_of"] == manifest["as_of"]


def warehouse_runs(warehouse: Path) -> dict[str, str]:
    """Run id -> status in the warehouse's audit.runs, read as an analyst would."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("select count(*) from raw.employees").fetchone()
        return dict(con.execute("select run_id, status from audit.runs").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize(("point", "stages", "committed"), POINTS, ids=[p[0] for p in POINTS])
def test_kill_9_leaves_the_publication_and_the_next_run_needs_no_cleanup(
    site: DemoSite, tmp_path: Path, point: str, stages: str | None, committed: bool
) -> None:
    before = snapshot(site.out)
    assert_consistent(site.out)
    recorded_before = warehouse_runs(site.warehouse)
    folders_before = set(runs_root(site.out).iterdir())
    done = cli_run(site, stages, point, tmp_path / "killed.log")
    assert done.returncode == -signal.SIGKILL, (tmp_path / "killed.log").read_text()[-3000:]
    (killed,) = set(runs_root(site.out).iterdir()) - folders_before

    # The killed run's folder said the truth when the process died.
    manifest = read_manifest(killed / "manifest.json")
    assert manifest is not None
    assert manifest["status"] == ("publishing" if point.startswith("publish.") else "running")
    # The last publication is untouched, or (killed after its rename) the new one; readable.
    if point == "publish.renamed":
        assert published_run_dir(site.out) == killed
    else:
        assert snapshot(site.out) == before
    assert_consistent(site.out)
    # The warehouse opens, and holds the killed run only once it was committed.
    recorded = warehouse_runs(site.warehouse)
    assert (killed.name in recorded) == committed
    assert set(recorded_before) <= set(recorded)

    # The next run succeeds without anyone cleaning up.
    ctx = run(
        site.drop,
        site.out,
        site.warehouse,
        reporter=PlainReporter(lambda _m: None),
        stages=[("ingest", ingest_stage)],
    )
    assert published_run_dir(site.out) == ctx.run_dir
    assert_consistent(site.out)
    status = "published" if committed else "interrupted"
    final = read_manifest(killed / "manifest.json")
    assert final is not None and final["status"] == status
    assert {r["run_id"]: r["status"] for r in past_runs(site.warehouse)}[killed.name] == status
    assert warehouse_runs(site.warehouse)[killed.name] == status
    assert not leftover_builds(site.warehouse)
    assert run_journal.entries(site.warehouse) == []
    assert any("took over the lock" in w for w in ctx.warnings)


def test_after_the_kills_the_real_cli_publishes_the_drop(site: DemoSite, tmp_path: Path) -> None:
    done = cli_run(site, None, None, tmp_path / "run.log")
    output = (tmp_path / "run.log").read_text()
    assert done.returncode == 0, output[-3000:]
    manifest = published_manifest(site.out)
    assert manifest is not None and manifest["status"] == "published"
    assert (published_run_dir(site.out) / "program_impact.html").exists()  # type: ignore[operator]
    assert_consistent(site.out)
    listed = subprocess.run(
        [str(MENTORSHIP), "runs", "--warehouse", str(site.warehouse), "--last", "100"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listed.count("\tinterrupted\t") >= 6
    assert not leftover_builds(site.warehouse) and run_journal.entries(site.warehouse) == []

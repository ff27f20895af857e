"""End to end: ``mentorship demo`` then ``mentorship ingest`` on a small organisation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.contract import SOURCES


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "demo", "--employees", "800", "--seed", "3",
         "--as-of", "2026-11-25", "--out", str(inbox), "--bad-row-share", "0.01"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return inbox


@pytest.fixture(scope="module")
def ingested(demo_inbox: Path) -> Path:
    warehouse = demo_inbox.parent / "warehouse.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", "--inbox", str(demo_inbox),
         "--warehouse", str(warehouse)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "employees" in result.stdout
    return warehouse


def test_demo_writes_every_source_and_a_ground_truth(demo_inbox):
    drop = demo_inbox / "2026-11-25"
    assert {p.stem for p in drop.glob("*.csv")} == {s.name for s in SOURCES}
    assert (demo_inbox / "ground_truth.json").exists()


def test_ingest_quarantines_exactly_the_planted_bad_rows(demo_inbox, ingested):
    truth = json.loads((demo_inbox / "ground_truth.json").read_text())
    planted = {src: sum(kinds.values()) for src, kinds in truth["planted_bad_rows"].items()}
    assert sum(planted.values()) > 0
    with duckdb.connect(str(ingested), read_only=True) as con:
        got = dict(con.execute("select source, rows_quarantined from raw.file_loads").fetchall())
    for source in got:
        assert got[source] == planted.get(source, 0), source


def test_ingest_conserves_rows_and_accepts_every_clean_row(demo_inbox, ingested):
    truth = json.loads((demo_inbox / "ground_truth.json").read_text())
    with duckdb.connect(str(ingested), read_only=True) as con:
        loads = con.execute(
            "select source, rows_read, rows_accepted, rows_quarantined from raw.file_loads"
        ).fetchall()
        for source, read, accepted, quarantined in loads:
            assert read == accepted + quarantined
            assert read == truth["rows"][source]["written"]
            assert accepted == truth["rows"][source]["clean"]
            (stored,) = con.execute(f"select count(*) from raw.{source}").fetchone()
            assert stored == accepted


def test_no_personal_data_reaches_the_warehouse(demo_inbox, ingested):
    names = {
        line.split(",")[1]
        for line in (demo_inbox / "2026-11-25" / "employees.csv").read_text().splitlines()[1:50]
    }
    with duckdb.connect(str(ingested), read_only=True) as con:
        columns = {
            r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw'"
            ).fetchall()
        }  # fmt: skip
        quarantine = " ".join(
            r[0] for r in con.execute("select original_values from raw.quarantine").fetchall()
        )
    assert not columns & {"full_name", "email", "comment"}
    assert not any(name and name in quarantine for name in names)

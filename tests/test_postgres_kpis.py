"""The same dbt models on PostgreSQL give DuckDB's kpis.json (issue 14).

A throwaway PostgreSQL server is started for it (tests/postgres_server.py;
``make test`` installs Debian's postgresql package when missing), or the one
given through MENTORSHIP_PG_HOST and its siblings is used (the database must
be disposable: its raw and main* schemas are replaced). The demo drop is
published once on DuckDB (the session's ``published_demo``), its raw schema
copied to PostgreSQL in bulk, dbt built there with ``--target postgres``, and
kpis.json written from PostgreSQL's kpi_summary must equal DuckDB's: values
and intervals within 1e-9, same n, same suppression, same availability.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.paths import project_dir
from tests.conftest import DEMO_AS_OF, DemoSite
from tests.reference.compare import assert_kpis_match, entry_key

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def postgres_env() -> Iterator[dict[str, str]]:
    """A throwaway PostgreSQL server (tests/postgres_server.py), for this module."""
    from tests.postgres_server import postgres_server

    try:
        server = postgres_server()
        settings = server.__enter__()
    except FileNotFoundError as exc:  # the machine lacks Debian's postgresql package
        pytest.skip(str(exc))
    try:
        yield settings
    finally:
        server.__exit__(None, None, None)


def _dbt_build_on_postgres(target_dir: Path) -> None:
    root = project_dir()
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt),
        "build",
        "--target",
        "postgres",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        json.dumps({"as_of": DEMO_AS_OF.isoformat()}),
        "--profiles-dir",
        str(root / "profiles"),
        "--project-dir",
        str(root),
        "--target-path",
        str(target_dir / "target"),
        "--log-path",
        str(target_dir / "logs"),
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:]


def test_postgres_kpis_equal_duckdb_kpis(
    published_demo: DemoSite,
    tmp_path: Path,
    postgres_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in postgres_env.items():
        monkeypatch.setenv(name, value)
    from pipelines import postgres

    pg = postgres.connect()
    try:
        counts = postgres.copy_raw_schema(published_demo.warehouse, pg)
        assert counts["employees"] > 0
        _dbt_build_on_postgres(tmp_path)
        out = postgres.write_kpis_json(pg, tmp_path / "kpis.json", DEMO_AS_OF)
    finally:
        pg.close()
    on_postgres: dict[str, Any] = json.loads(out.read_text())
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

"""Static checks that keep the dbt project buildable on PostgreSQL and Spark (issue 14).

- A unit test's name becomes a relation name on PostgreSQL, which allows at
  most 63 characters (longer names fail there, not on DuckDB).
- SQL fixtures list their numbers, ``(values (0), (1), (2)) as numbers
  (range)``, which every adapter reads: no table function (PostgreSQL has
  only ``generate_series``, Spark only ``range``).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipelines.paths import project_dir

POSTGRES_MAX_IDENTIFIER = 63


def _model_yaml_files() -> list[Path]:
    return sorted((project_dir() / "models").rglob("*.yml"))


def test_unit_test_names_fit_a_postgres_identifier() -> None:
    too_long = []
    for path in _model_yaml_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for unit_test in document.get("unit_tests") or []:
            if len(unit_test["name"]) > POSTGRES_MAX_IDENTIFIER:
                too_long.append(f"{path.name}: {unit_test['name']}")
    assert not too_long, too_long


def test_sql_fixtures_use_no_table_function() -> None:
    uses = [
        f"{path.name}:{number}"
        for path in _model_yaml_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bfrom\s+(range|generate_series)\s*\(", line)
    ]
    assert not uses, uses


def test_an_unreachable_postgres_server_fails_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    env = {**os.environ, "MENTORSHIP_PG_HOST": "127.0.0.1", "MENTORSHIP_PG_PORT": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.targets.postgres", "load", str(tmp_path / "w.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot connect to PostgreSQL")

"""``--target``: names, settings and what the run copies back from another target (issue 14).

The runs themselves are in tests/test_postgres_kpis.py (and the Spark one);
these are the quick checks around them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import InputError
from pipelines.paths import project_dir
from pipelines.run_config import load_run_config
from pipelines.targets import (
    COPIED_BACK_SCHEMAS,
    READ_OUTSIDE_MAIN,
    TARGETS,
    check_target,
    relations_read_downstream,
)
from pipelines.targets.postgres import duck_type

MENTORSHIP = Path(sys.executable).parent / "mentorship"


def test_duckdb_is_the_default_and_an_unknown_target_is_one_line() -> None:
    assert TARGETS[0] == "duckdb"
    assert check_target("postgres") == "postgres"
    with pytest.raises(InputError, match=r"--target 'oracle': unknown target \(one of duckdb"):
        check_target("oracle")


def test_the_cli_refuses_an_unknown_target_before_touching_anything(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    done = subprocess.run(
        [str(MENTORSHIP), "run", "--inbox", str(tmp_path / "inbox"), "--target", "oracle",
         "--out", str(tmp_path / "published")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "--target 'oracle': unknown target" in done.stderr + done.stdout
    assert not (tmp_path / "published").exists()


def test_a_config_file_names_the_target(tmp_path: Path) -> None:
    config = tmp_path / "mentorship.toml"
    config.write_text('inbox = "inbox"\ntarget = "postgres"\n')
    assert load_run_config(config).target == "postgres"
    config.write_text('target = "mysql"\n')
    with pytest.raises(InputError, match="target must be one of duckdb, postgres, spark"):
        load_run_config(config)


def _relations_read_by_checks() -> set[tuple[str, str]]:
    """Every main_staging / main_intermediate relation the checks' SQL names."""
    pattern = re.compile(r"\b(main_staging|main_intermediate)\.([a-z_0-9]+)")
    texts = [p.read_text() for p in (project_dir() / "expectations").rglob("*.json")]
    for package in ("pipelines/quality", "reports"):
        texts += [p.read_text() for p in (project_dir() / package).rglob("*.py")]
    found = {m.groups() for text in texts for m in pattern.finditer(text)}
    return {(schema, name) for schema, name in found if name not in {"", "int_"}}


def test_every_relation_the_checks_read_outside_main_is_copied_back() -> None:
    read = _relations_read_by_checks()
    assert read, "the scan found nothing: the pattern is wrong"
    assert read <= set(READ_OUTSIDE_MAIN), sorted(read - set(READ_OUTSIDE_MAIN))


def test_the_copy_back_takes_every_relation_built_in_main_and_the_snapshot(
    tmp_path: Path,
) -> None:
    def node(schema: str, name: str, kind: str = "model", materialized: str = "table") -> dict:
        return {
            "schema": schema,
            "name": name,
            "alias": name,
            "resource_type": kind,
            "config": {"materialized": materialized},
        }

    nodes = [
        node("main", "kpi_summary"),
        node("main", "kpi_catalog", "seed", "seed"),
        node("main_snapshots", "snp_hr__employees", "snapshot", "snapshot"),
        node("main_intermediate", "int_big_table"),
        node("main", "eph", materialized="ephemeral"),
        node("main", "not_null_kpi_summary_kpi", "test", "test"),
    ]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {str(i): n for i, n in enumerate(nodes)}}))
    relations = relations_read_downstream(manifest)
    assert ("main", "kpi_summary") in relations and ("main", "kpi_catalog") in relations
    assert ("main_snapshots", "snp_hr__employees") in relations
    assert ("main_intermediate", "int_big_table") not in relations  # not read downstream
    assert ("main", "eph") not in relations
    assert all(r in relations for r in READ_OUTSIDE_MAIN)
    assert {schema for schema, _ in relations} <= set(COPIED_BACK_SCHEMAS) | {
        schema for schema, _ in READ_OUTSIDE_MAIN
    }


@pytest.mark.parametrize(
    ("data_type", "udt", "integral", "expected"),
    [
        ("numeric", "numeric", True, "HUGEINT"),  # a sum of bigints
        ("numeric", "numeric", False, "DOUBLE"),
        ("numeric", "numeric", None, "DOUBLE"),  # only nulls
        ("bigint", "int8", None, "BIGINT"),
        ("timestamp without time zone", "timestamp", None, "TIMESTAMP"),
        ("ARRAY", "_text", None, "VARCHAR[]"),
        ("boolean", "bool", None, "BOOLEAN"),
    ],
)
def test_postgres_types_come_back_as_duckdb_types(
    data_type: str, udt: str, integral: bool | None, expected: str
) -> None:
    assert duck_type(data_type, udt, integral) == expected


def test_a_postgres_type_without_a_duckdb_type_is_named() -> None:
    from pipelines.errors import PipelineError

    with pytest.raises(PipelineError, match="PostgreSQL type interval has no DuckDB type"):
        duck_type("interval", "interval", None)

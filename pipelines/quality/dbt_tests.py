"""dbt's own tests (run by the transform stage's ``dbt build``) as check results.

The transform stage leaves dbt's per-node results in ``ctx.dbt_result``
(:class:`pipelines.transform.dbt_runner.DbtResult`). Every data test and unit
test becomes one check of the suite ``dbt``, in the same results table as the
GX suites. dbt's status decides the severity: ``warn`` (a test configured
with ``severity: warn`` that found rows) is a ``warning``; ``fail``, ``error``
and ``skipped`` (a test that guarded nothing because its model failed) are
``critical``.

For the Data Docs a test is shown as GX's ``unexpected_rows_expectation``
with dbt's compiled test SQL (read from the run's ``run_results.json``): a dbt
data test *is* a query for the failing rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.quality.expectation import Expectation
from pipelines.quality.results import CheckResult

SUITE = "dbt"
TEST_TYPES = ("test", "unit_test")


def _compiled_sql(target_dir: Path | None) -> dict[str, str]:
    """unique_id -> compiled SQL, from dbt's run_results.json when it is there."""
    path = target_dir / "run_results.json" if target_dir else None
    if path is None or not path.exists():
        return {}
    results = json.loads(path.read_text()).get("results", [])
    return {r["unique_id"]: r["compiled_code"] for r in results if r.get("compiled_code")}


def _config(node: Any, severity: str, sql: str | None) -> Expectation:
    return Expectation(
        type="unexpected_rows_expectation",
        kwargs={"unexpected_rows_query": sql or f"-- {node.unique_id}: compiled SQL not recorded"},
        meta={"check": node.name, "dbt_unique_id": node.unique_id},
        description=f"dbt {node.resource_type.replace('_', ' ')} {node.name}",
        severity=severity,  # type: ignore[arg-type]
    )


def dbt_test_results(dbt_result: Any, target_dir: Path | None = None) -> list[CheckResult]:
    """One check result per dbt data test and unit test (none when dbt did not run).

    ``target_dir`` is dbt's target folder of the run (for the compiled SQL).
    """
    if dbt_result is None:
        return []
    compiled = _compiled_sql(target_dir)
    results = []
    for node in dbt_result.nodes:
        if node.resource_type not in TEST_TYPES:
            continue
        status = str(node.status)
        severity = "warning" if status == "warn" else "critical"
        error = None
        if status in ("error", "skipped"):
            error = f"dbt {status}: {node.message or 'no message'}"
        failures = node.failures if status in ("pass", "fail", "warn") else None
        results.append(
            CheckResult(
                stage="marts",
                suite=SUITE,
                table="dbt_build",
                check=node.name,
                expectation_type=f"dbt_{node.resource_type}",
                severity=severity,
                description=f"dbt {node.resource_type.replace('_', ' ')} {node.unique_id}",
                success=status == "pass",
                observed_value=status,
                element_count=None,
                unexpected_count=failures,
                sample=[],
                kwargs={"unique_id": node.unique_id},
                error=error,
                result={"observed_value": failures if failures is not None else status},
                config=_config(node, severity, compiled.get(node.unique_id)),
            )
        )
    return results

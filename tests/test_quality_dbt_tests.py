"""dbt's data tests and unit tests join the run's check results with a severity."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.quality.dbt_tests import dbt_test_results
from pipelines.transform.dbt_runner import DbtResult, NodeResult


def _node(
    name: str, status: str, resource_type: str = "test", failures: int | None = 0
) -> NodeResult:
    return NodeResult(
        unique_id=f"{resource_type}.mentorship.{name}",
        name=name,
        resource_type=resource_type,
        status=status,
        message=None if status == "pass" else f"{status} message",
        failures=failures,
        execution_time=0.1,
    )


def _result(*nodes: NodeResult) -> DbtResult:
    return DbtResult(command=["build"], success=True, elapsed_seconds=1.0, nodes=list(nodes))


def test_every_data_and_unit_test_becomes_a_check_and_models_do_not() -> None:
    results = dbt_test_results(
        _result(
            _node("kpi_summary", "success", resource_type="model", failures=None),
            _node("unique_dim_employees_employee_id", "pass"),
            _node("test_kaplan_meier_censors_at_d", "pass", resource_type="unit_test"),
        )
    )
    assert [(r.suite, r.check, r.success) for r in results] == [
        ("dbt", "unique_dim_employees_employee_id", True),
        ("dbt", "test_kaplan_meier_censors_at_d", True),
    ]


def test_a_failing_test_is_critical_with_its_failure_count() -> None:
    (result,) = dbt_test_results(
        _result(_node("not_null_fct_matches_match_id", "fail", failures=4))
    )
    assert (result.success, result.severity, result.unexpected_count) == (False, "critical", 4)
    assert result.blocking
    assert result.message() == "dbt not_null_fct_matches_match_id (4 unexpected)"


def test_a_warn_test_is_a_warning_and_a_skipped_test_is_critical() -> None:
    warn, skipped = dbt_test_results(
        _result(_node("soft_rule", "warn", failures=2), _node("orphan", "skipped", failures=None))
    )
    assert (warn.severity, warn.success, warn.blocking) == ("warning", False, False)
    assert (skipped.severity, skipped.success, skipped.error) == (
        "critical",
        False,
        "dbt skipped: skipped message",
    )


def test_the_data_docs_show_dbts_compiled_sql(tmp_path: Path) -> None:
    sql = "select * from main.dim_employees where employee_id is null"
    (tmp_path / "run_results.json").write_text(
        json.dumps({"results": [{"unique_id": "test.mentorship.nn", "compiled_code": sql}]})
    )
    (result,) = dbt_test_results(_result(_node("nn", "pass")), tmp_path)
    assert result.config is not None
    assert result.config.kwargs["unexpected_rows_query"] == sql


def test_no_dbt_run_means_no_dbt_checks() -> None:
    assert dbt_test_results(None) == []

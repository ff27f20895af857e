"""Check results: one record per check, as stored, published and rendered.

A :class:`CheckResult` is what an auditor reads (suite, check, severity,
success, observed value, unexpected count, failing keys). The same record
becomes a GX ``ExpectationValidationResult`` for the Data Docs, a row of
``audit.check_results``, an entry of the manifest's ``checks`` and of
``quality/results.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipelines.quality.expectation import Expectation
from pipelines.quality.sql_engine import Outcome, evaluate_suite, jsonable
from pipelines.quality.suites import Suite, check_name, severity_of


@dataclass
class CheckResult:
    """The outcome of one check of one run."""

    stage: str
    suite: str
    table: str
    check: str
    expectation_type: str
    severity: str
    description: str
    success: bool
    observed_value: Any
    element_count: int | None
    unexpected_count: int | None
    sample: list[dict[str, Any]]
    kwargs: dict[str, Any]
    #: Set when the check could not be evaluated (counts as a failure).
    error: str | None = None
    #: GX's result dict, for rendering.
    result: dict[str, Any] = field(default_factory=dict)
    config: Expectation | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        return not self.success

    @property
    def blocking(self) -> bool:
        """A failed critical check: the run must not publish."""
        return self.failed and self.severity == "critical"

    def message(self) -> str:
        """One line naming the check, e.g. ``raw.employees employee_id unique (3 unexpected)``."""
        if self.error:
            detail = f"could not be evaluated: {self.error}"
        elif self.unexpected_count is not None:
            detail = f"{self.unexpected_count} unexpected"
        else:
            detail = f"observed {json.dumps(jsonable(self.observed_value), default=str)}"
        return f"{self.suite} {self.check} ({detail})"

    def record(self) -> dict[str, Any]:
        """The JSON record of ``quality/results.json``."""
        return {
            "stage": self.stage,
            "suite": self.suite,
            "table": self.table,
            "check": self.check,
            "expectation_type": self.expectation_type,
            "severity": self.severity,
            "success": self.success,
            "observed_value": jsonable(self.observed_value),
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "failing_keys_sample": jsonable(self.sample),
            "description": self.description,
            "kwargs": jsonable(self.kwargs),
            "error": self.error,
            # what the GX Data Docs need to render the check later
            # (results_from_json, ``mentorship data-docs``)
            "expectation": jsonable(asdict(self.config)) if self.config else None,
            "result": jsonable(self.result),
        }

    def manifest_entry(self) -> dict[str, Any]:
        """The compact entry of ``manifest.json``'s ``checks``."""
        return {
            "suite": self.suite,
            "check": self.check,
            "severity": self.severity,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "observed_value": jsonable(self.observed_value)
            if not isinstance(self.observed_value, list)
            else None,
            "error": self.error,
        }


def result_from_outcome(
    stage: str, suite: Suite, config: Expectation, outcome: Outcome
) -> CheckResult:
    """Attach the suite's identity and the expectation's severity to an outcome."""
    return CheckResult(
        stage=stage,
        suite=suite.name,
        table=suite.table,
        check=check_name(config),
        expectation_type=config.type,
        severity=severity_of(config),
        description=config.description or "",
        success=outcome.success and outcome.error is None,
        observed_value=outcome.observed_value,
        element_count=outcome.element_count,
        unexpected_count=outcome.unexpected_count,
        sample=outcome.sample,
        kwargs=dict(config.kwargs),
        error=outcome.error,
        result=outcome.result,
        config=config,
    )


def run_suite(con: Any, suite: Suite, stage: str) -> list[CheckResult]:
    """Evaluate a suite in the warehouse and return its check results."""
    outcomes = evaluate_suite(con, suite)
    return [
        result_from_outcome(stage, suite, config, outcome)
        for config, outcome in zip(suite.expectations, outcomes, strict=True)
    ]


def results_from_json(path: Path) -> tuple[str, list[CheckResult]]:
    """The run id and check results of a ``quality/results.json``, as the run had them."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    results = []
    for r in payload["checks"]:
        config = _expectation_of(r)
        results.append(
            CheckResult(
                stage=r["stage"],
                suite=r["suite"],
                table=r["table"],
                check=r["check"],
                expectation_type=r["expectation_type"],
                severity=r["severity"],
                description=r["description"],
                success=r["success"],
                observed_value=r["observed_value"],
                element_count=r["element_count"],
                unexpected_count=r["unexpected_count"],
                sample=r["failing_keys_sample"],
                kwargs=r["kwargs"],
                error=r["error"],
                result=r.get("result") or {"observed_value": r["observed_value"]},
                config=config,
            )
        )
    return str(payload["run_id"]), results


def _expectation_of(record: dict[str, Any]) -> Expectation:
    """The check's expectation as recorded (or, in a results file from before it was
    recorded, rebuilt from the check: a dbt test is an unexpected-rows query)."""
    if record.get("expectation"):
        return Expectation(**record["expectation"])
    kind = str(record["expectation_type"])
    if kind.startswith("dbt_"):
        return Expectation(
            type="unexpected_rows_expectation",
            kwargs={"unexpected_rows_query": f"-- {record['kwargs'].get('unique_id')}"},
            meta={"check": record["check"]},
            description=record["description"],
            severity=record["severity"],
        )
    return Expectation(
        type=kind,
        kwargs=record["kwargs"],
        meta={"check": record["check"]},
        description=record["description"],
        severity=record["severity"],
    )


def write_results_json(
    path: Path,
    run_id: str,
    as_of: str,
    results: list[CheckResult],
    metrics: dict[str, Any],
    kpi_sources: dict[str, list[dict[str, Any]]],
) -> None:
    """Write every check of the run, the metrics drift compares and each KPI's input files."""
    failed = [r for r in results if r.failed]
    payload = {
        "run_id": run_id,
        "as_of": as_of,
        "summary": {
            "checks": len(results),
            "passed": len(results) - len(failed),
            "failed_critical": sum(r.severity == "critical" for r in failed),
            "failed_warning": sum(r.severity == "warning" for r in failed),
        },
        "metrics": jsonable(metrics),
        "checks": [r.record() for r in results],
        "kpi_sources": kpi_sources,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")

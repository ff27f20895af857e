"""One expectation of a suite, as our SQL engine reads it, without importing GX.

GX's ``ExpectationConfiguration`` carries the same fields (type, kwargs,
meta, description, severity), but importing great_expectations takes about
4 seconds, as much as a night's whole transform at 100,000 employees. The
nightly checks need only the fields; GX itself is imported where it renders
(the Data Docs, :mod:`pipelines.quality.data_docs`), which converts with
:meth:`Expectation.to_gx`. ``tests/test_quality_suites.py`` builds every
suite's expectations with GX's own class too, so a suite GX would refuse
still fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expectation:
    """An expectation's configuration (GX's ExpectationConfiguration fields)."""

    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    #: ``critical`` or ``warning`` (GX's FailureSeverity values).
    severity: str = "critical"

    def to_gx(self) -> Any:
        """The same configuration as GX's own ``ExpectationConfiguration`` (imports GX)."""
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        return ExpectationConfiguration(
            type=self.type,
            kwargs=self.kwargs,
            meta=self.meta,
            description=self.description,
            severity=self.severity,  # type: ignore[arg-type]
        )

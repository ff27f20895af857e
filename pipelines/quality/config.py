"""Thresholds and severities of the volume and drift checks (``expectations/checks.yml``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from pipelines.errors import PipelineError
from pipelines.quality.suites import EXPECTATIONS_DIR, SEVERITIES

CHECKS_FILE = EXPECTATIONS_DIR / "checks.yml"

#: The issue's defaults; checks.yml overrides them key by key.
DEFAULTS: dict[str, dict[str, Any]] = {
    "source_volume": {"max_change_share": 0.20, "severity": "warning"},
    "source_disappeared": {"severity": "critical"},
    "headcount_drop": {"max_drop_share": 0.10, "severity": "critical"},
    "kpi_jump": {"max_abs_change": 0.10, "severity": "warning", "per_kpi": {}},
}

#: When a night renders the GX Data Docs of its checks (``data_docs:`` in
#: checks.yml): ``on_failure`` (a night that fails a critical check, so its
#: folder shows why) or ``always``. Any run's Data Docs can be rendered later
#: from its results: ``mentorship data-docs RUN_FOLDER``.
DATA_DOCS_WHEN = ("on_failure", "always")


@dataclass(frozen=True)
class KpiLimit:
    """How far one KPI may move between two published runs."""

    max_abs_change: float | None
    max_change_share: float | None


@dataclass(frozen=True)
class DriftConfig:
    """The drift checks' settings, validated."""

    settings: dict[str, dict[str, Any]]
    #: :data:`DATA_DOCS_WHEN`.
    data_docs: str = "on_failure"

    def severity(self, check: str) -> str:
        return str(self.settings[check]["severity"])

    def value(self, check: str, key: str) -> float:
        return float(self.settings[check][key])

    def kpi_limit(self, kpi: str) -> KpiLimit:
        """The KPI's own limit, else the default absolute change."""
        own = self.settings["kpi_jump"]["per_kpi"].get(kpi)
        if own:
            return KpiLimit(own.get("max_abs_change"), own.get("max_change_share"))
        return KpiLimit(self.value("kpi_jump", "max_abs_change"), None)


def load_config(path: Path = CHECKS_FILE) -> DriftConfig:
    """Read checks.yml over the defaults; a bad value fails the run with its name."""
    settings = copy.deepcopy(DEFAULTS)
    data = dict(yaml.safe_load(path.read_text()) or {}) if path.exists() else {}
    data_docs = data.pop("data_docs", "on_failure")
    if data_docs not in DATA_DOCS_WHEN:
        raise PipelineError(
            f"{path}: data_docs is {data_docs!r}; use {' or '.join(DATA_DOCS_WHEN)}"
        )
    for check, values in data.items():
        if check not in settings:
            raise PipelineError(f"{path}: unknown check {check!r} (known: {', '.join(settings)})")
        settings[check].update(values or {})
    for check, values in settings.items():
        if values["severity"] not in SEVERITIES:
            raise PipelineError(
                f"{path}: {check}.severity is {values['severity']!r}; use critical or warning"
            )
        for key, value in values.items():
            if key.startswith("max_") and not (isinstance(value, int | float) and value >= 0):
                raise PipelineError(f"{path}: {check}.{key} must be a number >= 0, not {value!r}")
    for kpi, limit in settings["kpi_jump"]["per_kpi"].items():
        if not set(limit) <= {"max_abs_change", "max_change_share"} or not limit:
            raise PipelineError(
                f"{path}: kpi_jump.per_kpi.{kpi} takes max_abs_change and/or max_change_share"
            )
    return DriftConfig(settings, data_docs)

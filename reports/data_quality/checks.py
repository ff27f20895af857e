"""Checks of this run: the manifest's check tallies and every check's result."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from reports.data_quality.cells import cells
from reports.formatting import format_count
from reports.page import Column, paragraph, plain_tile, table, text_cell, tiles, unavailable_note


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def checks(manifest: dict[str, Any]) -> list[Markup]:
    """Tallies of the run's checks, and the checks, failed first."""
    checks = manifest.get("checks") or []
    if not checks:
        return [unavailable_note("the run recorded no quality checks")]
    failed = [c for c in checks if not c.get("success")]
    counts = {
        "checks": len(checks),
        "passed": len(checks) - len(failed),
        "failed_critical": sum(c.get("severity") == "critical" for c in failed),
        "failed_warning": sum(c.get("severity") != "critical" for c in failed),
    }
    labels = {
        "checks": "Checks run",
        "passed": "Passed",
        "failed_critical": "Failed (critical)",
        "failed_warning": "Failed (warning)",
    }
    summary = tiles(plain_tile(key, labels[key], value) for key, value in counts.items())
    ordered = sorted(
        checks, key=lambda c: (bool(c.get("success")), str(c.get("suite")), str(c.get("check")))
    )
    rows = [
        [
            text_cell(c.get("suite")),
            text_cell(c.get("check")),
            text_cell(c.get("severity")),
            cells().result_cell(bool(c.get("success"))),
            text_cell(format_count(c.get("unexpected_count")), numeric=True),
            text_cell(c.get("error") or _short(c.get("observed_value"))),
        ]
        for c in ordered
    ]
    return [
        summary,
        paragraph("Failed checks first. A failed critical check stops a run from publishing."),
        table(
            [
                Column("Suite"),
                Column("Check"),
                Column("Severity"),
                Column("Result"),
                Column("Unexpected", True),
                Column("Observed / error"),
            ],
            rows,
            table_id="checks",
            raw_cells=True,
            scroll=len(rows) > 30,
        ),
    ]

"""The auditors' report: what the run read, what it set aside, what it checked.

Built from the same records as ``manifest.json`` (the manifest dict is passed
in: its check tallies are counted here, they are a listing, not a KPI), the
marts over the run's file loads and quarantine (``mart_source_row_counts``,
``mart_quarantine_reasons``, ``mart_quarantine_rows``), and the check history
in ``audit.check_results``. Quarantine samples show the file, the line
and the row's ids only: enough to find the row in the export, nothing about
the person.

One module per section of the page, as for the leadership report
(``reports/program_impact/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from reports import queries
from reports.data_quality.checks import checks
from reports.data_quality.history import HISTORY_MARKS, HISTORY_RUNS, history
from reports.data_quality.links import DBT_DOCS, GX_DATA_DOCS, links
from reports.data_quality.manifest import manifest
from reports.data_quality.quarantine import quarantine
from reports.data_quality.reconciliation import reconciliation
from reports.page import Page, RunInfo

__all__ = [
    "DBT_DOCS",
    "GX_DATA_DOCS",
    "HISTORY_MARKS",
    "HISTORY_RUNS",
    "TITLE",
    "QualityData",
    "build",
    "load",
    "render",
]

TITLE = "Data quality and audit trail"


@dataclass(frozen=True)
class QualityData:
    """Everything the data-quality report shows."""

    manifest: dict[str, Any]
    loads: pd.DataFrame
    reasons: pd.DataFrame
    samples: pd.DataFrame
    history: pd.DataFrame
    failures_by_run: pd.DataFrame
    links: dict[str, bool]


def load(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], run_dir: Path) -> QualityData:
    """Read the report's data for the manifest's run."""
    run_id = str(manifest["run_id"])
    return QualityData(
        manifest=manifest,
        loads=queries.file_loads(con, run_id),
        reasons=queries.quarantine_reasons(con, run_id),
        samples=queries.quarantine_samples(con, run_id),
        history=queries.check_history(con, HISTORY_RUNS),
        failures_by_run=queries.check_failures_by_run(con, HISTORY_RUNS),
        links={path: (run_dir / path).exists() for path in (GX_DATA_DOCS, DBT_DOCS)},
    )


def build(
    con: duckdb.DuckDBPyConnection, run: RunInfo, manifest: dict[str, Any], run_dir: Path
) -> str:
    """The report's HTML."""
    return render(load(con, manifest, run_dir), run)


def render(data: QualityData, run: RunInfo) -> str:
    """Assemble the page from loaded data."""
    page = Page(
        title=TITLE,
        subtitle="For auditors: the run's manifest, row reconciliation per source, "
        "quarantined rows, and every quality check with its history.",
        run=run,
        report_id="data_quality",
    )
    page.section("Documentation", links(data.links), anchor="links")
    page.section("The run", *manifest(data.manifest), anchor="manifest")
    page.section("Row reconciliation", *reconciliation(page, data), anchor="reconciliation")
    page.section("Quarantine", *quarantine(data), anchor="quarantine")
    page.section("Checks of this run", *checks(data.manifest), anchor="checks")
    page.section(
        "Check history", *history(page, data.history, data.failures_by_run), anchor="history"
    )
    return page.render()

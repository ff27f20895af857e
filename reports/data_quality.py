"""The auditors' report: what the run read, what it set aside, what it checked.

Built from the same records as ``manifest.json`` (the manifest dict is passed
in: its check tallies are counted here, they are a listing, not a KPI), the
marts over the run's file loads and quarantine (``mart_source_row_counts``,
``mart_quarantine_reasons``, ``mart_quarantine_rows``), and the check history
in ``audit.check_results``. Quarantine samples show the file, the line
and the row's ids only: enough to find the row in the export, nothing about
the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette, queries
from reports.formatting import format_count
from reports.page import (
    Column,
    Page,
    RunInfo,
    heading,
    paragraph,
    plain_tile,
    table,
    text_cell,
    tiles,
    unavailable_note,
)
from reports.templating import macros
from reports.templating import render as render_template

TITLE = "Data quality and audit trail"

#: Where the run folder keeps the other documentation the report links to.
GX_DATA_DOCS = "quality/data_docs/index.html"
DBT_DOCS = "dbt_docs.html"
#: How many past runs the check history shows.
HISTORY_RUNS = 30
#: Runs shown as pass/fail marks per check in the history table.
HISTORY_MARKS = 12


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
    page.section("Documentation", _links(data.links), anchor="links")
    page.section("The run", *_manifest(data.manifest), anchor="manifest")
    page.section("Row reconciliation", *_reconciliation(page, data), anchor="reconciliation")
    page.section("Quarantine", *_quarantine(data), anchor="quarantine")
    page.section("Checks of this run", *_checks(data.manifest), anchor="checks")
    page.section(
        "Check history", *_history(page, data.history, data.failures_by_run), anchor="history"
    )
    return page.render()


def _cells() -> Any:
    return macros("data_quality/cells.html")


def _links(links: dict[str, bool]) -> Markup:
    return render_template(
        "data_quality/links.html",
        links=[
            (path, label, bool(links.get(path)))
            for path, label in (
                (GX_DATA_DOCS, "Great Expectations Data Docs: every expectation and its result"),
                (DBT_DOCS, "dbt docs: every model, column description and lineage"),
            )
        ],
    )


def _manifest(manifest: dict[str, Any]) -> list[Markup]:
    code = manifest.get("code") or {}
    deps = manifest.get("dependencies") or {}
    facts = [
        ("Run id", manifest.get("run_id")),
        ("As-of date", manifest.get("as_of")),
        ("Status", manifest.get("status") or "publishing"),
        ("Started", manifest.get("started_at")),
        ("Code version", code.get("version")),
        ("Git commit", code.get("git_commit") or "not a git checkout"),
        ("Drop folder", manifest.get("drop")),
        ("Warehouse", manifest.get("warehouse")),
        (
            "Sources not exported",
            ", ".join(manifest.get("sources_not_exported") or []) or "none",
        ),
        ("Unknown files (not read)", ", ".join(manifest.get("unknown_files") or []) or "none"),
    ]
    # A fact the run has not recorded (yet) is left out rather than shown blank.
    rows = [(name, str(value)) for name, value in facts if value is not None]
    dep_rows = [(name, str(version)) for name, version in sorted(deps.items())]
    stage_rows = [
        (name, f"{seconds:.2f}") for name, seconds in (manifest.get("stage_seconds") or {}).items()
    ]
    blocks = [table([Column("Fact"), Column("Value")], rows, table_id="manifest-facts")]
    if dep_rows:
        blocks.append(heading("Dependency versions"))
        blocks.append(table([Column("Package"), Column("Version")], dep_rows, table_id="deps"))
    if stage_rows:
        blocks.append(heading("Stage durations"))
        blocks.append(
            table([Column("Stage"), Column("Seconds", True)], stage_rows, table_id="stages")
        )
    return blocks


def _reconciliation(page: Page, data: QualityData) -> list[Markup]:
    intro = paragraph(
        "Every source file: rows read must equal rows accepted plus rows quarantined; the "
        "accepted rows must all be in the warehouse; the manifest's record must agree with "
        "the warehouse's load log."
    )
    if data.loads.empty:
        return [intro, unavailable_note("the warehouse has no load records for this run")]
    by_source = {s.get("source"): s for s in data.manifest.get("sources", [])}
    rows = []
    for r in data.loads.itertuples(index=False):
        record = by_source.get(r.source, {})
        agrees = (
            record.get("sha256") == r.sha256
            and record.get("rows_read") == r.rows_read
            and record.get("rows_accepted") == r.rows_accepted
            and record.get("rows_quarantined") == r.rows_quarantined
        )
        rows.append(
            [
                text_cell(r.source),
                text_cell(Path(str(r.source_file)).name),
                text_cell(r.file_format),
                text_cell(format_count(r.rows_read), numeric=True),
                text_cell(format_count(r.rows_accepted), numeric=True),
                text_cell(format_count(r.rows_quarantined), numeric=True),
                _cells().mark_cell(r.rows_read == r.rows_accepted + r.rows_quarantined),
                text_cell(format_count(r.rows_in_warehouse), numeric=True),
                _cells().mark_cell(r.rows_in_warehouse == r.rows_accepted),
                _cells().mark_cell(agrees),
                text_cell(", ".join(r.ignored_columns) or "none"),
                text_cell(", ".join(r.dropped_personal_columns) or "none"),
            ]
        )
    blocks = [
        intro,
        table(
            [
                Column("Source"),
                Column("File"),
                Column("Format"),
                Column("Read", True),
                Column("Accepted", True),
                Column("Quarantined", True),
                Column("Read = accepted + quarantined"),
                Column("In warehouse", True),
                Column("Warehouse = accepted"),
                Column("Manifest agrees"),
                Column("Ignored columns"),
                Column("Personal columns dropped"),
            ],
            rows,
            table_id="reconciliation",
            raw_cells=True,
        ),
    ]
    fig = charts.figure(
        [
            go.Bar(
                name="Quarantined",
                y=data.loads["source"].tolist(),
                x=charts.values(data.loads["rows_quarantined"].tolist()),
                orientation="h",
                marker={"color": palette.VERMILLION},
                hovertemplate="%{y}: %{x:,} rows quarantined<extra></extra>",
            )
        ],
        height=60 + 28 * len(data.loads),
        margin={"l": 150, "r": 20, "t": 10, "b": 40},
        xaxis={"title": {"text": "Rows quarantined"}},
        yaxis={"autorange": "reversed"},
    )
    blocks.append(page.figure(fig, "quarantined-by-source", "Rows quarantined per source file."))
    return blocks


def _quarantine(data: QualityData) -> list[Markup]:
    if data.reasons.empty:
        return [paragraph("No row was quarantined in this run.")]
    rows = [
        [
            str(r.source),
            str(r.column_name),
            str(r.reason_kind),
            format_count(r.n_rows),
            str(r.first_line),
            str(r.example_reason),
        ]
        for r in data.reasons.itertuples(index=False)
    ]
    samples = [
        [
            str(r.source),
            Path(str(r.source_file)).name,
            str(r.line_number),
            str(r.reason),
            str(r.ids),
        ]
        for r in data.samples.itertuples(index=False)
    ]
    return [
        paragraph(
            "Rows set aside because they break the export contract, grouped by source, "
            "column and kind of problem (the offending value replaced by …), with an example."
        ),
        table(
            [
                Column("Source"),
                Column("Column"),
                Column("Reason"),
                Column("Rows", True),
                Column("First line", True),
                Column("Example"),
            ],
            rows,
            table_id="quarantine-reasons",
            scroll=len(rows) > 30,
        ),
        heading("Sample rows (ids only)"),
        paragraph(
            "Up to five rows per source and kind of problem: the file line and the row's ids, "
            "to find it in the export. Other values are not shown.",
            "note",
        ),
        table(
            [
                Column("Source"),
                Column("File"),
                Column("Line", True),
                Column("Reason"),
                Column("Ids"),
            ],
            samples,
            table_id="quarantine-samples",
            scroll=len(samples) > 30,
        ),
    ]


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _checks(manifest: dict[str, Any]) -> list[Markup]:
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
            _cells().result_cell(bool(c.get("success"))),
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


def _history(page: Page, history: pd.DataFrame, per_run: pd.DataFrame) -> list[Markup]:
    if history.empty:
        return [unavailable_note("no check results are recorded in the warehouse yet")]
    runs = per_run["run_id"].tolist()
    fig = charts.figure(
        [
            go.Bar(
                name=label,
                x=runs,
                y=charts.values(per_run[column].tolist()),
                marker={"color": palette.STATUS_COLOURS[status]},
                marker_line={"color": "#555555", "width": 0.5},
                hovertemplate="%{x}: %{y} failed<extra>" + label + "</extra>",
            )
            for column, status, label in (
                ("n_failed_critical", "failed", "Failed (critical)"),
                ("n_failed_warning", "warning", "Failed (warning)"),
            )
        ],
        barmode="stack",
        legend={"traceorder": "normal", "y": 1.02, "yanchor": "bottom"},
        xaxis={"type": "category", "tickangle": -30, "title": {"text": "Run"}},
        yaxis={"title": {"text": "Failed checks"}, "rangemode": "tozero"},
        height=380,
        margin={"b": 130, "t": 50},
    )
    recent = runs[-HISTORY_MARKS:]
    marks = []
    for (suite, check), group in history.groupby(["suite", "check"], sort=True):
        outcome = dict(zip(group["run_id"], group["success"], strict=True))
        glyphs = "".join(
            "·" if run not in outcome else ("✓" if outcome[run] else "✗") for run in recent
        )
        severity = str(group["severity"].iloc[-1])
        marks.append([str(suite), str(check), severity, glyphs])
    return [
        paragraph(
            f"Failed checks per run over the last {len(runs)} runs recorded in the warehouse "
            "(kept across runs in audit.check_results)."
        ),
        page.figure(fig, "check-history", "Failed checks per run, by severity."),
        paragraph(
            f"Each check over the last {len(recent)} runs, oldest first: ✓ passed, ✗ failed, "
            "· not run.",
            "note",
        ),
        table(
            [Column("Suite"), Column("Check"), Column("Severity"), Column("Runs")],
            marks,
            table_id="check-history",
            scroll=len(marks) > 30,
        ),
    ]

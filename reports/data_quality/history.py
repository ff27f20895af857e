"""Check history: failed checks per run, and each check's recent results."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.page import Column, Page, paragraph, table, unavailable_note

#: How many past runs the check history shows.
HISTORY_RUNS = 30
#: Runs shown as pass/fail marks per check in the history table.
HISTORY_MARKS = 12


def history(page: Page, history: pd.DataFrame, per_run: pd.DataFrame) -> list[Markup]:
    """Failed checks per run, and pass/fail marks per check."""
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

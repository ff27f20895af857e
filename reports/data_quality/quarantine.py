"""Quarantine: the rows set aside, by source, column and reason, with samples (ids only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from reports.formatting import format_count
from reports.page import Column, heading, paragraph, table

if TYPE_CHECKING:  # types only: the package imports this module to build its page
    from reports.data_quality import QualityData


def quarantine(data: QualityData) -> list[Markup]:
    """The quarantine reasons, and sample rows by file line and ids."""
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

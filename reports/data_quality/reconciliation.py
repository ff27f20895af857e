"""Row reconciliation: rows read, accepted, quarantined and loaded, per source file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.data_quality.cells import cells
from reports.formatting import format_count
from reports.page import Column, Page, paragraph, table, text_cell, unavailable_note

if TYPE_CHECKING:  # types only: the package imports this module to build its page
    from reports.data_quality import QualityData


def reconciliation(page: Page, data: QualityData) -> list[Markup]:
    """Each source file's counts against the manifest and the warehouse."""
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
                cells().mark_cell(r.rows_read == r.rows_accepted + r.rows_quarantined),
                text_cell(format_count(r.rows_in_warehouse), numeric=True),
                cells().mark_cell(r.rows_in_warehouse == r.rows_accepted),
                cells().mark_cell(agrees),
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

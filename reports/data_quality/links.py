"""Documentation: links to the Data Docs and dbt docs beside the report."""

from __future__ import annotations

from markupsafe import Markup

from reports.templating import render as render_template

#: Where the run folder keeps the other documentation the report links to.
GX_DATA_DOCS = "quality/data_docs/index.html"
DBT_DOCS = "dbt_docs.html"


def links(links: dict[str, bool]) -> Markup:
    """Each document, linked if the run generated it."""
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

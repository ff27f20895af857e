"""The appendix: what each KPI means, from the KPI dictionary (reports/dictionary.py)."""

from __future__ import annotations

from markupsafe import Markup

from reports.dictionary import SPECS
from reports.privacy import SUPPRESSED_NOTE
from reports.templating import render


def appendix() -> Markup:
    """Every KPI's label and definition, and how to read rates, gaps and intervals."""
    return render(
        "program_impact/appendix.html",
        specs=SPECS,
        note="Rates are shares of a population, shown as percentages; gaps are differences of "
        "rates in percentage points. 95% confidence intervals are shown where the KPI "
        'publishes one. A KPI that cannot be computed says why ("not available: ..."), '
        "and is never shown as 0. " + SUPPRESSED_NOTE,
    )

"""The audit report's table cells (``templates/data_quality/cells.html``)."""

from __future__ import annotations

from typing import Any

from reports.templating import macros


def cells() -> Any:
    """The macros of a yes/no mark and of a check's result."""
    return macros("data_quality/cells.html")

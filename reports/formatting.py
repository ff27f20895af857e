"""Numbers as readers see them: one formatter per display kind.

Formatting rounds for display only; the unrounded value stays in the page's
``data-value`` attributes, so a test (or a curious reader) can compare the two.
"""

from __future__ import annotations

import math

from reports.dictionary import Kind


def _signed(text: str) -> str:
    """Give a formatted difference its sign; one that rounds to zero gets none."""
    digits = text.lstrip("-")
    if digits.strip("0.,") == "":
        return digits
    return text if text.startswith("-") else f"+{text}"


def format_value(value: float, kind: Kind) -> str:
    """One KPI value for display, e.g. ``83.1%``, ``+2.4 pp``, ``1,204``, ``3.87``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("format_value needs a number: show missing values as such")
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "gap":
        return _signed(f"{value * 100:.1f}") + " pp"
    if kind == "count":
        return f"{round(value):,}"
    if kind == "score_delta":
        return _signed(f"{value:.2f}")
    # score, mean, ratio: two decimals
    return f"{value:.2f}"


def format_interval(low: float | None, high: float | None, kind: Kind) -> str | None:
    """A 95% confidence interval as ``80.2% to 85.9%``, or None when there is none."""
    if low is None or high is None:
        return None
    if any(isinstance(v, float) and math.isnan(v) for v in (low, high)):
        return None
    return f"{format_value(low, kind)} to {format_value(high, kind)}"


def format_count(value: int | float | None) -> str:
    """A count with thousands separators; an em dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{int(value):,}"


def format_share(value: float | None) -> str:
    """A fraction as a percentage with one decimal; an em dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.1f}%"


def format_decimal(value: float | None, places: int = 2) -> str:
    """A plain decimal; an em dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{places}f}"

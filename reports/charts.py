"""Figure builders shared by the reports.

Figures receive values already read from marts and only draw them. Data go in
as plain lists (not numpy arrays, which plotly would base64-encode), so the
figure JSON in the page stays readable and testable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from reports import palette


def _none_for_nan(values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v is None or isinstance(v, float) and v != v:
            out.append(None)
        else:
            out.append(v.item() if hasattr(v, "item") else v)
    return out


def group_line(
    name: str,
    group: str,
    x: Sequence[Any],
    y: Sequence[Any],
    hover: str,
    shape: str = "linear",
    customdata: Sequence[Any] | None = None,
) -> go.Scatter:
    """A line in a compared group's colour and dash (mentee, mentor, non-participant)."""
    return go.Scatter(
        name=name,
        x=_none_for_nan(x),
        y=_none_for_nan(y),
        mode="lines+markers" if len(x) < 40 else "lines",
        line={
            "color": palette.GROUP_COLOURS[group],
            "dash": palette.GROUP_DASHES[group],
            "width": 2.5,
            "shape": shape,
        },
        marker={"size": 5},
        hovertemplate=hover,
        customdata=None if customdata is None else _none_for_nan(customdata),
        connectgaps=False,
    )


def plain_line(
    name: str, colour: str, x: Sequence[Any], y: Sequence[Any], hover: str, dash: str = "solid"
) -> go.Scatter:
    """A line in any other colour (a metric, not a compared group)."""
    return go.Scatter(
        name=name,
        x=_none_for_nan(x),
        y=_none_for_nan(y),
        mode="lines+markers",
        line={"color": colour, "width": 2.5, "dash": dash},
        marker={"size": 5},
        hovertemplate=hover,
        connectgaps=False,
    )


def percent_axis(title: str, range_: tuple[float, float] | None = None) -> dict[str, Any]:
    """A y axis of fractions shown as percentages."""
    axis: dict[str, Any] = {"title": {"text": title}, "tickformat": ".0%"}
    if range_:
        axis["range"] = list(range_)
    return axis


def figure(traces: Sequence[go.BaseTraceType], **layout: Any) -> go.Figure:
    """A figure with the reports' shared layout."""
    return go.Figure(data=list(traces), layout=palette.layout(**layout))


def values(seq: Sequence[Any]) -> list[Any]:
    """Plain JSON-able values (None for missing) from a pandas column or list."""
    return _none_for_nan(list(seq))

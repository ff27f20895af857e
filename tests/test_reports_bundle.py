"""The plotly.js the reports inline: a partial bundle that draws every figure they make.

The pages inline plotly.js's "finance" partial bundle (reports/vendor/), a
quarter of the full bundle plotly.py ships: the report files are smaller and
Chromium opens them (and prints the leadership PDF) twice as fast. These
tests fail when plotly.py moves to another minor version of plotly.js (fetch
the same version of plotly.js-finance-dist-min from npm into reports/vendor/),
or when a figure draws a trace type the bundle lacks.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from reports.page import BUNDLE_TRACE_TYPES, PLOTLY_BUNDLE, Page, RunInfo, plotly_js


def _version(js: str) -> tuple[int, int]:
    found = re.search(r"plotly\.js(?: \([a-z -]+\))? v(\d+)\.(\d+)\.\d+", js[:2000])
    assert found, js[:300]
    return int(found[1]), int(found[2])


def test_the_bundle_is_the_minor_version_of_plotly_js_that_plotly_py_writes_for() -> None:
    assert _version(plotly_js()) == _version(get_plotlyjs())


def test_the_bundle_draws_exactly_the_trace_types_the_pages_allow() -> None:
    registered = set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', plotly_js()))
    assert registered == BUNDLE_TRACE_TYPES
    assert {"bar", "funnel", "scatter"} <= registered  # what the reports draw


def test_a_figure_the_bundle_cannot_draw_fails_the_build_naming_it() -> None:
    page = Page("t", "s", RunInfo("run", "2026-11-25", (), ()), "report")
    page.figure(go.Figure(go.Bar(x=[1], y=[2])), "bars")
    with pytest.raises(ValueError, match=r"draws \['heatmap'\].*" + re.escape(PLOTLY_BUNDLE)):
        page.figure(go.Figure(go.Heatmap(z=[[1]])), "heat")

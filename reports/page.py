"""The HTML shell every report shares: header, sections, KPI tiles, tables, charts.

A page is one self-contained file: the CSS, plotly.js (once) and every
figure's JSON are inlined, and nothing refers to a URL, so a report opens from
disk, from an e-mail attachment or on a closed network, and makes no request.
The plotly.js inlined is its "finance" partial bundle (``reports/vendor/``,
1.3 MB against the full bundle's 4.8 MB), which draws every trace type the
reports use: a page is a quarter of the size and opens twice as fast.

Every KPI value on a page is an element with ``class="kpi"`` and ``data-kpi``,
``data-group-attribute``, ``data-group-value``, ``data-state`` (published,
suppressed or unavailable) and ``data-value`` (the unrounded value),
so tests read the numbers shown and compare them with ``kpi_summary``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from reports.dictionary import spec
from reports.formatting import format_interval, format_value
from reports.privacy import SUPPRESSED_TEXT
from reports.queries import Kpi
from reports.templating import macros, render, static

#: Every figure is drawn when the page loads; the root element then carries
#: data-charts-rendered, which the PDF export and the tests wait for.
RENDER_JS = "render.js"
#: The page's style sheet.
CSS = "page.css"


#: plotly.js's "finance" partial bundle (npm plotly.js-finance-dist-min, MIT
#: licence beside it), the same major and minor version as the full bundle
#: plotly.py ships (tests/test_reports_formatting.py checks both).
PLOTLY_BUNDLE = "plotly-finance.min.js"
#: The trace types that bundle draws; a figure of another type fails the build.
BUNDLE_TRACE_TYPES = frozenset(
    {
        "bar",
        "candlestick",
        "funnel",
        "funnelarea",
        "histogram",
        "indicator",
        "ohlc",
        "pie",
        "scatter",
        "waterfall",
    }
)


@cache
def plotly_js() -> str:
    """The plotly.js bundle every page inlines."""
    js = resources.files("reports").joinpath("vendor", PLOTLY_BUNDLE).read_text(encoding="utf-8")
    # The bundle never holds "</script>"; checked once, because the page would break.
    if "</script" in js.lower():
        raise RuntimeError("plotly.js bundle contains </script>; cannot inline it")
    return js


@dataclass(frozen=True)
class InputFile:
    """One input file as the header lists it."""

    source: str
    file: str
    sha256: str


@dataclass(frozen=True)
class RunInfo:
    """What every report states at the top (from the run's manifest)."""

    run_id: str
    as_of: str
    inputs: tuple[InputFile, ...]
    warnings: tuple[str, ...]


def _components() -> Any:
    return macros("components.html")


@dataclass
class Page:
    """A report being assembled: sections of HTML plus the figures they hold."""

    title: str
    subtitle: str
    run: RunInfo
    report_id: str
    body: list[Markup] = field(default_factory=list)
    _figures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, *blocks: Markup) -> None:
        """Append HTML blocks to the page body."""
        self.body.extend(blocks)

    def section(self, title: str, *blocks: Markup, anchor: str | None = None) -> None:
        """Append a titled section. A block that is not ``Markup`` shows as text."""
        self.body.append(_components().section(title, list(blocks), anchor))

    def figure(self, fig: go.Figure, name: str, caption: str | None = None) -> Markup:
        """Register a figure; return the HTML that holds it."""
        div_id = f"chart-{name}"
        if any(existing == div_id for existing, _ in self._figures):
            raise ValueError(f"two figures named {name!r}")
        drawn = {trace.type for trace in fig.data}
        if not drawn <= BUNDLE_TRACE_TYPES:
            raise ValueError(
                f"figure {name!r} draws {sorted(drawn - BUNDLE_TRACE_TYPES)}, which the pages' "
                f"plotly.js bundle ({PLOTLY_BUNDLE}) does not: choose another in reports/vendor/"
            )
        self._figures.append((div_id, pio.to_json(fig, validate=False, engine="json")))
        return _components().figure(div_id, name, caption)

    def render(self) -> str:
        """The whole HTML document."""
        payload = (
            "["
            + ",".join(
                f'{{"id":{json.dumps(div_id)},"figure":{fig_json}}}'
                for div_id, fig_json in self._figures
            )
            + "]"
        )
        # "</" cannot appear inside a script element; JSON allows "<\/".
        payload = payload.replace("</", "<\\/")
        return str(
            render(
                "page.html",
                title=self.title,
                subtitle=self.subtitle,
                run=self.run,
                report_id=self.report_id,
                body=self.body,
                # Trusted: our style sheet and scripts, and JSON that cannot close its element.
                css=static(CSS),
                figures=Markup(payload),
                plotly_js=Markup(plotly_js()),
                render_js=static(RENDER_JS),
            )
        )


# ------------------------------------------------------------------ KPI elements


@dataclass(frozen=True)
class KpiView:
    """One KPI as a tile or a cell shows it: its state and its text, formatted."""

    kpi: str
    state: str
    group_attribute: str | None
    group_value: str | None
    value_repr: str
    n: int | None
    text: str
    ci: str
    n_text: str


def kpi_state(k: Kpi) -> str:
    """How a KPI row shows: unavailable, suppressed (small cell) or published."""
    if k.unavailable:
        return "unavailable"
    if k.suppressed:
        return "suppressed"
    if k.value is None:
        # kpi_summary guarantees a reason for every null value; say so if not.
        return "unavailable"
    return "published"


def kpi_view(k: Kpi, n_label: str | None) -> KpiView:
    """What a KPI element shows: ``n_label`` names what n counts (``None`` leaves n out)."""
    state = kpi_state(k)
    kind = spec(k.kpi).kind
    ci = n_text = ""
    if state == "unavailable":
        text = f"not available: {k.unavailable or 'no value published'}"
    elif state == "suppressed":
        text = SUPPRESSED_TEXT
    else:
        assert k.value is not None
        text = format_value(k.value, kind)
        ci = format_interval(k.ci_low, k.ci_high, kind) or ""
        if k.n is not None and n_label is not None:
            n_text = f"{k.n:,}" + (f" {n_label}" if n_label else "")
    return KpiView(
        kpi=k.kpi,
        state=state,
        group_attribute=k.group_attribute,
        group_value=k.group_value,
        value_repr=repr(k.value),
        n=k.n,
        text=text,
        ci=ci,
        n_text=n_text,
    )


def kpi_tile(k: Kpi, label: str | None = None, n_label: str | None = "") -> Markup:
    """A headline tile: label, value (or why there is none), confidence interval, n.

    ``n_label`` names what n counts (``None`` leaves n out).
    """
    return _components().kpi_tile(kpi_view(k, n_label), label or spec(k.kpi).label)


def kpi_cell(k: Kpi, n_label: str | None = None, ci: bool = True) -> Markup:
    """A table cell holding one KPI value (numeric alignment)."""
    return _components().kpi_cell(kpi_view(k, n_label), ci)


def tiles(items: Iterable[Markup]) -> Markup:
    """A grid of tiles."""
    return _components().tiles(list(items))


def plain_tile(metric: str, label: str, value: int, note: str | None = None) -> Markup:
    """A tile for a count that is not a dictionary KPI (read from a mart, or the manifest)."""
    return _components().plain_tile(metric, label, value, note)


# ------------------------------------------------------------------------ tables


@dataclass(frozen=True)
class Column:
    """A table column: header text and whether it holds numbers (right-aligned)."""

    title: str
    numeric: bool = False


def table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    table_id: str | None = None,
    scroll: bool = False,
    raw_cells: bool = False,
    css: str | None = None,
) -> Markup:
    """An HTML table. Cells are text (escaped) unless ``raw_cells``: then each cell
    is a complete ``<td>`` element already (``kpi_cell``, ``text_cell``)."""
    cells = [
        list(row)
        if raw_cells
        else [text_cell(v, c.numeric) for c, v in zip(columns, row, strict=True)]
        for row in rows
    ]
    return _components().table(list(columns), cells, table_id, scroll, css)


def text_cell(text: str, numeric: bool = False) -> Markup:
    """A plain table cell, for tables mixing KPI cells and text."""
    return _components().text_cell(text, numeric)


def paragraph(text: str, css: str | None = None) -> Markup:
    """A paragraph of escaped text."""
    return _components().paragraph(text, css)


def heading(text: str) -> Markup:
    """A sub-heading inside a section."""
    return _components().heading(text)


def two(panels: Sequence[tuple[str, Markup]]) -> Markup:
    """Titled panels (charts, mostly) two abreast."""
    return _components().two(list(panels))


def unavailable_note(reason: str) -> Markup:
    """Said instead of a chart or table that has nothing to show."""
    return _components().unavailable_note(reason)


def run_info_from_manifest(manifest: dict[str, Any]) -> RunInfo:
    """The header's facts, read from a manifest dict (``manifest.json``'s shape)."""
    inputs = tuple(
        InputFile(
            source=str(s.get("source", "")),
            file=str(s.get("file", "")).rsplit("/", 1)[-1],
            sha256=str(s.get("sha256", "")),
        )
        for s in manifest.get("sources", [])
    )
    return RunInfo(
        run_id=str(manifest["run_id"]),
        as_of=str(manifest["as_of"]),
        inputs=inputs,
        warnings=tuple(str(w) for w in manifest.get("warnings", [])),
    )

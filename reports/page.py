"""The HTML shell every report shares: header, sections, KPI tiles, tables, charts.

A page is one self-contained file: the CSS, plotly.js (once) and every
figure's JSON are inlined, and nothing refers to a URL, so a report opens from
disk, from an e-mail attachment or on a closed network, and makes no request.

Every KPI value on a page is an element with ``class="kpi"`` and ``data-kpi``,
``data-group-attribute``, ``data-group-value``, ``data-state`` (published,
suppressed or unavailable) and ``data-value`` (the unrounded value),
so tests read the numbers shown and compare them with ``kpi_summary``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from reports.dictionary import spec
from reports.formatting import format_interval, format_value
from reports.privacy import SUPPRESSED_TEXT
from reports.queries import Kpi

_CSS = """
:root { --ink: #222; --muted: #5f5f5f; --rule: #dcdcdc; --panel: #f6f7f9;
        --warn-bg: #fff5cc; --warn-rule: #b58900; --fail: #b33c00; --pass: #00734f; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--rule); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0 10px; max-width: 78ch; }
.subtitle { color: var(--muted); margin: 0 0 14px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; font-size: 14px;
        background: var(--panel); padding: 10px 14px; border-radius: 6px; }
.meta dt { color: var(--muted); } .meta dd { margin: 0; }
details.inputs { margin: 8px 0; font-size: 13px; }
details.inputs summary { cursor: pointer; color: var(--muted); }
.hash { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
        font-size: 11.5px; word-break: break-all; }
.warnings { background: var(--warn-bg); border-left: 5px solid var(--warn-rule);
            padding: 8px 14px; margin: 12px 0; border-radius: 4px; }
.warnings h2 { border: 0; margin: 4px 0; padding: 0; font-size: 16px; }
.warnings ul { margin: 4px 0 6px; padding-left: 20px; }
.ok { color: var(--pass); font-weight: 600; } .bad { color: var(--fail); font-weight: 600; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px;
         margin: 12px 0; }
.tile { border: 1px solid var(--rule); border-radius: 8px; padding: 10px 12px; background: #fff;
        break-inside: avoid; }
.tile .label { font-size: 13px; color: var(--muted); }
.tile .kpi-value { display: block; font-size: 26px; font-weight: 650; margin: 2px 0; }
.tile .kpi-ci, .tile .kpi-n { display: block; font-size: 12.5px; color: var(--muted); }
.kpi[data-state="unavailable"] .kpi-value, .kpi[data-state="suppressed"] .kpi-value,
td .kpi-ci, td .kpi-n { display: block; font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 14px; width: 100%; }
th, td { text-align: left; padding: 5px 9px; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.table-wrap { overflow-x: auto; }
table.wide { font-size: 12.5px; } table.wide th, table.wide td { padding: 4px 6px; }
.side { break-inside: avoid; }
table.fixed { table-layout: fixed; } table.fixed th:first-child { width: 24%; }
.scroll { max-height: 460px; overflow: auto; border: 1px solid var(--rule); }
.scroll table { margin: 0; } .scroll th { position: sticky; top: 0; }
.chart { width: 100%; min-height: 200px; break-inside: avoid; }
figure { margin: 10px 0 18px; break-inside: avoid; }
figcaption { font-size: 13px; color: var(--muted); }
.note { font-size: 13px; color: var(--muted); }
.banner { font-size: 15px; background: var(--panel); border-left: 4px solid var(--muted);
          padding: 10px 14px; max-width: none; }
.sentence { font-size: 16px; background: var(--panel); border-radius: 6px; padding: 10px 14px;
            max-width: none; }
.flag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px;
        font-weight: 600; border: 1px solid currentColor; }
.flag.bad { color: var(--fail); } .flag.ok { color: var(--pass); }
dl.definitions dt { font-weight: 600; margin-top: 8px; }
dl.definitions dd { margin: 0 0 4px 0; max-width: 80ch; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 800px) { .two { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 12mm 10mm; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .scroll, .table-wrap { max-height: none; overflow: visible; border: 0; }
  details.inputs > *:not(summary) { display: block; }
}
"""

# Every figure is drawn when the page loads; the root element then carries
# data-charts-rendered, which the PDF export and the tests wait for.
_RENDER_JS = """
(function () {
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var config = {displaylogo: false, responsive: true,
                modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]};
  Promise.all(figures.map(function (f) {
    return Plotly.newPlot(f.id, f.figure.data, f.figure.layout, config);
  })).then(function () {
    document.documentElement.setAttribute("data-charts-rendered", String(figures.length));
  }).catch(function (err) {
    console.error("a chart failed to render: " + err);
  });
  // A browser's own print dialog lays the page out narrower: redraw to fit.
  window.addEventListener("beforeprint", function () {
    figures.forEach(function (f) { Plotly.Plots.resize(f.id); });
  });
})();
"""


@cache
def _plotly_js() -> str:
    # The bundle never holds "</script>"; checked once, because the page would break.
    js = get_plotlyjs()
    if "</script" in js.lower():
        raise RuntimeError("plotly.js bundle contains </script>; cannot inline it")
    return js


def esc(text: object) -> str:
    """HTML-escape any value shown as text."""
    return html.escape("" if text is None else str(text), quote=True)


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


@dataclass
class Page:
    """A report being assembled: sections of HTML plus the figures they hold."""

    title: str
    subtitle: str
    run: RunInfo
    report_id: str
    body: list[str] = field(default_factory=list)
    _figures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, *blocks: str) -> None:
        """Append HTML blocks to the page body."""
        self.body.extend(blocks)

    def section(self, title: str, *blocks: str, anchor: str | None = None) -> None:
        """Append a titled section."""
        ident = f' id="{esc(anchor)}"' if anchor else ""
        self.body.append(f"<section{ident}><h2>{esc(title)}</h2>{''.join(blocks)}</section>")

    def figure(self, fig: go.Figure, name: str, caption: str | None = None) -> str:
        """Register a figure; return the HTML that holds it."""
        div_id = f"chart-{name}"
        if any(existing == div_id for existing, _ in self._figures):
            raise ValueError(f"two figures named {name!r}")
        self._figures.append((div_id, pio.to_json(fig, validate=False, engine="json")))
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        chart = f'<div class="chart" id="{div_id}" data-chart="{esc(name)}"></div>'
        return f"<figure>{chart}{cap}</figure>"

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
        return "".join(
            [
                '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                # Belt and braces: the page needs nothing from any network.
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
                'img-src data: blob:; font-src data:">',
                f"<title>{esc(self.title)} — {esc(self.run.as_of)}</title>",
                f"<style>{_CSS}</style></head>",
                f'<body data-report="{esc(self.report_id)}" data-run-id="{esc(self.run.run_id)}" '
                f'data-as-of="{esc(self.run.as_of)}"><main>',
                self._header(),
                *self.body,
                "</main>",
                f'<script type="application/json" id="figures">{payload}</script>',
                f"<script>{_plotly_js()}</script>",
                f"<script>{_RENDER_JS}</script>",
                "</body></html>\n",
            ]
        )

    def _header(self) -> str:
        run = self.run
        inputs = "".join(
            f"<tr><td>{esc(i.source)}</td><td>{esc(i.file)}</td>"
            f'<td class="hash">{esc(i.sha256)}</td></tr>'
            for i in run.inputs
        )
        if run.warnings:
            items = "".join(f"<li>{esc(w)}</li>" for w in run.warnings)
            warnings = (
                '<div class="warnings" role="alert" id="run-warnings">'
                f"<h2>Warnings from this run ({len(run.warnings)})</h2><ul>{items}</ul></div>"
            )
        else:
            warnings = '<p class="note" id="run-warnings">No warnings from this run.</p>'
        return (
            f'<header><h1>{esc(self.title)}</h1><p class="subtitle">{esc(self.subtitle)}</p>'
            '<dl class="meta">'
            f'<dt>As of</dt><dd id="as-of">{esc(run.as_of)}</dd>'
            f'<dt>Run id</dt><dd id="run-id" class="hash">{esc(run.run_id)}</dd>'
            f"<dt>Inputs</dt><dd>{len(run.inputs)} files, SHA-256 below</dd></dl>"
            '<details class="inputs" open><summary>Input files and their SHA-256</summary>'
            '<table id="inputs"><thead><tr><th>Source</th><th>File</th><th>SHA-256</th></tr>'
            f"</thead><tbody>{inputs}</tbody></table></details>"
            f"{warnings}</header>"
        )


# ------------------------------------------------------------------ KPI elements


def _kpi_attrs(k: Kpi, state: str, css: str) -> str:
    attrs = [f'class="kpi {css} {state}" data-kpi="{esc(k.kpi)}" data-state="{state}"']
    if k.group_attribute is not None:
        attrs.append(f'data-group-attribute="{esc(k.group_attribute)}"')
    if k.group_value is not None:
        attrs.append(f'data-group-value="{esc(k.group_value)}"')
    if state == "published":
        attrs.append(f'data-value="{k.value!r}"')
        if k.n is not None:
            attrs.append(f'data-n="{k.n}"')
    return " ".join(attrs)


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


def _kpi_parts(k: Kpi, state: str, n_label: str | None) -> tuple[str, str, str]:
    kind = spec(k.kpi).kind
    if state == "unavailable":
        return f"not available: {k.unavailable or 'no value published'}", "", ""
    if state == "suppressed":
        return SUPPRESSED_TEXT, "", ""
    assert k.value is not None
    ci = format_interval(k.ci_low, k.ci_high, kind)
    ci_html = f'<span class="kpi-ci">95% CI {esc(ci)}</span>' if ci else ""
    n_html = (
        f'<span class="kpi-n">n = {k.n:,}{" " + esc(n_label) if n_label else ""}</span>'
        if k.n is not None and n_label is not None
        else ""
    )
    return format_value(k.value, kind), ci_html, n_html


def kpi_tile(k: Kpi, label: str | None = None, n_label: str | None = "") -> str:
    """A headline tile: label, value (or why there is none), confidence interval, n.

    ``n_label`` names what n counts (``None`` leaves n out).
    """
    state = kpi_state(k)
    value, ci, n = _kpi_parts(k, state, n_label)
    return (
        f"<div {_kpi_attrs(k, state, 'tile')}>"
        f'<span class="label">{esc(label or spec(k.kpi).label)}</span>'
        f'<span class="kpi-value">{esc(value)}</span>{ci}{n}</div>'
    )


def kpi_cell(k: Kpi, n_label: str | None = None, ci: bool = True) -> str:
    """A table cell holding one KPI value (numeric alignment)."""
    state = kpi_state(k)
    value, ci_html, n_html = _kpi_parts(k, state, n_label)
    return (
        f"<td {_kpi_attrs(k, state, 'num')}>"
        f'<span class="kpi-value">{esc(value)}</span>{ci_html if ci else ""}{n_html}</td>'
    )


def tiles(items: Iterable[str]) -> str:
    """A grid of tiles."""
    return f'<div class="tiles">{"".join(items)}</div>'


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
) -> str:
    """An HTML table. Cells are text (escaped) unless ``raw_cells``: then each cell
    is a complete ``<td>`` element already (KPI cells)."""
    head = "".join(
        f'<th class="num">{esc(c.title)}</th>' if c.numeric else f"<th>{esc(c.title)}</th>"
        for c in columns
    )
    body = []
    for row in rows:
        if raw_cells:
            cells = "".join(row)
        else:
            cells = "".join(
                f'<td class="num">{esc(v)}</td>' if c.numeric else f"<td>{esc(v)}</td>"
                for c, v in zip(columns, row, strict=True)
            )
        body.append(f"<tr>{cells}</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    # Many columns: a smaller font, and a sideways scroll rather than a page overflow.
    classes = " ".join(c for c in ("wide" if len(columns) > 8 else "", css or "") if c)
    wide = f' class="{classes}"' if classes else ""
    rows_html = "".join(body)
    html_table = (
        f"<table{ident}{wide}><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>"
    )
    return f'<div class="{"scroll" if scroll else "table-wrap"}">{html_table}</div>'


def text_cell(text: str, numeric: bool = False) -> str:
    """A plain table cell, for tables mixing KPI cells and text."""
    return f'<td class="num">{esc(text)}</td>' if numeric else f"<td>{esc(text)}</td>"


def paragraph(text: str, css: str | None = None) -> str:
    """A paragraph of escaped text."""
    cls = f' class="{css}"' if css else ""
    return f"<p{cls}>{esc(text)}</p>"


def unavailable_note(reason: str) -> str:
    """Said instead of a chart or table that has nothing to show."""
    return f'<p class="note unavailable-note">Not available: {esc(reason)}.</p>'


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

"""The reports in a real headless Chromium (Debian's chromium, driven by playwright).

Each report of a real nightly run is opened from disk once: no console error,
no network request, every chart drawn, nothing wider than a laptop screen, and
every number shown equal to kpi_summary once formatted. A screenshot of each
is written to ``out/test-screenshots/`` (or ``$REPORT_SCREENSHOTS``) for a
person to look at.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reports import palette
from reports.privacy import SUPPRESSED_TEXT
from tests.browser import PageLog, chart_states, kpi_elements, open_report
from tests.reports_demo import REPORTS, DemoRun, key

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("REPORT_SCREENSHOTS", PROJECT_DIR / "out" / "test-screenshots"))


@dataclass
class Loaded:
    """What a report looked like in the browser."""

    log: PageLog
    kpis: list[dict[str, Any]]
    charts: list[dict[str, Any]]
    colours: list[dict[str, Any]]
    overflow: int
    screenshot: Path


def _load(path: Path, screenshot: Path) -> Loaded:
    with open_report(path) as (page, log):
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        colours = page.evaluate(
            """() => Array.from(document.querySelectorAll('.chart')).flatMap(e =>
                (e.data || []).map(t => ({chart: e.dataset.chart, name: t.name ?? null,
                    line: t.line?.color ?? null,
                    marker: typeof t.marker?.color === 'string' ? t.marker.color : null})))"""
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        return Loaded(log, kpi_elements(page), chart_states(page), colours, overflow, screenshot)


@pytest.fixture(scope="module")
def demo(report_demo: DemoRun) -> DemoRun:
    return report_demo


@pytest.fixture(scope="module")
def loaded(demo: DemoRun) -> dict[str, Loaded]:
    return {r: _load(demo.report(r), SCREENSHOTS / f"{r}.png") for r in REPORTS}


@pytest.fixture(scope="module")
def hr_only(report_demo_hr_only: DemoRun) -> DemoRun:
    return report_demo_hr_only


@pytest.fixture(scope="module")
def hr_only_loaded(hr_only: DemoRun) -> dict[str, Loaded]:
    return {r: _load(hr_only.report(r), SCREENSHOTS / f"hr_only_{r}.png") for r in REPORTS}


_NUMBER = re.compile(r"([+-]?[\d,]+)(?:\.(\d+))?(%| pp)?")


def parse_shown(text: str) -> tuple[float, float]:
    """A displayed number back to a fraction or count, with half its last digit as tolerance."""
    m = _NUMBER.fullmatch(text.strip())
    assert m, f"not a displayed number: {text!r}"
    whole, decimals, unit = m[1].replace(",", ""), m[2] or "", m[3]
    number = float(f"{whole}.{decimals}" if decimals else whole)
    scale = 100.0 if unit else 1.0
    return number / scale, 0.5 * 10 ** -len(decimals) / scale + 1e-12


@pytest.mark.parametrize("report", REPORTS)
def test_report_loads_from_disk_with_no_console_error_and_no_network_request(loaded, report):
    log = loaded[report].log
    assert log.console_errors == []
    assert log.page_errors == []
    assert log.network_requests == []
    assert log.failed_requests == []


@pytest.mark.parametrize("report", REPORTS)
def test_every_chart_renders(loaded, report):
    charts = loaded[report].charts
    assert charts, f"{report} has no chart"
    assert loaded[report].log.charts_rendered == len(charts)
    for chart in charts:
        assert chart["drawn"], chart["name"]
        assert chart["width"] > 300 and chart["height"] > 100, chart["name"]
        assert any(t["y"] or t["x"] for t in chart["traces"]), chart["name"]


@pytest.mark.parametrize("report", REPORTS)
def test_a_screenshot_of_each_report_is_produced(loaded, report):
    shot = loaded[report].screenshot
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000


@pytest.mark.parametrize("report", REPORTS)
def test_report_fits_a_laptop_screen_without_sideways_scrolling(loaded, report):
    assert loaded[report].overflow <= 0


def _assert_shown_numbers_are_kpi_summary(
    shown: list[dict[str, Any]], run: DemoRun, report: str
) -> None:
    """Every KPI element: the state, value, interval and n of its kpi_summary row, formatted."""
    kpis = {key(k): k for k in run.kpis()}
    assert shown
    for el in shown:
        k = kpis[(el["kpi"], el["group_attribute"], el["group_value"])]
        where = f"{report}: {key(k)} shows {el['text']!r}"
        assert el["visible"], where
        if el["state"] == "published":
            assert k.is_published and k.value is not None, where
            value, tolerance = parse_shown(el["text"])
            assert abs(value - k.value) <= tolerance, where
            if el["ci"]:
                low, high = el["ci"].removeprefix("95% CI ").split(" to ")
                for text, bound in ((low, k.ci_low), (high, k.ci_high)):
                    v, tol = parse_shown(text)
                    assert bound is not None and abs(v - bound) <= tol, where
            else:
                assert k.ci_low is None, f"{where}: its interval is not shown"
            if el["n_text"]:
                match = re.match(r"n = ([\d,]+)", el["n_text"])
                assert match and int(match[1].replace(",", "")) == k.n, where
        elif el["state"] == "unavailable":
            assert k.unavailable and el["text"] == f"not available: {k.unavailable}", where
        else:
            assert el["state"] == "suppressed", where
            assert k.suppressed and el["text"] == SUPPRESSED_TEXT, where


@pytest.mark.parametrize("report", ["program_impact", "program_operations", "workforce"])
def test_every_number_shown_is_kpi_summary_formatted(loaded, demo, report):
    _assert_shown_numbers_are_kpi_summary(loaded[report].kpis, demo, report)


@pytest.mark.parametrize("report", ["program_impact", "program_operations"])
def test_an_hr_only_run_shows_each_missing_kpi_as_not_available_with_its_reason(
    hr_only_loaded, hr_only, report
):
    shown = hr_only_loaded[report].kpis
    assert any(el["state"] == "unavailable" for el in shown)
    _assert_shown_numbers_are_kpi_summary(shown, hr_only, report)


def test_an_hr_only_run_shows_the_whole_workforce_baseline(hr_only_loaded, hr_only):
    shown = hr_only_loaded["workforce"].kpis
    published = {el["kpi"] for el in shown if el["state"] == "published"}
    assert {"headcount", "turnover_rate_12m", "representation_share"} <= published
    _assert_shown_numbers_are_kpi_summary(shown, hr_only, "workforce")


def test_the_two_way_street_chart_plots_the_published_rates(loaded, demo):
    kpis = demo.kpis()
    chart = next(c for c in loaded["program_impact"].charts if c["name"] == "two-way-street")
    by_name = {t["name"]: t["y"] for t in chart["traces"]}
    for group in ("mentee", "mentor", "non_participant"):
        expected = [
            kpis.get(f"retention_12m_{group}").value,
            kpis.get(f"promotion_rate_12m_{group}").value,
        ]
        assert by_name[palette.GROUP_LABELS[group]] == pytest.approx(expected, abs=1e-12)


def test_mentee_mentor_and_non_participant_keep_one_colour_in_every_chart(loaded):
    seen = 0
    by_label = {label: palette.GROUP_COLOURS[g] for g, label in palette.GROUP_LABELS.items()}
    for page in loaded.values():
        for trace in page.colours:
            if trace["name"] in by_label:
                seen += 1
                colour = trace["line"] or trace["marker"]
                assert colour == by_label[trace["name"]], trace
    assert seen >= 8


def test_the_group_colours_are_distinct_okabe_ito_or_grey():
    okabe_ito = {
        palette.BLUE,
        palette.ORANGE,
        palette.SKY_BLUE,
        palette.BLUISH_GREEN,
        palette.YELLOW,
        palette.VERMILLION,
        palette.REDDISH_PURPLE,
        palette.BLACK,
    }
    colours = list(palette.GROUP_COLOURS.values())
    assert len(set(colours)) == 3
    assert set(colours) <= okabe_ito | {palette.GREY}
    # program types never reuse a group's colour
    assert not set(palette.PROGRAM_TYPE_COLOURS.values()) & set(colours)


@pytest.mark.parametrize("report", REPORTS)
def test_an_hr_only_run_renders_without_errors(hr_only_loaded, report):
    page = hr_only_loaded[report]
    assert page.log.console_errors == [] and page.log.page_errors == []
    assert page.log.network_requests == []
    assert all(c["drawn"] for c in page.charts)
    assert page.log.charts_rendered == len(page.charts)


def test_the_leadership_pdf_is_a_multi_page_a4_print(demo):
    pdf = demo.run_dir / "program_impact.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 4
    # A4 in points: 595 x 842
    assert re.search(
        rb"/MediaBox\s*\[0 0 595(\.\d+)? 841(\.\d+)?|/MediaBox\s*\[0 0 595(\.\d+)? 842", data
    )


def test_the_leadership_pdf_holds_the_numbers_and_the_drawn_charts(demo):
    text = subprocess.run(
        ["pdftotext", "-layout", str(demo.run_dir / "program_impact.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Mentoring program impact" in text
    assert demo.manifest["run_id"] in text
    # chart text exists only once plotly has drawn the chart
    assert "Months since first match" in text
    assert "Share of eligible people" in text

"""Names from the data are text on every page, whatever markup they hold.

The demo's exports get department, job title, location and program names
holding ``<script>`` and ``<b>`` (tests/reports_demo.py ``MARKUP_VALUES``);
the real run, report stage included, must show them escaped. The page's own
script elements (figure JSON, plotly.js, the render script) are the only
scripts; the figure JSON is data for Plotly, checked only for not closing its
element.
"""

from __future__ import annotations

import re

import pytest

from tests.reports_demo import REPORTS, DemoRun

pytestmark = pytest.mark.slow

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


@pytest.fixture(scope="module")
def marked(report_demo_markup: DemoRun) -> DemoRun:
    return report_demo_markup


def _outside_scripts(html: str) -> str:
    """The page without its script elements: what the browser lays out as HTML."""
    return _SCRIPT.sub("", html)


def test_the_planted_markup_reached_the_marts(marked):
    departments = {
        d for (d,) in marked.query("select department from main.mart_department_participation")
    }
    programs = {p for (p,) in marked.query("select program_name from main.mart_program_funnel")}
    assert "<script>alert(1)</script>" in departments
    assert "<b>x</b> support" in departments
    assert "<script>alert(1)</script>" in programs


@pytest.mark.parametrize("report", REPORTS)
def test_markup_in_names_is_never_markup_on_the_page(marked, report):
    page = _outside_scripts(marked.html(report))
    assert "<script>alert" not in page
    assert "<b>x</b>" not in page
    assert page.count("<script") == 0


def test_the_page_has_only_its_own_three_script_elements(marked):
    for report in REPORTS:
        html = marked.html(report)
        assert len(_SCRIPT.findall(html)) == 3, report
        figures = _SCRIPT.findall(html)[0]
        assert figures.startswith('<script type="application/json" id="figures">')
        assert "</script" not in figures[len("<script>") : -len("</script>")]


def test_department_names_show_as_text_in_the_department_tables(marked):
    for report in ("workforce", "program_operations"):
        page = _outside_scripts(marked.html(report))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, report
        assert "&lt;b&gt;x&lt;/b&gt; support" in page, report


def test_program_names_show_as_text_with_quotes_and_ampersands_escaped(marked):
    page = _outside_scripts(marked.html("program_operations"))
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<td>&lt;b&gt;x&lt;/b&gt; &amp; &#x27;Digital&#x27; &quot;Fluency&quot;</td>" in page


def test_a_department_value_in_a_kpi_attribute_is_escaped(marked):
    page = marked.html("workforce")
    assert 'data-group-value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page

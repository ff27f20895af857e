"""The leadership PDF without playwright (an install without the ``pdf`` extra), and its printer.

No run: playwright is hidden from the import system, the way it is absent
from an install of ``requirements/runtime.txt``; the background printer
prints a small page in the Chromium ``make browser`` installs. The report
build with a real run's warehouse is in tests/test_reports_build.py.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from reports.pdf import (
    PDF_EXTRA_INSTALL,
    BackgroundPrinter,
    BrowserUnavailable,
    PdfError,
    PlaywrightMissing,
    html_to_pdf,
)

ROOT = Path(__file__).resolve().parent.parent


def hide_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import playwright`` fail as if it were not installed.

    Both names: a ``playwright.sync_api`` imported earlier in the session would
    otherwise still be found in ``sys.modules``.
    """
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)


def test_without_playwright_the_pdf_is_skipped_with_the_extra_to_install(monkeypatch, tmp_path):
    hide_playwright(monkeypatch)
    html = tmp_path / "program_impact.html"
    html.write_text("<html></html>", encoding="utf-8")
    with pytest.raises(PlaywrightMissing) as caught:
        html_to_pdf(html, tmp_path / "program_impact.pdf")
    # the report build catches every PdfError: the missing package takes the same path
    assert isinstance(caught.value, BrowserUnavailable)
    assert isinstance(caught.value, PdfError)
    message = str(caught.value)
    assert message == f"playwright is not installed (to print it: {PDF_EXTRA_INSTALL})"
    assert PDF_EXTRA_INSTALL == "pip install 'mentorship-analytics[pdf]'"
    assert not (tmp_path / "program_impact.pdf").exists()


def test_a_playwright_that_fails_to_import_is_not_reported_as_missing(monkeypatch, tmp_path):
    broken = types.ModuleType("playwright.sync_api")  # no sync_playwright in it
    monkeypatch.setitem(sys.modules, "playwright.sync_api", broken)
    with pytest.raises(BrowserUnavailable, match="playwright cannot be imported") as caught:
        html_to_pdf(tmp_path / "program_impact.html", tmp_path / "program_impact.pdf")
    assert not isinstance(caught.value, PlaywrightMissing)
    assert "\n" not in str(caught.value)


def test_the_reports_import_without_playwright():
    code = (
        "import sys; sys.modules['playwright'] = None\n"
        "import reports.pdf, reports.build, pipelines.stages.report\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_background_printer_gives_a_missing_playwright_when_its_result_is_asked(
    monkeypatch, tmp_path
):
    # the printer is a child process: playwright is hidden from its imports
    stub = tmp_path / "stub" / "playwright"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text(
        "raise ModuleNotFoundError('no playwright', name='playwright')\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(stub.parent))
    printer = BackgroundPrinter(tmp_path / "program_impact.pdf").start()
    printer.print(tmp_path / "program_impact.html")
    with pytest.raises(PlaywrightMissing):
        printer.result()


def test_the_background_printer_prints_the_page_it_is_handed_once_started(tmp_path):
    html = tmp_path / "program_impact.html"
    html.write_text(
        '<html data-charts-rendered="0"><body><h1>Program impact</h1></body></html>',
        encoding="utf-8",
    )
    printer = BackgroundPrinter(tmp_path / "program_impact.pdf").start()
    printer.print(html)
    printer.print(tmp_path / "another.html")  # handed once: the first one counts
    assert printer.result().read_bytes().startswith(b"%PDF")


def test_a_printer_handed_nothing_prints_nothing(tmp_path):
    printer = BackgroundPrinter(tmp_path / "program_impact.pdf").start()
    printer.print(None)
    printer.result()
    assert not (tmp_path / "program_impact.pdf").exists()

"""The leadership report as a PDF, printed by headless Chromium.

Debian's ``chromium`` package is driven through playwright-python (its
bundled-browser download, ``playwright install``, is not used: the machine has
no route to it). The page is opened from disk, every chart is waited for (the
page marks its root element when plotly has drawn them all), then printed with
Chromium's own print-to-PDF, so the PDF shows exactly what the HTML shows.

playwright is the optional ``pdf`` extra: without it this module still
imports, and :func:`html_to_pdf` raises :class:`PlaywrightMissing`, which the
report build turns into a one-line warning (the HTML reports are published).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Flags for a headless Chromium on a closed network. Without the background
#: networking flags Chromium tries (and fails) to reach Google services.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
)

#: The viewport the page is laid out at before printing; with ``PRINT_SCALE``
#: it fills the width of an A4 page between 10 mm margins.
PRINT_VIEWPORT = {"width": 1024, "height": 1400}
PRINT_SCALE = 0.7
CHARTS_TIMEOUT_MS = 60_000

#: How to get the PDF on an install without playwright.
PDF_EXTRA_INSTALL = "pip install 'mentorship-analytics[pdf]'"


class PdfError(RuntimeError):
    """The PDF could not be printed."""


class BrowserUnavailable(PdfError):
    """No Chromium (or no playwright) on this machine."""


class PlaywrightMissing(BrowserUnavailable):
    """playwright-python, the ``pdf`` extra, is not installed: the PDF is skipped."""

    def __init__(self) -> None:
        super().__init__(f"playwright is not installed (to print it: {PDF_EXTRA_INSTALL})")


def _import_playwright() -> tuple[Any, type[Exception]]:
    """``sync_playwright`` and playwright's ``Error``, or :class:`PlaywrightMissing`.

    An installed playwright that fails to import (a broken dependency) is a
    :class:`BrowserUnavailable` with the import error's message, not "missing".
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
        if (missing or "").partition(".")[0] == "playwright":
            raise PlaywrightMissing() from exc
        raise BrowserUnavailable(f"playwright cannot be imported: {exc}") from exc
    return sync_playwright, PlaywrightError


def chromium_path() -> str:
    """The Chromium executable: ``$MENTORSHIP_CHROMIUM``, else ``chromium`` on the PATH."""
    path = os.environ.get("MENTORSHIP_CHROMIUM") or shutil.which("chromium")
    if not path or not Path(path).exists():
        raise BrowserUnavailable(
            "Chromium not found (install Debian's chromium package, or set MENTORSHIP_CHROMIUM)"
        )
    return path


def launch(playwright: Any) -> Any:
    """Launch headless Chromium from a playwright handle (``sync_playwright()``)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=list(LAUNCH_ARGS)
    )


def wait_for_charts(page: Any, timeout_ms: int = CHARTS_TIMEOUT_MS) -> int:
    """Wait until the report has drawn every chart; return how many it drew."""
    page.wait_for_function(
        "document.documentElement.hasAttribute('data-charts-rendered')", timeout=timeout_ms
    )
    return int(page.evaluate("document.documentElement.getAttribute('data-charts-rendered')"))


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print a report's HTML file to an A4 PDF once its charts are drawn.

    Raises :class:`PdfError` (or its :class:`BrowserUnavailable`, or
    :class:`PlaywrightMissing`) with a one-line reason when it cannot be printed.
    """
    sync_playwright, PlaywrightError = _import_playwright()
    try:
        _print(html_path, pdf_path, sync_playwright)
    except PlaywrightError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"Chromium could not print {Path(html_path).name}: {first_line}") from exc
    return pdf_path


class BackgroundPrinter:
    """Print one report to PDF in a child process started before the report exists.

    :meth:`start` starts ``python -m reports.pdf --serve PDF``, which imports
    playwright, launches Chromium and opens a page while the caller builds
    the report; :meth:`print` hands it the HTML file; :meth:`result` waits for
    the PDF and raises :class:`PdfError` (or a subclass) as :func:`html_to_pdf`
    would. A process, not a thread: playwright's driver needs the interpreter
    as often as the report code does, and a thread made both wait for each
    other (2.6 s for the PDF against 1.9 s alone at 100,000 employees).
    """

    def __init__(self, pdf_path: Path) -> None:
        self.pdf_path = Path(pdf_path)
        self._process: subprocess.Popen[str] | None = None
        self._handed = False
        self._missing = False

    def start(self) -> BackgroundPrinter:
        # without playwright (an install without the pdf extra) no child is started
        try:
            self._missing = importlib.util.find_spec("playwright") is None
        except (ImportError, ValueError):  # hidden, or a broken package
            self._missing = True
        if self._missing:
            return self
        self._process = subprocess.Popen(
            [sys.executable, "-m", "reports.pdf", "--serve", str(self.pdf_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        return self

    def print(self, html_path: Path | None) -> None:
        """Print ``html_path`` (None: the report was not built, print nothing); once only."""
        if self._handed or self._process is None or self._process.stdin is None:
            return
        self._handed = True
        stdin, self._process.stdin = self._process.stdin, None  # communicate() must not touch it
        try:
            stdin.write(f"{html_path or ''}\n")
            stdin.close()
        except OSError:  # the child already stopped: result() says why
            pass

    def close(self) -> None:
        """Stop the printer without printing (the run stopped before the report)."""
        self.print(None)
        if self._process is not None and self._process.poll() is None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def result(self) -> Path:
        if self._missing:
            raise PlaywrightMissing()
        assert self._process is not None, "start() first"
        self.print(None)
        try:
            out, _ = self._process.communicate(timeout=CHARTS_TIMEOUT_MS / 1000 + 60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            raise PdfError("Chromium did not print the report in time") from None
        verdict = (out or "").strip().splitlines()[-1:] or ["error PdfError the printer stopped"]
        kind, _, message = verdict[0].partition(" ")
        if kind == "ok":
            return self.pdf_path
        name, _, message = message.partition(" ")
        if name == "PlaywrightMissing":
            raise PlaywrightMissing()
        cls = BrowserUnavailable if name == "BrowserUnavailable" else PdfError
        raise cls(message or "the printer stopped")


def _serve(pdf_path: Path) -> str:
    """``--serve``: launch, read the HTML file's path from stdin, print it; one verdict line."""
    try:
        sync_playwright, playwright_error = _import_playwright()
        html: Path | None = None
        try:
            with sync_playwright() as p:
                browser = launch(p)
                try:
                    page = browser.new_page(viewport=PRINT_VIEWPORT)
                    line = sys.stdin.readline().strip()
                    html = Path(line) if line else None
                    if html is not None:
                        _print_page(page, html, pdf_path)
                finally:
                    browser.close()
        except playwright_error as exc:
            text = str(exc).strip()
            first_line = text.splitlines()[0] if text else type(exc).__name__
            name = html.name if html else "the report"
            raise PdfError(f"Chromium could not print {name}: {first_line}") from exc
    except PdfError as exc:
        return f"error {type(exc).__name__} {' '.join(str(exc).split())}"
    return "ok"


def _print(html_path: Path, pdf_path: Path, sync_playwright: Any) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        try:
            _print_page(browser.new_page(viewport=PRINT_VIEWPORT), html_path, pdf_path)
        finally:
            browser.close()


def _print_page(page: Any, html_path: Path, pdf_path: Path) -> None:
    page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
    wait_for_charts(page)
    page.emulate_media(media="print")
    page.pdf(
        path=str(pdf_path),
        format="A4",
        print_background=True,
        scale=PRINT_SCALE,
        margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=(
            '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
            '<span class="title"></span> · page <span class="pageNumber"></span> of '
            '<span class="totalPages"></span></div>'
        ),
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        print(_serve(Path(sys.argv[2])), flush=True)
    else:
        print("usage: python -m reports.pdf --serve PDF (the HTML path on stdin)", file=sys.stderr)
        sys.exit(2)

"""Open a report file in a real headless Chromium and record what happened.

The same Chromium and launch flags as the PDF export (``reports.pdf``). Every
request the page makes is recorded; any that is not the file itself is a
network request the report must not make, and it is aborted so the test never
depends on the network. Console errors and uncaught exceptions are recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, Request, Route, sync_playwright

from reports.pdf import launch, wait_for_charts

#: A laptop screen.
VIEWPORT = {"width": 1366, "height": 900}


@dataclass
class PageLog:
    """What a page did while loading."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    charts_rendered: int = 0

    @property
    def network_requests(self) -> list[str]:
        """Requests for anything but the report file itself."""
        return [u for u in self.requests if u != self.url]


@contextmanager
def open_report(
    path: Path, viewport: dict[str, int] | None = None
) -> Iterator[tuple[Page, PageLog]]:
    """Open ``path`` from disk; yield the page (charts drawn) and its log."""
    url = Path(path).resolve().as_uri()
    log = PageLog(url=url)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport=viewport or VIEWPORT)

            def route(r: Route, request: Request) -> None:
                if request.url == url:
                    r.continue_()
                else:
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    log.console_errors.append(message.text)

            page.on("console", console)
            page.on("pageerror", lambda e: log.page_errors.append(str(e)))
            page.on("request", lambda r: log.requests.append(r.url))
            page.on("requestfailed", lambda r: log.failed_requests.append(r.url))
            page.goto(url, wait_until="load")
            log.charts_rendered = wait_for_charts(page)
            yield page, log
        finally:
            browser.close()


def kpi_elements(page: Page) -> list[dict[str, Any]]:
    """Every KPI value shown on the page: its data attributes and visible text."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.kpi')).map(e => ({
            kpi: e.dataset.kpi,
            group_attribute: e.dataset.groupAttribute ?? null,
            group_value: e.dataset.groupValue ?? null,
            state: e.dataset.state,
            value: e.dataset.value ?? null,
            n: e.dataset.n ?? null,
            text: e.querySelector('.kpi-value').innerText,
            ci: e.querySelector('.kpi-ci')?.innerText ?? null,
            n_text: e.querySelector('.kpi-n')?.innerText ?? null,
            visible: e.offsetParent !== null,
        }))"""
    )


def chart_states(page: Page) -> list[dict[str, Any]]:
    """Every chart container: whether plotly drew it, and its traces' data."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart')).map(e => ({
            name: e.dataset.chart,
            drawn: e.querySelector('svg.main-svg') !== null,
            width: e.getBoundingClientRect().width,
            height: e.getBoundingClientRect().height,
            traces: (e.data || []).map(t => ({name: t.name ?? null,
                x: Array.from(t.x ?? []), y: Array.from(t.y ?? [])})),
        }))"""
    )

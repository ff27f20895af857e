"""GX Data Docs of a run render offline in headless Chromium, with no request leaving the folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import great_expectations
import pytest

from pipelines.quality.data_docs import build_data_docs
from pipelines.quality.data_docs_assets import ASSETS, ASSETS_DIR, GX_IMAGE_BASE, URL_MAP
from pipelines.quality.results import run_suite
from pipelines.quality.suites import load_suites
from tests.test_quality_contract_checks import raw  # noqa: F401  (fixture)

GX_TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
#: A resource a page loads: src= on any tag, href= on <link>.
_LOADED = re.compile(r'<(?:script|img)[^>]*\ssrc="([^"]+)"|<link[^>]*\shref="([^"]+)"')


@pytest.fixture
def site(tmp_path: Path, raw: duckdb.DuckDBPyConnection) -> Path:  # noqa: F811
    """Data Docs of the source suites on a raw schema with one duplicate key."""
    raw.execute("update raw.employees set employee_id = 'E1' where employee_id = 'E2'")
    results = [r for s in load_suites("sources") for r in run_suite(raw, s, "sources")]
    return build_data_docs(
        tmp_path / "data_docs", "20261125T010203Z-2026-11-25-abcdef", results
    ).parent


def _pages(site: Path) -> list[Path]:
    return [
        site / "index.html",
        *sorted(site.glob("validations/**/*.html")),
        *sorted(site.glob("expectations/**/*.html")),
    ]


def test_every_cdn_asset_of_the_gx_templates_is_vendored() -> None:
    # Fails after a GX upgrade that loads a new asset: re-run data_docs_assets.
    urls = set()
    for template in GX_TEMPLATES.glob("*.j2"):
        for src, href in _LOADED.findall(template.read_text()):
            if (src or href).startswith("http"):
                urls.add(src or href)
    assert urls, "no CDN URL found: the template scan is broken"
    assert {u for u in urls if not u.startswith(GX_IMAGE_BASE)} <= set(URL_MAP)
    for asset in ASSETS:
        assert (ASSETS_DIR / asset.local).is_file(), asset.local


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    for page in _pages(site):
        html = page.read_text()
        loaded = [src or href for src, href in _LOADED.findall(html)]
        assert loaded, page
        remote = [u for u in loaded if re.match(r"^[a-z]+://", u)]
        assert remote == [], page
        for url in loaded:  # every relative resource is in the site
            assert (page.parent / url.split("?")[0]).resolve().is_file(), (page, url)


def _open(page_path: Path) -> dict[str, Any]:
    """Load a page in headless Chromium with the network cut; report what happened."""
    from playwright.sync_api import sync_playwright

    from reports.pdf import launch

    log: dict[str, Any] = {"failed": [], "errors": [], "remote": []}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.on("requestfailed", lambda r: log["failed"].append(r.url))
            page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
            page.on("pageerror", lambda e: log["errors"].append(str(e)))

            def route(r: Any) -> None:
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    log["remote"].append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            log["styled"] = page.evaluate(
                "getComputedStyle(document.querySelector('nav.navbar')).display"
            )
            log["libraries"] = page.evaluate(
                "[typeof jQuery, typeof vega, typeof vegaEmbed, typeof $.fn.bootstrapTable]"
            )
            log["text"] = page.inner_text("body")
        finally:
            browser.close()
    return log


def test_the_index_and_every_page_kind_render_offline_without_errors(site: Path) -> None:
    validation = next(site.glob("validations/raw/employees/**/*.html"))
    suite_page = site / "expectations" / "raw" / "employees.html"
    for page in (site / "index.html", validation, suite_page):
        log = _open(page)
        assert log["failed"] == [] and log["remote"] == [] and log["errors"] == [], page
        assert log["styled"] == "flex", "bootstrap's stylesheet did not apply"
        assert log["libraries"] == ["function", "object", "function", "function"]


def test_a_failed_check_shows_with_its_description_and_failing_keys(site: Path) -> None:
    validation = next(site.glob("validations/raw/employees/**/*.html"))
    text = _open(validation)["text"]
    assert "contract: employee_id is unique" in text
    assert "2 unexpected values found" in text
    assert "E1" in text

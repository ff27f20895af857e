"""GX Data Docs for a run's check results, working offline.

The results computed in DuckDB become real GX validation results, stored in
an in-memory GX context, and GX's own site builder renders them (an index,
one validation page per suite, one page per suite's expectations). Then every
CDN URL in the pages is rewritten to a relative path to the vendored copy
(``data_docs_assets.py``), so the site renders the same without a network, as
a file opened from the published folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipelines.quality.data_docs_assets import ASSETS_DIR, GX_IMAGE_BASE, URL_MAP
from pipelines.quality.results import CheckResult

VENDOR_DIR = Path("static") / "vendor"
_SRI = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')


def _run_time(run_id: str) -> datetime:
    """The run's start time from its id (``20261125T010203123Z-...``); now if unparsable."""
    try:
        return datetime.strptime(run_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def _context(site_dir: Path):  # type: ignore[no-untyped-def]
    """An in-memory GX context whose only Data Docs site is ``site_dir``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        data_docs_sites={
            "run": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "show_cta_footer": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def build_data_docs(site_dir: Path, run_id: str, results: list[CheckResult]) -> Path:
    """Render the results as a GX Data Docs site; return its index.html."""
    # GX's filesystem store wants an absolute base directory.
    site_dir = site_dir.resolve()
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    # GX prints a hint for every SQL check without a {batch} placeholder (dbt's
    # compiled tests name their relations themselves); keep the run's output clean.
    with contextlib.redirect_stdout(io.StringIO()):
        _build(site_dir, run_id, results)
    make_offline(site_dir)
    return site_dir / "index.html"


def _build(site_dir: Path, run_id: str, results: list[CheckResult]) -> None:
    import great_expectations as gx
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = _context(site_dir)
    run = RunIdentifier(run_name=run_id, run_time=_run_time(run_id))
    by_suite: dict[str, list[CheckResult]] = {}
    for r in results:
        by_suite.setdefault(r.suite, []).append(r)
    for suite_name, suite_results in by_suite.items():
        configs = {id(r): r.config.to_gx() for r in suite_results if r.config is not None}
        context.suites.add(
            gx.ExpectationSuite(
                name=suite_name, expectations=[c.to_domain_obj() for c in configs.values()]
            )
        )
        evrs = [
            ExpectationValidationResult(
                success=r.success,
                expectation_config=configs.get(id(r)),
                result=r.result,
                exception_info={
                    "raised_exception": r.error is not None,
                    "exception_message": r.error,
                    "exception_traceback": r.error,
                },
            )
            for r in suite_results
        ]
        passed = sum(r.success for r in suite_results)
        validation = ExpectationSuiteValidationResult(
            success=passed == len(suite_results),
            results=evrs,
            suite_name=suite_name,
            statistics={
                "evaluated_expectations": len(suite_results),
                "successful_expectations": passed,
                "unsuccessful_expectations": len(suite_results) - passed,
                "success_percent": 100.0 * passed / len(suite_results),
            },
            meta={
                "run_id": run,
                "great_expectations_version": gx.__version__,
                "batch_spec": {
                    "data_asset_name": suite_results[0].table,
                    "execution": "pushed down into DuckDB (pipelines/quality/sql_engine.py)",
                },
                "validation_time": run.run_time.strftime("%Y%m%dT%H%M%S.%fZ"),
            },
        )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=run,
            batch_identifier=suite_results[0].table,
        )
        context.validation_results_store.set(key, validation)
    context.build_data_docs(site_names=["run"])


def make_offline(site_dir: Path) -> None:
    """Copy the vendored assets into the site and point every page at them."""
    vendor = site_dir / VENDOR_DIR
    shutil.copytree(ASSETS_DIR, vendor, dirs_exist_ok=True)
    # Longest URLs first: no URL is rewritten through a prefix of another.
    urls = sorted(URL_MAP, key=len, reverse=True)
    texts = []
    for page in [*site_dir.rglob("*.html"), *(site_dir / "static" / "styles").glob("*.css")]:
        rel_vendor = os.path.relpath(vendor, page.parent)
        rel_images = os.path.relpath(site_dir / "static" / "images", page.parent)
        text = page.read_text(encoding="utf-8")
        for url in urls:
            text = text.replace(url, f"{rel_vendor}/{URL_MAP[url]}")
        # GX's navbar logo and its dark-mode variant live on S3; the site ships
        # the same logo in static/images.
        text = re.sub(
            re.escape(GX_IMAGE_BASE) + r"[A-Za-z0-9_\-]+\.png",
            f"{rel_images}/logo-long.png",
            text,
        )
        # GX computes the favicon's path one level short on validation pages.
        text = re.sub(r'(?<=")(?:\.\./)*static/images/', f"{rel_images}/", text)
        # Subresource integrity and CORS mode make browsers refuse file:// scripts.
        text = _SRI.sub("", text)
        page.write_text(text, encoding="utf-8")
        texts.append(text)
    _prune_unused(site_dir, "\n".join(texts))


def _prune_unused(site_dir: Path, pages: str) -> None:
    """Drop GX's walkthrough GIFs and fonts that no page loads (3.9 MB a run)."""
    for folder in ("images", "fonts"):
        for path in sorted((site_dir / "static" / folder).rglob("*")):
            if path.is_file() and path.name not in pages:
                path.unlink()
        root = site_dir / "static" / folder
        for path in [*sorted(root.rglob("*"), reverse=True), root]:
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()

"""The whole pipeline on a demo organisation: the KPIs are exact and recover the planted truth.

Three checks of different kinds:
- exactness: ``kpis.json`` equals an independent pandas implementation of the
  dictionary (tests/reference) to 1e-9, and the demo generator's own
  computation of the retention, promotion and engagement KPIs;
- completeness: every KPI named in the dictionary is in the file;
- validity: the planted effects (ground_truth.json) are recovered in direction
  and rough size, and the adjusted gap removes the planted selection bias.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.paths import kpi_catalog_file
from tests.dictionary import DICTIONARY_KPIS
from tests.reference.compare import assert_kpis_match
from tests.reference.kpis_pandas import compute_kpis, load_tables


@pytest.fixture(scope="module")
def published(demo_kpis: dict[str, Any]) -> dict[str, Any]:
    return demo_kpis


def _value(kpis: dict[str, Any], name: str) -> float:
    (entry,) = [k for k in kpis["kpis"] if k["kpi"] == name and k["group"] is None]
    assert entry["value"] is not None, entry
    return float(entry["value"])


def test_kpis_equal_the_independent_pandas_implementation(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    try:
        tables, exported = load_tables(con)
    finally:
        con.close()
    reference = compute_kpis(tables, exported, published["as_of"])
    # every published KPI must be in the reference too: a KPI added without its
    # reference function fails here
    assert_kpis_match(published["kpis"]["kpis"], reference, tol=1e-9, allow_extra_kpis=False)


def test_kpis_equal_the_demo_generators_own_computation(published):
    for name, observed in published["truth"]["observed_kpis"].items():
        (entry,) = [k for k in published["kpis"]["kpis"] if k["kpi"] == name and k["group"] is None]
        assert entry["n"] == observed["n"], name
        assert entry["value"] == pytest.approx(observed["value"], abs=1e-9), name


def test_every_kpi_of_the_dictionary_is_published(published):
    names = DICTIONARY_KPIS
    published_names = {k["kpi"] for k in published["kpis"]["kpis"]}
    assert "retention_12m_mentor" in names and "cross_ethnicity_match_share" in names
    assert names <= published_names, names - published_names
    assert published["kpis"]["as_of"] == published["as_of"].isoformat()


def test_entries_follow_the_dictionary_format(published):
    for entry in published["kpis"]["kpis"]:
        assert {"kpi", "group", "value", "n", "suppressed", "unavailable"} <= set(entry)
        if entry["suppressed"] or entry["unavailable"]:
            assert entry["value"] is None and entry["n"] is None
        elif entry["kpi"].endswith(("_rate", "_share")) or "retention_12m_m" in entry["kpi"]:
            assert 0 <= entry["value"] <= 1, entry


def test_retention_gap_adjusted_recovers_the_true_effect_better_than_the_naive_gap(published):
    kpis, truth = published["kpis"], published["truth"]
    for side in ("mentee", "mentor"):
        true_effect = truth[f"true_retention_12m_effect_{side}"]
        naive = _value(kpis, f"retention_12m_gap_{side}_naive")
        adjusted = _value(kpis, f"retention_12m_gap_{side}_adjusted")
        assert true_effect > 0.03
        # Selection: high performers join more and leave less, inflating the naive gap.
        assert naive > true_effect, side
        assert abs(adjusted - true_effect) < abs(naive - true_effect), side
        assert adjusted == pytest.approx(true_effect, abs=0.04), side


def test_participation_raises_promotion_for_mentees_and_mentors(published):
    kpis = published["kpis"]
    baseline = _value(kpis, "promotion_rate_12m_non_participant")
    assert _value(kpis, "promotion_rate_12m_mentee") > baseline
    assert _value(kpis, "promotion_rate_12m_mentor") > baseline


def test_engagement_uplift_recovers_the_planted_effect(published):
    uplift = _value(published["kpis"], "engagement_uplift_mentee")
    true_effect = published["truth"]["true_engagement_effect_mentee"]
    assert uplift > 0
    assert uplift == pytest.approx(true_effect, abs=0.15)


def test_small_group_is_suppressed_not_zero(published):
    small = published["truth"]["small_groups"]
    entries = [
        k
        for k in published["kpis"]["kpis"]
        if k["kpi"] == "participation_rate" and k["group"] and k["group"].get("ethnicity")
    ]
    suppressed = [k for k in entries if k["suppressed"]]
    assert suppressed, small
    assert all(k["value"] is None and k["n"] is None for k in suppressed)


def test_dbt_docs_site_is_one_offline_file(published):
    """`dbt docs generate --static` inlines manifest and catalog: no server, no network."""
    from playwright.sync_api import sync_playwright

    from reports.pdf import launch

    site = (published["run_dir"] / "dbt_docs.html").resolve()
    requests: list[str] = []
    page_errors: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.goto(site.as_uri(), wait_until="load")
            page.wait_for_selector("text=Mentorship analytics", timeout=15000)
            body = page.inner_text("body")
        finally:
            browser.close()
    remote = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
    assert remote == []
    assert "kpi_summary" in body
    assert not page_errors


def test_analyst_notebook_runs_against_the_published_warehouse(published, monkeypatch):
    """The notebook reads marts only; executing it end to end must not raise."""
    import nbformat
    from nbclient import NotebookClient

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "retention_deep_dive.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    monkeypatch.setenv("MENTORSHIP_WAREHOUSE", str(published["warehouse"]))
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("retention_12m_mentee" in str(o.get("data", "")) for o in outputs)


def test_counts_are_published_as_integers(published):
    with kpi_catalog_file().open(newline="", encoding="utf-8") as fh:
        counts = {row["kpi"] for row in csv.DictReader(fh) if row["is_count"] == "true"}
    assert {"active_matches", "critical_roles", "headcount"} <= counts
    for entry in published["kpis"]["kpis"]:
        if entry["kpi"] in counts and entry["value"] is not None:
            assert isinstance(entry["value"], int), entry

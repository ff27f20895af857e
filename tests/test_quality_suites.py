"""The suites in expectations/ are valid GX suites that follow the contract and cover the marts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from pipelines.contract import SOURCES
from pipelines.paths import kpi_catalog_file, project_dir
from pipelines.quality import generate_suites
from pipelines.quality.suites import (
    EXPECTATIONS_DIR,
    check_name,
    load_suite,
    load_suites,
    severity_of,
)
from tests.dictionary import DICTIONARY_KPIS

PROJECT_DIR = project_dir()
SUITE_FILES = sorted(EXPECTATIONS_DIR.glob("*/*.json"))
MARTS_DIR = PROJECT_DIR / "models" / "marts"


def test_generated_suite_files_match_the_contract() -> None:
    # Fails when contract.py (or the KPI list) changed and the files were not
    # regenerated: run `python -m pipelines.quality.generate_suites`.
    for path, content in generate_suites.generated_files().items():
        assert path.exists(), f"{path} is missing"
        assert path.read_text() == generate_suites.render(content), f"{path} drifted"
    assert generate_suites.main(["--check"]) == 0


def test_every_source_has_a_contract_suite() -> None:
    names = {s.name for s in load_suites("sources")}
    assert {f"raw.{s.name}" for s in SOURCES} | {"raw.file_loads", "raw.quarantine"} <= names


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_suite_file_is_a_valid_gx_expectation_suite(path: Path) -> None:
    import great_expectations as gx

    suite = load_suite(path)
    # GX validates every expectation's kwargs (pydantic) when building it.
    gx_suite = gx.ExpectationSuite(
        name=suite.name, expectations=[c.to_gx().to_domain_obj() for c in suite.expectations]
    )
    assert len(gx_suite.expectations) == len(suite.expectations) > 0
    for config in suite.expectations:
        assert severity_of(config) in ("critical", "warning")
        assert config.description, f"{suite.name} {check_name(config)}: no description"
        if config.type == "unexpected_rows_expectation":
            query = config.kwargs["unexpected_rows_query"]
            assert "{batch}" in query
            # GX's SQL route may substitute `{batch}` with `(<select>) AS subselect`,
            # which cannot take another alias: alias `(select * from {batch}) as r`.
            assert not re.search(r"\{batch\}\s+as\b", query, re.IGNORECASE), query


def test_contract_rules_are_critical_and_future_dates_are_warnings() -> None:
    employees = load_suite(EXPECTATIONS_DIR / "sources" / "employees.json")
    severities = {check_name(c): severity_of(c) for c in employees.expectations}
    assert severities["employee_id unique"] == "critical"
    assert severities["employee_id not null"] == "critical"
    assert severities["job_level between 1 and 15"] == "critical"
    assert severities["hire_date not after the export date"] == "warning"
    # The contract keeps an unknown manager with a warning, never quarantines it.
    assert severities["manager_id references employees.employee_id"] == "warning"


def test_every_mart_has_a_suite() -> None:
    marts = {p.stem for p in MARTS_DIR.glob("*.sql")}
    assert marts, "no marts found"
    suites = {p.stem for p in (EXPECTATIONS_DIR / "marts").glob("*.json")}
    assert marts <= suites, f"marts without a suite: {sorted(marts - suites)}"


def _documented_columns(mart: str) -> list[str]:
    doc = yaml.safe_load((MARTS_DIR / f"{mart}.yml").read_text())
    return [c["name"] for m in doc["models"] if m["name"] == mart for c in m.get("columns", [])]


@pytest.mark.parametrize("mart", sorted(p.stem for p in MARTS_DIR.glob("*.yml")))
def test_rate_share_and_probability_columns_of_marts_are_checked_within_zero_and_one(
    mart: str,
) -> None:
    rates = [c for c in _documented_columns(mart) if re.search(r"_(rate|share|probability)$", c)]
    suite = load_suite(EXPECTATIONS_DIR / "marts" / f"{mart}.json")
    checked = {
        c.kwargs["column"]
        for c in suite.expectations
        if c.type == "expect_column_values_to_be_between"
        and c.kwargs.get("min_value") == 0
        and c.kwargs.get("max_value") == 1
    }
    assert set(rates) <= checked, f"{mart}: rates not checked within [0, 1]"


def test_the_kpi_catalogue_lists_exactly_the_dictionarys_kpis() -> None:
    # The KPI suites read the catalogue (seeds/kpi_catalog.csv) they check
    # against, so the catalogue itself is held to the dictionary here: a KPI
    # dropped from it, or one it invents, fails CI.
    in_dictionary = DICTIONARY_KPIS
    with kpi_catalog_file().open(newline="", encoding="utf-8") as fh:
        catalogued = [row["kpi"] for row in csv.DictReader(fh)]
    assert "headcount" in in_dictionary and "cross_ethnicity_match_share" in in_dictionary
    assert len(catalogued) == len(set(catalogued))
    assert sorted(catalogued) == sorted(in_dictionary)


def test_kpi_suites_name_no_kpi_but_the_ones_they_reconcile() -> None:
    # A new KPI is a catalogue row: the committed KPI suites list no KPIs
    # except those their cross-checks name (reconciliations with the marts,
    # participation and representation suppressed together).
    with kpi_catalog_file().open(newline="", encoding="utf-8") as fh:
        names = [row["kpi"] for row in csv.DictReader(fh)]
    named = {"participation_rate", "representation_index", "active_matches", "critical_roles"}
    named.add("headcount")
    for name in ("kpi_summary", "kpi_history", "kpis_json"):
        text = (EXPECTATIONS_DIR / "marts" / f"{name}.json").read_text()
        listed = {n for n in names if f"'{n}'" in text or f'"{n}"' in text} - named
        assert not listed, f"{name}.json names {sorted(listed)}"

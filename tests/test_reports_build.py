"""The reports of a real nightly run, read as files (no browser).

The run (tests/reports_demo.py) goes through every stage, the report stage
included; these tests check what the files hold: every KPI of kpi_summary,
no personal data, no row-level data in the leadership report, the matches at
risk by id, the reconciliation and checks of the run, self-containment, size.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from pipelines.quality.audit_store import ensure_audit_schema
from reports.build import (
    AHEAD_FOLDER,
    HTML_FILES,
    PDF_FILE,
    LeadershipAhead,
    ReportError,
    build_reports,
)
from reports.dictionary import SPECS_BY_KPI
from reports.page import plotly_js
from reports.workforce import DEPARTMENT_COLUMNS
from tests.reports_demo import REPORTS, DemoRun, key

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(report_demo: DemoRun) -> DemoRun:
    return report_demo


@pytest.fixture(scope="module")
def hr_only(report_demo_hr_only: DemoRun) -> DemoRun:
    return report_demo_hr_only


def _content(html: str) -> str:
    """The page without the inlined plotly.js bundle (which is the same in every file)."""
    return html.replace(plotly_js(), "")


class _KpiAttrs(HTMLParser):
    """Collect the data attributes of every element with class ``kpi``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "kpi" in (a.get("class") or "").split():
            self.found.append(a)


def _kpi_attrs(html: str) -> list[dict[str, str | None]]:
    parser = _KpiAttrs()
    parser.feed(_content(html))
    return parser.found


WORKFORCE_KPIS = {kpi for kpi, *_ in DEPARTMENT_COLUMNS} | {
    "engagement_score_avg",
    "engagement_favorable_share",
    "representation_share",
    "leadership_representation_share",
}


def _csv_column(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row[column].strip() for row in csv.DictReader(fh) if row.get(column, "").strip()}


def test_the_report_stage_registers_every_report_in_the_manifest(demo):
    outputs = demo.manifest["outputs"]
    for name, file in HTML_FILES.items():
        assert outputs[name] == file
        assert (demo.run_dir / file).stat().st_size > 0
    assert outputs["program_impact_pdf"] == PDF_FILE


def test_every_kpi_in_kpi_summary_has_a_plain_language_definition(demo):
    missing = {k.kpi for k in demo.kpis()} - set(SPECS_BY_KPI)
    assert not missing


def test_every_row_of_kpi_summary_is_shown_in_the_leadership_or_the_workforce_report(demo):
    def shown(report: str) -> set[tuple[str | None, ...]]:
        return {
            (a["data-kpi"], a.get("data-group-attribute"), a.get("data-group-value"))
            for a in _kpi_attrs(demo.html(report))
        }

    leadership, workforce = shown("program_impact"), shown("workforce")
    expected = {key(k) for k in demo.kpis()}
    assert expected - (leadership | workforce) == set()
    assert (leadership | workforce) - expected == set()
    # the workforce report holds every workforce KPI, each department included
    assert {k for k in expected if k[0] in WORKFORCE_KPIS} <= workforce


def test_the_demo_exercises_suppression_so_the_privacy_tests_mean_something(demo):
    kpis = demo.kpis()
    assert any(k.suppressed for k in kpis if k.group_attribute == "gender")
    assert any(k.suppressed for k in kpis if k.group_attribute == "ethnicity")


def test_every_suppressed_group_value_shows_withheld_and_nothing_else(demo):
    kpis = {key(k): k for k in demo.kpis()}
    for report in ("program_impact", "workforce"):
        for a in _kpi_attrs(demo.html(report)):
            k = kpis[(a["data-kpi"], a.get("data-group-attribute"), a.get("data-group-value"))]
            assert (a["data-state"] == "suppressed") == k.suppressed, (report, a)
            if k.suppressed:
                assert "data-value" not in a and "data-n" not in a, (report, a)


def test_no_name_email_or_comment_appears_in_any_report(demo):
    names = _csv_column(demo.drop / "employees.csv", "full_name")
    emails = _csv_column(demo.drop / "employees.csv", "email")
    comments = _csv_column(demo.drop / "feedback.csv", "comment")
    assert names and emails and comments  # the demo's exports do carry personal data
    for report in REPORTS:
        text = _content(demo.html(report))
        leaked = [v for v in (*names, *emails, *comments) if len(v) > 6 and v in text]
        assert not leaked, f"{report}: {leaked[:3]}"


def test_the_leadership_report_holds_no_row_level_data_about_anyone(demo):
    ids = {r[0] for r in demo.query("select employee_id from raw.employees")}
    ids |= {r[0] for r in demo.query("select match_id from raw.matches")}
    text = _content(demo.html("program_impact"))
    tokens = set(re.findall(r"[A-Za-z0-9_-]+", text))
    assert not ids & tokens


def test_the_operations_report_lists_every_match_at_risk_by_match_mentor_and_mentee_id(demo):
    at_risk = demo.query(
        "select match_id, mentor_id, mentee_id from mart_match_activity where is_at_risk"
    )
    assert at_risk, "the demo should have matches at risk"
    html = _content(demo.html("program_operations"))
    table = html[html.index('id="matches-at-risk"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>[^<]*</td><td>[^<]*</td><td>([^<]+)</td><td>([^<]+)</td>", table
    )
    assert sorted(rows) == sorted(at_risk)


def test_the_data_quality_report_reconciles_every_source_file_of_the_run(demo):
    html = _content(demo.html("data_quality"))
    table = html[html.index('id="reconciliation"') :]
    table = table[: table.index("</table>")]
    for source in demo.manifest["sources"]:
        row = re.search(rf"<tr><td>{source['source']}</td>(.*?)</tr>", table)
        assert row, source["source"]
        numbers = [
            int(n.replace(",", "")) for n in re.findall(r'<td class="num">([\d,]+)</td>', row[1])
        ]
        assert numbers[:3] == [
            source["rows_read"],
            source["rows_accepted"],
            source["rows_quarantined"],
        ]
        assert "✗" not in row[1]


def test_the_data_quality_report_states_every_input_sha256(demo):
    for report in REPORTS:
        html = demo.html(report)
        for source in demo.manifest["sources"]:
            assert source["sha256"] in html


def test_every_report_states_the_as_of_date_and_run_id_at_the_top(demo):
    for report in REPORTS:
        html = demo.html(report)
        header = html[: html.index("</header>")]
        assert f'<dd id="as-of">{demo.manifest["as_of"]}</dd>' in header
        assert demo.manifest["run_id"] in header


def test_every_warning_of_the_run_is_shown_at_the_top_of_every_report(demo):
    assert demo.manifest["warnings"], "the demo plants unknown managers: a warning"
    for report in REPORTS:
        html = demo.html(report)
        header = html[html.index("<header>") : html.index("</header>")]
        for warning in demo.manifest["warnings"]:
            assert html_escape(warning) in header


def test_each_report_is_self_contained_and_names_no_url(demo):
    for report in REPORTS:
        text = _content(demo.html(report))
        assert "<script src" not in text and "<link" not in text
        assert not re.search(r"https?://", text), report


def test_each_report_stays_near_the_size_of_the_plotly_bundle(demo):
    bundle = len(plotly_js().encode())
    for report in REPORTS:
        size = demo.report(report).stat().st_size
        # one bundle, plus well under a megabyte of content
        assert bundle < size < bundle + 1_000_000, (report, size)


def test_reports_refuse_a_warehouse_that_holds_another_run(demo, tmp_path):
    manifest = {**demo.manifest, "run_id": "another-run"}
    with pytest.raises(ReportError, match="another-run"):
        build_reports(demo.warehouse, tmp_path, manifest, pdf=False)


def test_check_history_shows_a_failed_check_of_an_earlier_run(demo, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(demo.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    ensure_audit_schema(con)
    con.execute(
        """
        insert into audit.check_results (run_id, as_of, stage, suite, check_name,
            expectation_type, severity, success, failing_keys_sample)
        values ('00000000T000000Z-2026-10-31-aaaaaa', date '2026-10-31', 'sources',
                'raw.employees', 'employee_id unique', 'expect_column_values_to_be_unique',
                'critical', false, '[]')
        """
    )
    con.close()
    build_reports(warehouse, tmp_path / "run", demo.manifest, pdf=False)
    html = (tmp_path / "run" / "data_quality.html").read_text()
    table = html[html.index('id="check-history"') :]
    row = re.search(
        r"<tr><td>raw\.employees</td><td>employee_id unique</td><td>[a-z]+</td><td>([^<]*)</td>",
        table,
    )
    assert row and row[1].startswith("✗")


def test_an_hr_only_run_says_why_each_mentoring_kpi_is_missing_and_never_shows_zero(hr_only):
    kpis = {key(k): k for k in hr_only.kpis()}
    attrs = _kpi_attrs(hr_only.html("program_impact"))
    unavailable = [a for a in attrs if a["data-state"] == "unavailable"]
    assert len(unavailable) > 10
    for a in unavailable:
        k = kpis[(a["data-kpi"], a.get("data-group-attribute"), a.get("data-group-value"))]
        assert k.unavailable
    html = _content(hr_only.html("program_impact"))
    assert "not available: matches" in html
    assert "matches was not exported" in html or "matches, programs were not exported" in html


def test_an_hr_only_run_says_at_the_top_that_no_mentoring_export_was_given(hr_only):
    text = _content(hr_only.html("program_impact"))
    banner = text.index("No mentoring export was given")
    assert banner < text.index("Headlines")
    for source in ("programs", "enrollments", "matches", "sessions", "feedback"):
        assert source in text[banner : banner + 400]
    workforce = _content(hr_only.html("workforce"))
    assert "No mentoring export was given" in workforce
    assert "not available" not in workforce.split("The programs against these baselines")[0]


def test_a_missing_chromium_skips_the_pdf_with_a_warning_and_keeps_the_html(
    demo, tmp_path, monkeypatch
):
    monkeypatch.setenv("MENTORSHIP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = build_reports(demo.warehouse, tmp_path / "run", demo.manifest, pdf=True)
    assert "program_impact_pdf" not in result.outputs
    assert not (tmp_path / "run" / PDF_FILE).exists()
    assert any("program_impact.pdf was not produced" in w for w in result.warnings)
    assert set(HTML_FILES) <= set(result.outputs)


def test_without_playwright_the_pdf_is_skipped_with_one_warning_and_the_html_is_written(
    demo, tmp_path, monkeypatch
):
    # as on an install without the pdf extra (requirements/runtime.txt)
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    run_dir = tmp_path / "run"
    result = build_reports(demo.warehouse, run_dir, demo.manifest, pdf=True)
    assert "program_impact_pdf" not in result.outputs
    assert not (run_dir / PDF_FILE).exists()
    for name, file in HTML_FILES.items():
        assert result.outputs[name] == file
        assert (run_dir / file).stat().st_size == result.bytes[name] > 0
    assert (run_dir / "program_impact.html").read_bytes() == demo.report(
        "program_impact"
    ).read_bytes()
    assert result.warnings == [
        "program_impact.pdf was skipped: playwright is not installed "
        "(to print it: pip install 'mentorship-analytics[pdf]')"
    ]


def test_rebuilding_from_the_published_manifest_gives_the_same_leadership_report(demo, tmp_path):
    from reports.build import main

    main(["--run-dir", str(demo.run_dir), "--out", str(tmp_path), "--no-pdf"])
    assert (tmp_path / "program_impact.html").read_bytes() == demo.report(
        "program_impact"
    ).read_bytes()
    assert (tmp_path / "program_operations.html").read_bytes() == demo.report(
        "program_operations"
    ).read_bytes()


def _ahead(demo: DemoRun, run_dir: Path, manifest: dict) -> LeadershipAhead:
    def connect() -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(demo.warehouse), read_only=True)

    return LeadershipAhead(run_dir, manifest, connect).start()


def test_the_leadership_report_made_during_the_checks_is_taken_when_its_header_holds(
    demo, tmp_path
):
    run_dir = tmp_path / "run"
    ahead = _ahead(demo, run_dir, demo.manifest)
    result = build_reports(demo.warehouse, run_dir, demo.manifest, pdf=True, ahead=ahead)
    assert result.seconds["program_impact"] == ahead.seconds  # taken, not built again
    assert (run_dir / "program_impact.html").read_bytes() == demo.report(
        "program_impact"
    ).read_bytes()
    assert (run_dir / PDF_FILE).read_bytes().startswith(b"%PDF")
    assert result.outputs["program_impact_pdf"] == PDF_FILE
    assert not (run_dir / AHEAD_FOLDER).exists()


def test_the_leadership_report_is_made_again_when_the_checks_add_a_warning(demo, tmp_path):
    run_dir = tmp_path / "run"
    ahead = _ahead(demo, run_dir, demo.manifest)
    warning = "check failed (warning): a warning the mart checks added"
    final = {**demo.manifest, "warnings": [*demo.manifest.get("warnings", []), warning]}
    result = build_reports(demo.warehouse, run_dir, final, pdf=True, ahead=ahead)
    assert html_escape(warning) in (run_dir / "program_impact.html").read_text()
    assert (run_dir / PDF_FILE).read_bytes().startswith(b"%PDF")
    assert result.outputs["program_impact_pdf"] == PDF_FILE
    assert not (run_dir / AHEAD_FOLDER).exists()


def test_a_leadership_report_made_ahead_and_not_taken_leaves_nothing(demo, tmp_path):
    run_dir = tmp_path / "run"
    _ahead(demo, run_dir, demo.manifest).close()  # the run stopped: a check failed
    assert list(run_dir.iterdir()) == []

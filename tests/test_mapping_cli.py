"""``mentorship mapping check`` and ``mapping init`` on the real HR dataset."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import ExitCode
from pipelines.mapping.init import draft_mapping

REPO = Path(__file__).resolve().parent.parent
HRDATASET = REPO.parent / "shared" / "datasets" / "hris" / "HRDataset_v14.csv"
SHIPPED = REPO / "mappings" / "hrdataset_v14.yaml"
runner = CliRunner()


@pytest.fixture
def hr_drop(tmp_path: Path) -> Path:
    drop = tmp_path / "inbox" / "2020-11-24"
    drop.mkdir(parents=True)
    shutil.copyfile(HRDATASET, drop / HRDATASET.name)
    return drop


def _check(mapping: Path, drop: Path) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["mapping", "check", str(mapping), "--inbox", str(drop)], terminal_width=200
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["check", "init"])
def test_every_mapping_command_has_help_text_and_is_in_the_readme(command):
    result = runner.invoke(app, ["mapping", command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.split()) > 20
    assert f"mentorship mapping {command}" in (REPO / "README.md").read_text()


def test_check_shows_each_source_fed_ignored_first_rows_and_writes_nothing(hr_drop, tmp_path):
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, out, err = _check(SHIPPED, hr_drop)
    assert code == 0, err
    for source in ("employees", "performance_reviews", "engagement_surveys"):
        assert f"{source} from HRDataset_v14.csv" in out
    assert out.count("311 rows read: 311 accepted, 0 quarantined") == 3
    assert "birth_year          expression year(DOB)" in out
    assert "input columns ignored: MarriedID, MaritalStatusID" in out
    assert "first rows as they would load" in out and "10026" in out
    assert "Adinolfi" not in out, "names are never read"
    assert "mapping is valid; 0 row(s) would be quarantined" in out
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_check_counts_the_rows_that_would_be_quarantined_and_why(hr_drop, tmp_path):
    changed = SHIPPED.read_text().replace("          CIO: 12\n", "")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(changed)
    code, out, _ = _check(mapping, hr_drop)
    assert code == 0
    assert out.count("311 rows read: 310 accepted, 1 quarantined") == 3
    line = 1 + HRDATASET.read_text(encoding="utf-8-sig").splitlines().index(
        next(r for r in HRDATASET.read_text(encoding="utf-8-sig").splitlines() if ",CIO," in r)
    )
    assert (
        "  1 × job_level: unparsable value '…' (expected a whole number) "
        f"(first, line {line}: unparsable value 'CIO' (expected a whole number))"
    ) in out
    assert "references a quarantined employees row" in out
    assert "mapping is valid; 3 row(s) would be quarantined" in out


def test_check_of_a_wrong_mapping_is_one_line_naming_file_line_and_column(hr_drop, tmp_path):
    mapping = tmp_path / "m.yaml"
    text = SHIPPED.read_text().replace("manager_id: ManagerID", "manager_id: ManagerNo")
    mapping.write_text(text)
    line = 1 + text.splitlines().index("      manager_id: ManagerNo")
    code, _, err = _check(mapping, hr_drop)
    assert code == ExitCode.BAD_INPUT
    assert err.strip() == (
        f"error: {mapping}, line {line}: employees.manager_id: input column 'ManagerNo' is not "
        "in HRDataset_v14.csv (did you mean 'ManagerID'?)"
    )


#: The edits the README's "try it on real data" says the draft needs: the two TODOs.
README_EDITS = {
    "      # job_level: TODO": "      job_level: {value: 1}",
    "      # survey_date: TODO": "      survey_date: {sql: as_of()}",
}


def _apply_readme_edits(draft: str) -> str:
    lines = draft.splitlines()
    for prefix, replacement in README_EDITS.items():
        [index] = [i for i, line in enumerate(lines) if line.startswith(prefix)]
        lines[index] = replacement
    return "\n".join(lines) + "\n"


def test_init_drafts_a_mapping_of_the_hr_dataset_that_checks_after_the_readme_edits(
    hr_drop, tmp_path
):
    draft = draft_mapping([HRDATASET], today=date(2026, 11, 25))
    for guess in (
        "    encoding: utf-8  # guessed: UTF-8 with a byte-order mark",
        '      formats: ["%m/%d/%y"]  # guessed from DOB, DateofHire, DateofTermination, '
        "LastPerformanceReview_Date",
        "      two_digit_year_pivot: 2026",
        "    personal: [Employee_Name, Zip, ManagerName]",
        "      employee_id: EmpID  # header 'EmpID' is a usual name for employee_id",
        "      birth_year: {sql: year(DOB)}",
        '          N/A-StillEmployed: ""  # guessed: not a reason',
        "          retiring: retirement  # guessed",
        "          Exceeds: 4  # guessed",
    ):
        assert guess in draft
    draft_file = tmp_path / "draft.yaml"
    draft_file.write_text(draft)
    code, _, err = _check(draft_file, hr_drop)
    assert code == ExitCode.BAD_INPUT and "employees: required column job_level is not fed" in err
    draft_file.write_text(_apply_readme_edits(draft))
    code, out, err = _check(draft_file, hr_drop)
    assert code == 0, err
    assert out.count("311 rows read: 311 accepted, 0 quarantined") == 3


def test_init_writes_a_file_only_when_asked_and_never_over_one(tmp_path):
    target = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["mapping", "init", str(HRDATASET), "--out", str(target)])
    assert result.exit_code == 0 and target.read_text().startswith("# Drafted by")
    again = runner.invoke(app, ["mapping", "init", str(HRDATASET), "--out", str(target)])
    assert again.exit_code == ExitCode.BAD_INPUT and "already exists" in again.stderr

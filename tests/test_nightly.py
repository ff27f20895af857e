"""``mentorship run --inbox ROOT``: catch up every drop not yet published, skip what was seen.

These runs ingest only (the choice of drops and the publication do not depend
on the stages); ``test_nightly_e2e.py`` does the same with the whole pipeline.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pipelines.cli import EXIT_CODES_HELP, app
from pipelines.errors import ExitCode
from pipelines.nightly import DropOutcome, exit_code
from pipelines.publish import published_manifest, runs_root
from pipelines.run_history import past_runs
from pipelines.stages import ingest_stage
from tests.conftest import EMPLOYEES_HEADER, write_csv

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(autouse=True)
def ingest_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipelines.run.default_stages", lambda: [("ingest", ingest_stage)])


def _drop(inbox: Path, day: str, n: int) -> Path:
    rows = [[f"{i:03d}", f"P{i}", "2020-01-01", "Sales", "3"] for i in range(n)]
    return write_csv(inbox / day / "employees.csv", EMPLOYEES_HEADER, rows).parent


def _run(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app,
        [
            "run",
            "--out",
            str(tmp_path / "published"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            *args,
        ],
    )


def _published_as_of(tmp_path: Path) -> list[str]:
    return [str(r["as_of"]) for r in past_runs(tmp_path / "w.duckdb") if r["status"] == "published"]


def test_an_inbox_catches_up_every_drop_not_yet_published_oldest_first(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for n, day in enumerate(("2026-11-24", "2026-11-22", "2026-11-23"), start=1):
        _drop(inbox, day, n)
    result = _run(tmp_path, "--inbox", str(inbox))
    assert result.exit_code == 0, result.output
    assert _published_as_of(tmp_path) == ["2026-11-22", "2026-11-23", "2026-11-24"]
    assert published_manifest(tmp_path / "published")["as_of"] == "2026-11-24"  # type: ignore[index]
    # a missed night: two new drops, one command
    _drop(inbox, "2026-11-26", 5)
    _drop(inbox, "2026-11-25", 4)
    assert _run(tmp_path, "--inbox", str(inbox)).exit_code == 0
    assert _published_as_of(tmp_path)[-2:] == ["2026-11-25", "2026-11-26"]
    again = _run(tmp_path, "--inbox", str(inbox))
    assert (
        again.exit_code == 0
        and "nothing new: the newest drop is published (as of 2026-11-26"
        in " ".join(again.output.split())
    )
    assert len(_published_as_of(tmp_path)) == 5


def test_a_drop_with_the_published_files_is_skipped_saying_so(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _drop(inbox, "2026-11-24", 3)
    assert _run(tmp_path, "--inbox", str(inbox)).exit_code == 0
    shutil.copytree(inbox / "2026-11-24", inbox / "2026-11-25")
    folders = set(runs_root(tmp_path / "published").iterdir())
    result = _run(tmp_path, "--inbox", str(inbox))
    assert result.exit_code == 0
    assert "2026-11-25: same files (SHA-256) as the published drop" in " ".join(
        result.output.split()
    )
    assert set(runs_root(tmp_path / "published").iterdir()) == folders  # nothing ran
    forced = _run(tmp_path, "--inbox", str(inbox), "--force")
    assert forced.exit_code == 0
    assert _published_as_of(tmp_path)[-1] == "2026-11-25"


def test_an_explicit_drop_already_published_or_older_is_skipped_unless_forced(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    older, newer = _drop(inbox, "2026-11-23", 2), _drop(inbox, "2026-11-24", 3)
    assert _run(tmp_path, "--inbox", str(newer)).exit_code == 0
    same = _run(tmp_path, "--inbox", str(newer))
    assert same.exit_code == 0 and "already published" in same.output
    old = _run(tmp_path, "--inbox", str(older))
    assert old.exit_code == 0 and "older than the published drop" in " ".join(old.output.split())
    assert len(_published_as_of(tmp_path)) == 1
    assert _run(tmp_path, "--inbox", str(older), "--force").exit_code == 0
    assert _published_as_of(tmp_path) == ["2026-11-24", "2026-11-23"]


def test_drops_dated_in_the_future_or_broken_are_refused_and_never_block_the_others(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    _drop(inbox, "2026-11-23", 2)
    _drop(inbox, "9999-12-31", 2)
    _drop(inbox, "2062-11-25", 3)
    _drop(inbox, "2026-02-30", 2)
    (inbox / "2026-11-24").mkdir()
    write_csv(inbox / "2026-11-24" / "matches.csv", ["match_id"], [["M1"]])
    result = _run(tmp_path, "--inbox", str(inbox))
    output = " ".join(result.output.split())
    assert result.exit_code == ExitCode.BAD_INPUT, output
    assert _published_as_of(tmp_path) == ["2026-11-23"]
    assert "9999-12-31: dated 9999-12-31, after today" in output
    assert "2062-11-25: dated 2062-11-25, after today" in output
    assert "pass --as-of 2062-11-25 if that date is meant" in output
    assert "'2026-02-30' is not a date" in output
    assert "2026-11-24: employees.csv (or .xlsx/.parquet) is missing" in output
    assert "Traceback" not in output and "out of range" not in output
    # --as-of says the 2062 drop is meant: it runs (9999 is still not due)
    meant = _run(tmp_path, "--inbox", str(inbox), "--as-of", "2062-11-25")
    assert _published_as_of(tmp_path) == ["2026-11-23", "2062-11-25"], meant.output
    assert meant.exit_code == ExitCode.BAD_INPUT  # the broken folders are still named


def test_the_exit_code_is_the_most_serious_outcome() -> None:
    def outcome(code: ExitCode) -> DropOutcome:
        return DropOutcome(Path("d"), None, "x", "m", code)

    assert exit_code([]) == ExitCode.PUBLISHED
    assert exit_code([outcome(ExitCode.PUBLISHED), outcome(ExitCode.BAD_INPUT)]) == 2
    assert exit_code([outcome(ExitCode.BAD_INPUT), outcome(ExitCode.CHECKS_FAILED)]) == 1
    assert exit_code([outcome(ExitCode.CHECKS_FAILED), outcome(ExitCode.INTERNAL_ERROR)]) == 70


def test_exit_codes_are_documented_in_the_help_and_the_readme() -> None:
    help_text = " ".join(CliRunner().invoke(app, ["run", "--help"]).output.split())
    readme = README.read_text()
    for code in ExitCode:
        assert f"{code.value} = " in EXIT_CODES_HELP
        assert f"{code.value} =" in help_text, code
        assert f"| {code.value} |" in readme, code


def test_a_config_file_gives_the_paths_and_options_win(tmp_path: Path) -> None:
    _drop(tmp_path / "site" / "inbox", "2026-11-24", 2)
    config = tmp_path / "site" / "mentorship.toml"
    config.write_text('inbox = "inbox"\nwarehouse = "w.duckdb"\nout = "published"\nkeep_runs = 3\n')
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert published_manifest(tmp_path / "site" / "published") is not None
    assert (tmp_path / "site" / "w.duckdb").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('inbox = "x"\nwarehuose = "y"\n')
    refused = CliRunner().invoke(app, ["run", "--config", str(bad)])
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "unknown key(s) warehuose" in refused.output

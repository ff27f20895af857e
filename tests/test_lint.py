"""The code stays ruff-clean (lint and format): a style drift fails the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["pipelines", "reports", "tests"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ruff_finds_nothing():
    result = _ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_ruff_formatted():
    result = _ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_imports_keep_their_layers():
    """import-linter's contracts (``.importlinter``): no cycle, reports never see the run."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), ".importlinter"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_import_contracts_can_break(tmp_path):
    """A contract the code breaks fails lint-imports, naming the import."""
    config = (ROOT / ".importlinter").read_text()
    # One more contract that the code breaks on purpose (reports.queries does
    # import pipelines.paths): lint-imports must say so and fail.
    broken = config + (
        "\n[importlinter:contract:probe]\nname = probe\ntype = forbidden\n"
        "source_modules =\n    reports\nforbidden_modules =\n    pipelines.paths\n"
    )
    probe = tmp_path / "probe.ini"
    probe.write_text(broken)
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "reports.queries -> pipelines.paths" in result.stdout

"""``manifest.json``: what a run read, did and produced (contract section 5)."""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pipelines

_DEPENDENCIES = (
    "duckdb",
    "dbt-core",
    "dbt-duckdb",
    "great-expectations",
    "pandas",
    "pyarrow",
    "plotly",
)


def code_version() -> dict[str, str | None]:
    """The package version and, when run from a git checkout, the commit."""
    commit: str | None = None
    try:
        repo = Path(__file__).resolve().parent.parent
        commit = (
            subprocess.run(
                ["git", "-C", str(repo), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                check=True,
                timeout=5,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": pipelines.__version__, "git_commit": commit}


def dependency_versions() -> dict[str, str | None]:
    """Installed versions of the main dependencies."""
    versions: dict[str, str | None] = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest with stable key order."""
    path.write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")

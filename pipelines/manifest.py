"""``manifest.json``: what a run read, did and produced (contract section 5)."""

from __future__ import annotations

import json
import os
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
    """Write the manifest with stable key order, atomically (readers see a whole file)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n")
    os.replace(temporary, path)


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest file's content, or None when it is missing or unreadable."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return manifest if isinstance(manifest, dict) else None

"""``manifest.json``: what a run read, did and produced (contract section 5)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pipelines
from pipelines.contract import LOAD_ORDER
from pipelines.paths import project_dir

if TYPE_CHECKING:  # the manifest reads a context; it does not depend on the run
    from pipelines.context import RunContext

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
        repo = project_dir()
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


def _versions(ctx: RunContext) -> tuple[dict[str, Any], dict[str, Any]]:
    """Code and dependency versions, looked up once per run (the manifest is rewritten often)."""
    if ctx.versions is None:
        ctx.versions = (code_version(), dependency_versions())
    return ctx.versions


def build_manifest(
    ctx: RunContext, status: str, error: str | None = None, exit_code: int | None = None
) -> dict[str, Any]:
    """The manifest's content as the run knows it now (contract section 5).

    Written when the run starts (status ``running``), at every stage, before
    it publishes (``publishing``) and when it ends (``published`` or
    ``failed``); the data-quality report shows the ``publishing`` one.
    """
    exported = {load.source for load in ctx.loads}
    code, dependencies = _versions(ctx)
    return {
        "run_id": ctx.run_id,
        "as_of": ctx.as_of.isoformat(),
        "status": status,
        "stage": ctx.stage,
        "error": error,
        "exit_code": exit_code,
        "started_at": ctx.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "code": code,
        "dependencies": dependencies,
        "drop": str(ctx.drop.folder),
        "mapping": ctx.drop.mapping.manifest_record() if ctx.drop.mapping else None,
        "warehouse": str(ctx.target),
        # where dbt built the models (mentorship run --target)
        "target": ctx.dbt_target,
        "sources": [load.manifest_record() for load in ctx.loads],
        # SHA-256 of every input file (and of the mapping): the next night's
        # drop with the same fingerprint is skipped
        "fingerprint": dict(ctx.source_files),
        "sources_not_exported": sorted(set(LOAD_ORDER) - exported),
        "unknown_files": list(ctx.drop.unknown_files),
        "warnings": list(ctx.warnings),
        "checks": list(ctx.checks),
        "stage_seconds": {k: round(v, 3) for k, v in ctx.stage_seconds.items()},
        "outputs": dict(ctx.outputs),
    }

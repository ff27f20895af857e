"""Keep the last N published run folders of an output and prune older ones.

A run folder holds about 40 MB (dbt artifacts, four HTML reports); nightly
runs would fill a disk in a few years. After each publication the published
run folders beyond the newest ``keep`` are removed, and with them the failed
or interrupted folders older than the oldest one kept. The publication
itself is never removed, nor a folder of a run still running, nor anything
in the warehouse: ``audit.runs`` and ``audit.check_results`` keep every run's
record forever.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.manifest import read_manifest
from pipelines.publish import published_run_dir, runs_root

_FINISHED = frozenset({"published", "failed", "interrupted"})


def prune_run_folders(out: Path, keep: int) -> list[Path]:
    """Remove the run folders of ``out`` beyond the last ``keep`` published; return them."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    root = runs_root(out)
    if not root.is_dir():
        return []
    current = published_run_dir(out)
    current = current.resolve() if current is not None else None
    folders = []
    for folder in root.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        manifest = read_manifest(folder / "manifest.json") or {}
        order = (str(manifest.get("started_at") or ""), folder.name)
        folders.append((order, folder.resolve(), manifest.get("status")))
    folders.sort()
    published = [(order, f) for order, f, status in folders if status == "published"]
    kept = dict(published[-keep:])
    kept_orders = [order for order, _ in published[-keep:]]
    oldest_kept = min(kept_orders) if kept_orders else None
    removed = []
    for order, folder, status in folders:
        if order in kept or folder == current:
            continue
        if status == "published" or (
            status in _FINISHED and oldest_kept is not None and order < oldest_kept
        ):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed

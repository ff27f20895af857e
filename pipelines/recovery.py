"""What a run does first: finish or record whatever a killed run left behind.

Runs only with the output's and the warehouse's locks held, so anything it
finds in the journal as ``running`` belongs to a process that is gone. Per
journal entry (``run_journal.py``):

- the warehouse's ``audit.runs`` holds the run: it passed and was committed
  (the warehouse was swapped in) but died before ``<out>`` was repointed or
  its manifest finished: the publication is completed now;
- otherwise the run died before its commit: its manifest and entry say
  ``interrupted``, and the entry is carried into the next published warehouse.

Build folders and half-created run folders of dead runs are removed. Nothing
here needs a person: the next night simply runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb

from pipelines import run_journal
from pipelines.errors import RunInProgress
from pipelines.locks import held
from pipelines.manifest import read_manifest, write_manifest
from pipelines.publish import publish, published_run_dir, runs_root
from pipelines.run_audit import run_ids
from pipelines.warehouse_build import leftover_builds, warehouse_open_error


def recorded_runs(warehouse: Path) -> set[str]:
    """The run ids in the warehouse's ``audit.runs`` (read-only; empty without a warehouse)."""
    if not warehouse.exists():
        return set()
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise warehouse_open_error(warehouse, exc) from None
    try:
        return run_ids(con)
    finally:
        con.close()


def _set_manifest_status(run_dir: Path, status: str, **fields: Any) -> None:
    path = run_dir / "manifest.json"
    manifest = read_manifest(path)
    if manifest is None or manifest.get("status") == status:
        return
    manifest.update(status=status, **fields)
    write_manifest(path, manifest)


def _finish_publication(entry: dict[str, Any], out: Path) -> str | None:
    """Complete the publication of a committed run; None when its output is busy."""
    entry_out, run_dir = Path(entry["out"]), Path(entry["run_dir"])
    if entry_out != out:
        try:
            with held(entry_out, "output folder"):
                return _finish_publication(entry, entry_out)
        except RunInProgress:
            return None
    if not run_dir.is_dir():
        return ""
    notice = ""
    current = published_run_dir(entry_out)
    if current is None or current.resolve() != run_dir.resolve():
        publish(entry_out, run_dir)
        notice = (
            f"run {entry['run_id']} (as of {entry['as_of']}) passed and was committed to the "
            f"warehouse but stopped before publishing; {entry_out} now shows it"
        )
    _set_manifest_status(run_dir, "published", exit_code=0, error=None)
    return notice


def _mark_interrupted(warehouse: Path, entry: dict[str, Any]) -> str:
    stage = entry.get("stage") or "start"
    error = (
        f"interrupted during {stage}: the run's process (pid {entry.get('pid')}) ended before "
        "the run finished (killed, or the machine stopped); nothing was published"
    )
    entry.update(status="interrupted", error=error, exit_code=None)
    run_journal.write_entry(warehouse, entry)
    run_dir = Path(entry["run_dir"])
    if run_dir.is_dir():
        _set_manifest_status(run_dir, "interrupted", error=error, exit_code=None)
    return f"run {entry['run_id']} (as of {entry['as_of']}) was interrupted during {stage}"


def recover(out: Path, warehouse: Path) -> list[str]:
    """Finish or record what dead runs left; return one notice per thing done."""
    entries = run_journal.entries(warehouse)
    leftovers = leftover_builds(warehouse)
    root = runs_root(out)
    starting = sorted(root.glob(".*.starting")) if root.is_dir() else []
    notices: list[str] = []
    recorded = recorded_runs(warehouse) if entries else set()
    for entry in entries:
        committed = entry["run_id"] in recorded
        if entry.get("status") in ("running", "publishing"):
            if not committed:
                notices.append(_mark_interrupted(warehouse, entry))
                continue
            notice = _finish_publication(entry, out)
            if notice is None:  # its output is busy: the run for that output finishes it
                continue
            if notice:
                notices.append(notice)
        if committed:  # the warehouse holds the run: its journal entry is done
            run_journal.remove_entries(warehouse, {entry["run_id"]})
    for folder in [*leftovers, *starting]:
        shutil.rmtree(folder, ignore_errors=True)
    if leftovers:
        notices.append(f"removed {len(leftovers)} unfinished warehouse build(s) of dead runs")
    return notices

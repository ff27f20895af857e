"""Run folders and atomic publication.

Every run writes into its own folder, ``<out>-runs/<run_id>/``, kept for the
audit trail whether it published or not (``pipelines/retention.py`` prunes
old ones). Publishing points ``<out>`` (a symbolic link) at the run folder with
one ``rename``, which is atomic: a reader, or a ``kill -9`` at any moment, sees
either the previous publication or the new one, never a mix. A failed run
never touches ``<out>``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines import locks
from pipelines.errors import InputError
from pipelines.manifest import read_manifest, write_manifest


def runs_root(out: Path) -> Path:
    """The folder holding every run folder of the publication ``out``."""
    return out.parent / f"{out.name}-runs"


def new_run_dir(out: Path, run_id: str) -> Path:
    """Create the run's own folder (empty)."""
    run_dir = runs_root(out) / run_id
    run_dir.mkdir(parents=True, exist_ok=False)
    return run_dir


def start_run_dir(out: Path, run_id: str, manifest: dict[str, Any]) -> Path:
    """Create the run's folder holding its first manifest, in one ``rename``.

    The folder is made under a hidden name, the manifest (status ``running``)
    written into it, then the folder renamed: a run folder never exists
    without a manifest, whenever the run is killed.
    """
    root = runs_root(out)
    root.mkdir(parents=True, exist_ok=True)
    starting = root / f".{run_id}.starting"
    starting.mkdir()
    write_manifest(starting / "manifest.json", manifest)
    run_dir = root / run_id
    os.rename(starting, run_dir)
    return run_dir


def published_run_dir(out: Path) -> Path | None:
    """The run folder currently published at ``out``, if any."""
    if out.is_symlink():
        return out.resolve()
    if out.is_dir() and (out / "manifest.json").exists():
        return out
    return None


def published_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the current publication at ``out`` (None when nothing is published)."""
    run_dir = published_run_dir(out)
    return None if run_dir is None else read_manifest(run_dir / "manifest.json")


def check_out_folder(out: Path) -> None:
    """Refuse an ``--out`` that exists and is not a publication (it would be replaced).

    ``out`` may be absent, a symbolic link (a publication), an empty folder,
    or a folder holding ``manifest.json`` (a publication of an earlier layout,
    kept as a run folder when the first run publishes).
    """
    if out.is_symlink() or not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder; choose another --out")
    if any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise InputError(
            f"--out {out}: an existing folder that is not a publication (no manifest.json); "
            "a run replaces --out, so choose another --out or empty this folder"
        )


def publish(out: Path, run_dir: Path) -> None:
    """Atomically make ``out`` show ``run_dir``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    check_out_folder(out)
    if out.exists() and not out.is_symlink():
        if any(out.iterdir()):
            # A publication of the earlier layout (a plain folder): keep it as a run folder.
            out.rename(runs_root(out) / f"previous-{os.getpid()}")
        else:
            out.rmdir()
    tmp_link = out.parent / f".{out.name}.publishing"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(run_dir, out.parent))
    os.replace(tmp_link, out)


@contextmanager
def run_lock(out: Path, run_id: str | None = None) -> Iterator[locks.Lock]:
    """Hold the exclusive lock of ``out``: two runs never publish into it at once."""
    with locks.held(out, "output folder", run_id) as lock:
        yield lock

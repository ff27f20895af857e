"""Run folders and atomic publication.

Every run writes into its own folder, ``<out>-runs/<run_id>/``, kept for the
audit trail whether it published or not. Publishing points ``<out>`` (a
symbolic link) at the run folder with one ``rename``, which is atomic: a
reader, or a ``kill -9`` at any moment, sees either the previous publication
or the new one, never a mix. A failed run never touches ``<out>``.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import PipelineError


def runs_root(out: Path) -> Path:
    """The folder holding every run folder of the publication ``out``."""
    return out.parent / f"{out.name}-runs"


def new_run_dir(out: Path, run_id: str) -> Path:
    """Create the run's own folder."""
    run_dir = runs_root(out) / run_id
    run_dir.mkdir(parents=True, exist_ok=False)
    return run_dir


def published_run_dir(out: Path) -> Path | None:
    """The run folder currently published at ``out``, if any."""
    if out.is_symlink():
        return out.resolve()
    if out.is_dir() and (out / "manifest.json").exists():
        return out
    return None


def publish(out: Path, run_dir: Path) -> None:
    """Atomically make ``out`` show ``run_dir``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_symlink():
        if not out.is_dir():
            raise PipelineError(f"{out}: exists and is not a folder; choose another --out")
        if any(out.iterdir()):
            # A plain folder from an earlier layout: keep it as a run folder.
            legacy = runs_root(out) / f"previous-{os.getpid()}"
            out.rename(legacy)
        else:
            out.rmdir()
    tmp_link = out.parent / f".{out.name}.publishing"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(run_dir, out.parent))
    os.replace(tmp_link, out)


@contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``out``: two runs never publish at once."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PipelineError(
                f"{out}: another run is in progress (lock {lock_path}); try again when it ends"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

"""Exclusive locks on the output folder and the warehouse, safe against ``kill -9``.

A lock is an ``flock`` on a small file beside what it guards
(``.<name>.lock``). The kernel releases an ``flock`` when its process dies,
however it dies, so a crashed run never blocks the next night. The file also
holds who took the lock (pid, host, run, start time): a second run names the
holder in its message, and a run that finds the record of a holder that
never released it (the process died) takes the lock over and says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.errors import RunInProgress


@dataclass
class Lock:
    """A held lock; ``taken_over`` describes the dead holder it replaced, if any."""

    path: Path
    what: str
    fd: int
    taken_over: str | None = None

    def release(self) -> None:
        """Clear the holder record, then unlock (the file stays: deleting it would race)."""
        try:
            os.ftruncate(self.fd, 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def lock_path(guarded: Path) -> Path:
    """The lock file of ``guarded`` (a folder or file): ``.<name>.lock`` beside it."""
    return guarded.parent / f".{guarded.name}.lock"


def _holder(fd: int) -> dict[str, object]:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 4096)
    try:
        record = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        record = {"unreadable": raw[:80].decode("utf-8", "replace")}
    return record if isinstance(record, dict) else {}


def _describe(record: dict[str, object]) -> str:
    parts = [f"pid {record.get('pid', '?')}"]
    if record.get("host") and record.get("host") != socket.gethostname():
        parts.append(f"on {record['host']}")
    if record.get("run_id"):
        parts.append(f"run {record['run_id']}")
    if record.get("since"):
        parts.append(f"since {record['since']}")
    return ", ".join(parts)


def acquire(guarded: Path, what: str, run_id: str | None = None) -> Lock:
    """Take the exclusive lock of ``guarded`` or raise :class:`RunInProgress` at once."""
    path = lock_path(guarded)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _describe(_holder(fd))
        os.close(fd)
        raise RunInProgress(
            f"{what} {guarded} is in use by another run ({holder}; lock {path}); "
            "try again when it ends"
        ) from None
    previous = _holder(fd)
    taken_over = None
    if previous:
        taken_over = (
            f"took over the lock of {what} {guarded} left by a run that ended without "
            f"releasing it ({_describe(previous)})"
        )
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "run_id": run_id,
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
    os.fsync(fd)
    return Lock(path=path, what=what, fd=fd, taken_over=taken_over)


@contextmanager
def held(guarded: Path, what: str, run_id: str | None = None) -> Iterator[Lock]:
    """``acquire`` as a context manager; released on exit, and by the kernel on a crash."""
    lock = acquire(guarded, what, run_id)
    try:
        yield lock
    finally:
        lock.release()


def pid_alive(pid: object) -> bool:
    """True when a process with this pid runs on this host (for read-only status displays).

    Read-only commands use it instead of probing the lock, which could make a
    run that starts at that instant fail.
    """
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True

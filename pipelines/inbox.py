"""Find the drop to process and its source files (contract section 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.contract import FILE_EXTENSIONS, SOURCES_BY_NAME
from pipelines.errors import PipelineError

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Drop:
    """One export drop: a folder with one file per exported source."""

    folder: Path
    as_of: date
    files: dict[str, Path]
    #: Files in the folder that are not a contract source (listed, not read).
    unknown_files: tuple[str, ...]


def _folder_date(folder: Path) -> date | None:
    if not _DATED.match(folder.name):
        return None
    try:
        return date.fromisoformat(folder.name)
    except ValueError:
        return None


def _source_files(folder: Path) -> tuple[dict[str, Path], tuple[str, ...]]:
    files: dict[str, Path] = {}
    unknown: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name.startswith("."):
            continue
        stem, ext = path.stem.lower(), path.suffix.lower()
        if ext not in FILE_EXTENSIONS or stem not in SOURCES_BY_NAME:
            unknown.append(path.name)
            continue
        if stem in files:
            raise PipelineError(
                f"{folder}: two files for source {stem!r} ({files[stem].name}, {path.name}); "
                "a drop holds one file per source"
            )
        files[stem] = path
    return files, tuple(unknown)


def resolve_drop(inbox: Path, as_of: date | None = None) -> Drop:
    """Resolve ``--inbox`` to one drop.

    ``inbox`` is either a drop (a folder holding source files) or a nightly
    inbox (a folder of drops named ``YYYY-MM-DD``); for an inbox the newest drop
    dated on or before ``as_of`` (the newest of all without ``as_of``) is used.
    The as-of date is ``as_of`` when given, else the drop's folder name.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise PipelineError(f"{inbox}: no such folder (expected a drop or a dated inbox)")
    files, unknown = _source_files(inbox)
    folder = inbox
    if not files:
        drops = sorted(
            (d for d in inbox.iterdir() if d.is_dir() and _folder_date(d) is not None),
            key=lambda d: d.name,
        )
        if as_of is not None:
            drops = [d for d in drops if _folder_date(d) <= as_of]  # type: ignore[operator]
        if not drops:
            raise PipelineError(
                f"{inbox}: no export files and no drop folder named YYYY-MM-DD"
                + (f" dated on or before {as_of}" if as_of else "")
            )
        folder = drops[-1]
        files, unknown = _source_files(folder)
    run_date = as_of or _folder_date(folder)
    if run_date is None:
        raise PipelineError(
            f"{folder}: cannot tell the as-of date; name the drop folder YYYY-MM-DD "
            "or pass --as-of YYYY-MM-DD"
        )
    if "employees" not in files:
        raise PipelineError(
            f"{folder}: employees.csv (or .xlsx/.parquet) is missing; it is required in every drop"
        )
    return Drop(folder=folder, as_of=run_date, files=files, unknown_files=unknown)

"""Find the drop to process and its source files (contract section 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.errors import PipelineError
from pipelines.mapping.drop_files import missing_employees, sort_drop
from pipelines.mapping.spec import CANONICAL, Mapping

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Drop:
    """One export drop: a folder with one file per exported source."""

    folder: Path
    as_of: date
    files: dict[str, Path]
    #: Files in the folder that are not a contract source (listed, not read).
    unknown_files: tuple[str, ...]
    #: The mapping the drop is read with (None: the canonical contract). With a
    #: mapping, ``files`` holds the first file feeding each source.
    mapping: Mapping | None = None


def _folder_date(folder: Path) -> date | None:
    if not _DATED.match(folder.name):
        return None
    try:
        return date.fromisoformat(folder.name)
    except ValueError:
        return None


def _source_files(
    folder: Path, mapping: Mapping | None = None
) -> tuple[dict[str, Path], tuple[str, ...]]:
    found = sort_drop(folder, mapping or CANONICAL)
    sources = found.source_files(mapping or CANONICAL)
    return {name: paths[0] for name, paths in sources.items()}, tuple(found.unknown)


def resolve_drop(inbox: Path, as_of: date | None = None, mapping: Mapping | None = None) -> Drop:
    """Resolve ``--inbox`` to one drop.

    ``inbox`` is either a drop (a folder holding source files) or a nightly
    inbox (a folder of drops named ``YYYY-MM-DD``); for an inbox the newest drop
    dated on or before ``as_of`` (the newest of all without ``as_of``) is used.
    The as-of date is ``as_of`` when given, else the drop's folder name.
    ``mapping`` says which files are exports (see ``pipelines/mapping/``).
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise PipelineError(f"{inbox}: no such folder (expected a drop or a dated inbox)")
    files, unknown = _source_files(inbox, mapping)
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
        files, unknown = _source_files(folder, mapping)
    run_date = as_of or _folder_date(folder)
    if run_date is None:
        raise PipelineError(
            f"{folder}: cannot tell the as-of date; name the drop folder YYYY-MM-DD "
            "or pass --as-of YYYY-MM-DD"
        )
    if "employees" not in files:
        raise PipelineError(missing_employees(folder, mapping or CANONICAL))
    return Drop(folder=folder, as_of=run_date, files=files, unknown_files=unknown, mapping=mapping)

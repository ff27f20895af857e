"""Find the drops to process and their source files (contract section 1).

An inbox is a folder of drops named ``YYYY-MM-DD`` (or one drop folder). A
drop dated after today is refused (an export does not come from the future)
unless ``--as-of`` says that date is meant; one bad folder never hides the
others (:func:`dated_drops` lists it as a problem and goes on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.errors import InputError
from pipelines.mapping.drop_files import missing_employees, sort_drop
from pipelines.mapping.spec import CANONICAL, Mapping
from pipelines.readers.files import file_sha256

_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: As-of dates must be before this: the models use 9999-12-31 as "open" and add days to D.
LAST_AS_OF = date(9999, 1, 1)


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


def resolve_drop(
    inbox: Path,
    as_of: date | None = None,
    today: date | None = None,
    mapping: Mapping | None = None,
) -> Drop:
    """Resolve ``--inbox`` to one drop.

    ``inbox`` is either a drop (a folder holding source files) or a nightly
    inbox (a folder of drops named ``YYYY-MM-DD``); for an inbox the newest drop
    dated on or before ``as_of`` (on or before ``today`` without ``as_of``) is
    used. The as-of date is ``as_of`` when given, else the drop's folder name;
    a drop folder dated after ``today`` (default: the local date) is refused
    unless ``as_of`` is given. ``mapping`` says which files are exports (see
    ``pipelines/mapping/``).
    """
    today = today or date.today()
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InputError(f"{inbox}: no such folder (expected a drop or a dated inbox)")
    files, unknown = _source_files(inbox, mapping)
    folder = inbox
    if not files:
        drops = sorted(
            (d for d in inbox.iterdir() if d.is_dir() and _folder_date(d) is not None),
            key=lambda d: d.name,
        )
        drops = [d for d in drops if _folder_date(d) <= (as_of or today)]  # type: ignore[operator]
        if not drops:
            raise InputError(
                f"{inbox}: no export files and no drop folder named YYYY-MM-DD"
                + f" dated on or before {as_of or today}"
            )
        folder = drops[-1]
        files, unknown = _source_files(folder, mapping)
    run_date = as_of or _folder_date(folder)
    if run_date is None:
        raise InputError(
            f"{folder}: cannot tell the as-of date; name the drop folder YYYY-MM-DD "
            "or pass --as-of YYYY-MM-DD"
        )
    if as_of is None:
        refuse_future(folder, run_date, today)
    return _checked_drop(folder, run_date, files, unknown, mapping)


def refuse_future(folder: Path, day: date, today: date) -> None:
    """Raise :class:`InputError` for a drop dated after ``today``."""
    if day > today:
        raise InputError(
            f"{folder}: dated {day}, after today ({today}); an export cannot come from "
            f"the future, so it is not run (pass --as-of {day} if that date is meant)"
        )


def _checked_drop(
    folder: Path,
    run_date: date,
    files: dict[str, Path],
    unknown: tuple[str, ...],
    mapping: Mapping | None = None,
) -> Drop:
    if run_date >= LAST_AS_OF:
        raise InputError(
            f"{folder}: as-of date {run_date} is out of range "
            f"(the models use 9999-12-31 for 'no end date'; use a date before {LAST_AS_OF})"
        )
    if "employees" not in files:
        raise InputError(missing_employees(folder, mapping or CANONICAL))
    return Drop(folder=folder, as_of=run_date, files=files, unknown_files=unknown, mapping=mapping)


def drop_in(folder: Path, as_of: date, mapping: Mapping | None = None) -> Drop:
    """The drop in ``folder``, as of ``as_of`` (raises :class:`InputError` for a bad drop)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    files, unknown = _source_files(folder, mapping)
    return _checked_drop(folder, as_of, files, unknown, mapping)


def is_single_drop(inbox: Path, mapping: Mapping | None = None) -> bool:
    """True when ``inbox`` is itself a drop (holds source files), not an inbox of drops."""
    return Path(inbox).is_dir() and bool(_source_files(Path(inbox), mapping)[0])


@dataclass(frozen=True)
class DatedFolder:
    """A folder of an inbox named like a drop; ``problem`` says why it cannot be run."""

    folder: Path
    as_of: date | None
    problem: str | None = None


def dated_drops(inbox: Path, until: date, explicit: bool) -> list[DatedFolder]:
    """Every folder of ``inbox`` named ``YYYY-MM-DD``, oldest first, bad ones flagged.

    ``until`` is the last date that may run: today, or ``--as-of`` when
    ``explicit``. A folder dated after it is flagged (refused) when it is
    after today and ``--as-of`` was not given, and silently left for later
    when it is only after an explicit ``--as-of``. A name that looks like a
    date but is not one (``2026-02-30``) is flagged too.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InputError(f"{inbox}: no such folder (expected a drop or a dated inbox)")
    found: list[DatedFolder] = []
    for folder in sorted(p for p in inbox.iterdir() if p.is_dir() and _DATED.match(p.name)):
        day = _folder_date(folder)
        if day is None:
            found.append(DatedFolder(folder, None, f"{folder}: {folder.name!r} is not a date"))
        elif day > until and not explicit:
            try:
                refuse_future(folder, day, until)
            except InputError as exc:
                found.append(DatedFolder(folder, day, str(exc)))
        elif day > until:
            continue
        elif day >= LAST_AS_OF:
            found.append(DatedFolder(folder, day, f"{folder}: {day} is out of range"))
        else:
            found.append(DatedFolder(folder, day))
    return found


def fingerprint(drop: Drop) -> dict[str, str]:
    """The SHA-256 of every input file of the drop (and of its mapping): equal means same data.

    Keyed by file name, so that a mapping feeding one source from several
    files, or several sources from one file, is covered file by file.
    """
    mapping = drop.mapping or CANONICAL
    paths = {p for ps in sort_drop(drop.folder, mapping).source_files(mapping).values() for p in ps}
    prints = {path.name: file_sha256(path) for path in sorted(paths)}
    if mapping.sha256:
        prints["(mapping)"] = mapping.sha256
    return prints

"""Which files of a drop feed which sources, under a mapping (or the canonical names).

A file matched by a mapping's ``pattern`` is read as the mapping says; a
source the mapping does not name is read from its canonical file
(``employees.csv``, ``.xlsx`` or ``.parquet``), so a mapping covers only what
an organisation exports differently. Only regular files are read; a link or
a pipe named like an export stops the run with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from pipelines.contract import FILE_EXTENSIONS, SOURCES_BY_NAME
from pipelines.errors import InputError
from pipelines.mapping.spec import FileSpec, Mapping
from pipelines.readers.files import check_regular_file

#: The inbox's own settings file (a default mapping); never an export.
INBOX_CONFIG = "mentorship.yaml"


@dataclass
class DropFiles:
    """The files of one drop folder, sorted out."""

    #: Files a mapping's ``files:`` entry matched, per entry name, in name order.
    mapped: dict[str, list[Path]] = field(default_factory=dict)
    #: Canonical files, per source the mapping does not name.
    canonical: dict[str, Path] = field(default_factory=dict)
    #: Everything else (not read).
    unknown: list[str] = field(default_factory=list)

    def source_files(self, mapping: Mapping) -> dict[str, list[Path]]:
        """Every exported source and the files that feed it, in load order."""
        out: dict[str, list[Path]] = {}
        for name in SOURCES_BY_NAME:
            spec = mapping.sources.get(name)
            if spec is None:
                if name in self.canonical:
                    out[name] = [self.canonical[name]]
                continue
            paths = [p for file in spec.inputs for p in self.mapped.get(file, [])]
            if paths:
                out[name] = paths
        return out


def sort_drop(folder: Path, mapping: Mapping, paths: list[Path] | None = None) -> DropFiles:
    """Sort the drop's files (or only ``paths`` in it) into mapped, canonical and unknown."""
    found = DropFiles(mapped={name: [] for name in mapping.files})
    for path in sorted(folder.iterdir()) if paths is None else sorted(paths):
        name = path.name
        if (
            name.startswith(".")
            or name == INBOX_CONFIG
            or (path.is_dir() and not path.is_symlink())
        ):
            continue
        specs = [s for s in mapping.files.values() if _matches(s, name)]
        if len(specs) > 1:
            raise mapping.error(
                specs[1].line,
                f"{name} matches the patterns of both files {specs[0].name!r} and "
                f"{specs[1].name!r}; make the patterns exclusive",
            )
        if specs:
            check_regular_file(path)
            found.mapped[specs[0].name].append(path)
            continue
        stem, ext = path.stem.lower(), path.suffix.lower()
        if ext in FILE_EXTENSIONS and stem in SOURCES_BY_NAME and stem not in mapping.sources:
            check_regular_file(path)
            if stem in found.canonical:
                raise InputError(
                    f"{folder}: two files for source {stem!r} ({found.canonical[stem].name}, "
                    f"{name}); a drop holds one file per source"
                )
            found.canonical[stem] = path
            continue
        found.unknown.append(name)
    return found


def _matches(spec: FileSpec, name: str) -> bool:
    return fnmatchcase(name.lower(), spec.pattern.lower())


def missing_employees(folder: Path, mapping: Mapping) -> str:
    """The message for a drop without the required employees source."""
    spec = mapping.sources.get("employees")
    if spec is None:
        return (
            f"{folder}: employees.csv (or .xlsx/.parquet) is missing; it is required in every drop"
        )
    patterns = " or ".join(repr(mapping.files[f].pattern) for f in spec.inputs)
    return (
        f"{folder}: no file matches {patterns}, which feeds employees in {mapping.label} "
        "(employees is required in every drop)"
    )

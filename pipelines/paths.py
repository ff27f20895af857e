"""Where the project's own files are: the dbt project, the suites, the seeds.

One place for it, so that the code runs the same from a git checkout (or an
editable install) and from an installed wheel:

1. ``MENTORSHIP_PROJECT_DIR``, when set (a deployment keeps its own copy);
2. the checkout the package was imported from (``dbt_project.yml`` beside
   ``pipelines/``);
3. the copy a wheel carries in ``pipelines/_project/`` (``setup.py`` bundles
   it at build time).

Nothing else computes a path from ``__file__``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pipelines.errors import InternalError

#: The files and folders of the dbt project and the checks, relative to its root;
#: ``setup.py`` bundles exactly these into a wheel.
PROJECT_FILES = (
    "dbt_project.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "profiles",
    "expectations",
    "mappings",
)

_PACKAGE = Path(__file__).resolve().parent
BUNDLED = _PACKAGE / "_project"


def _is_project(folder: Path) -> bool:
    return (folder / "dbt_project.yml").is_file() and (folder / "models").is_dir()


@cache
def project_dir() -> Path:
    """The root of the dbt project this code runs (see the module doc for the order)."""
    configured = os.environ.get("MENTORSHIP_PROJECT_DIR")
    if configured:
        folder = Path(configured).expanduser().resolve()
        if not _is_project(folder):
            raise InternalError(
                f"MENTORSHIP_PROJECT_DIR={configured}: no dbt_project.yml and models/ there"
            )
        return folder
    for folder in (_PACKAGE.parent, BUNDLED):
        if _is_project(folder):
            return folder
    raise InternalError(
        f"the dbt project is neither beside {_PACKAGE} nor bundled in {BUNDLED}: "
        "reinstall the package or set MENTORSHIP_PROJECT_DIR"
    )


def expectations_dir() -> Path:
    """The GX suites and the checks' configuration."""
    return project_dir() / "expectations"


def seeds_dir() -> Path:
    """dbt's seeds: the KPI catalogue among them."""
    return project_dir() / "seeds"


def kpi_catalog_file() -> Path:
    """The KPI catalogue (one row per KPI): read by dbt, kpis.json, the suites and reports."""
    return seeds_dir() / "kpi_catalog.csv"


def tree_fingerprint(roots: Iterable[tuple[Path, Path]], extra: Iterable[str] = ()) -> str:
    """A short SHA-256 of files and folders (``(base, root)`` pairs: names relative to base).

    Every file's relative name and bytes count, in a fixed order; compiled
    Python does not. ``extra`` adds strings (a version, say) to the hash.
    """
    digest = hashlib.sha256()
    for base, root in roots:
        if not root.exists():
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()[:16]

"""HR data at rest is readable by its owner only, whatever the caller's umask."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Files 0600, folders 0700: the umask every file a run creates is made under.
OWNER_ONLY_UMASK = 0o077


@contextmanager
def owner_only() -> Iterator[None]:
    """Create every file and folder of the block readable by the owner only.

    The umask is process-wide, so it also covers what dbt's threads, DuckDB
    and the Chromium that prints the PDF create; the caller's umask is
    restored afterwards.
    """
    previous = os.umask(OWNER_ONLY_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def restrict_tree(root: Path) -> None:
    """Make every file under ``root`` 0600 and every folder 0700.

    The umask does not cover copies that keep their source's mode (GX copies
    the Data Docs assets from the repository with ``shutil.copytree``).
    """
    for folder, subfolders, files in os.walk(root):
        os.chmod(folder, 0o700)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, 0o600)
        subfolders[:] = [n for n in subfolders if not (Path(folder) / n).is_symlink()]

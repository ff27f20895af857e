"""HR data at rest is readable by its owner only, whatever the caller's umask."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

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

"""How many examples a property test draws: fewer in the quick loop (``make test-fast``)."""

from __future__ import annotations

import os


def examples(full: int) -> int:
    """``full`` examples under ``make test``; a fifth of them under ``make test-fast``."""
    if os.environ.get("MENTORSHIP_TEST_FAST") == "1":
        return max(10, full // 5)
    return full

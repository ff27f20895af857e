"""Identifiers as zero-padded strings (``E0000042``): ids are strings, leading zeros matter."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` followed by each number left-padded with zeros to ``width`` digits."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def id_width(count: int) -> int:
    """Digits for ids numbered up to ``count`` (at least 7, room for bad-row ids beyond)."""
    return max(7, len(str(4 * count + 1000)))

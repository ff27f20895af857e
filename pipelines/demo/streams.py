"""Independent, reproducible random streams, one per generation stage.

Each stage draws from its own generator seeded by ``(seed, stage name)``, so the
output is a pure function of the arguments, and changing how one stage draws
does not shift the numbers of every stage after it.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, stage: str) -> np.random.Generator:
    """The random generator of one stage for one seed."""
    return np.random.Generator(np.random.PCG64([seed, zlib.crc32(stage.encode("utf-8"))]))

"""Drawing people from a pool by department and level range, for whole arrays at once.

Managers, successors and mentors are all "someone in this department (or any),
between these levels": one sorted index answers every such draw with binary
searches instead of a loop per person.
"""

from __future__ import annotations

import numpy as np

#: Levels fit in 4 bits: (department, level) sorts as department * 16 + level.
_LEVELS = 16


class SortedPool:
    """A pool of people, sorted by (department, level) and by level, with draw weights."""

    def __init__(
        self, department: np.ndarray, level: np.ndarray, weight: np.ndarray | None = None
    ) -> None:
        w = np.ones(level.size) if weight is None else np.maximum(weight, 0.0).astype(np.float64)
        key = department * _LEVELS + level
        self._by_department = np.argsort(key, kind="stable")
        self._department_keys = key[self._by_department]
        self._department_weight = np.concatenate([[0.0], np.cumsum(w[self._by_department])])
        self._by_level = np.argsort(level, kind="stable")
        self._levels = level[self._by_level]
        self._level_weight = np.concatenate([[0.0], np.cumsum(w[self._by_level])])

    def draw(
        self, department: np.ndarray | None, low: np.ndarray, high: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """For each request, a member (pool index) with a level in ``[low, high]``, or -1.

        Within ``department`` when given, else in any department; members are
        drawn with their weights (weight 0: never), using the uniforms ``u``.
        """
        if department is None:
            order, cum = self._by_level, self._level_weight
            lo = np.searchsorted(self._levels, low, "left")
            hi = np.searchsorted(self._levels, high, "right")
        else:
            order, cum = self._by_department, self._department_weight
            base = department * _LEVELS
            lo = np.searchsorted(self._department_keys, base + low, "left")
            hi = np.searchsorted(self._department_keys, base + high, "right")
        hi = np.maximum(hi, lo)  # an empty level range (low > high)
        found = cum[hi] > cum[lo]
        if order.size == 0:
            return np.full(np.shape(low), -1, dtype=np.int64)
        target = cum[lo] + u * (cum[hi] - cum[lo])
        at = np.clip(np.searchsorted(cum, target, "right") - 1, lo, np.maximum(hi - 1, lo))
        return np.where(found, order[np.minimum(at, order.size - 1)], -1)

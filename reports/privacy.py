"""Small cells and complementary suppression of demographic breakdowns.

The KPI dictionary suppresses a group value whose employed headcount or
participant count is below 5 (``suppressed`` in ``kpi_summary``): that is the
*primary* suppression, done in dbt. A report that shows a breakdown next to
its total adds one more rule: when exactly one cell of the breakdown is
suppressed, its numbers would follow by subtraction (total minus the shown
cells), so a second cell is hidden too: the *complementary* suppression.
With two or more suppressed cells only their sum can be worked out, which
tells nothing about any one of them.

The second cell is the smallest shown one (fewest employed), so the least
information is lost; ties go to the alphabetically first value, so the choice
is the same on every run of the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The dictionary's small-cell threshold ("below 5 is suppressed").
MIN_CELL = 5
#: What a primary-suppressed cell reads: never 0, never blank.
SUPPRESSED_TEXT = f"fewer than {MIN_CELL}"
#: What a complementary-suppressed cell reads. Not "fewer than 5": that
#: would be false (the cell is not small), and would tell which cell it is.
HIDDEN_TEXT = "hidden"
HIDDEN_NOTE = (
    f"“{HIDDEN_TEXT}”: a group large enough to publish, withheld so that a group of "
    f"{SUPPRESSED_TEXT} cannot be worked out by subtracting the shown groups from the total."
)
SUPPRESSED_NOTE = (
    f"“{SUPPRESSED_TEXT}”: fewer than {MIN_CELL} people employed or taking part in the group; "
    "its figures are withheld so that no individual can be singled out."
)


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown: its key, its size when shown, and whether it is suppressed."""

    key: str
    size: int | None
    suppressed: bool


def complementary_cells(cells: Sequence[Cell], total_shown: bool = True) -> set[str]:
    """Keys of the cells to hide besides the primary-suppressed ones.

    ``total_shown``: whether the page also shows the breakdown's total (the
    overall figure). Without a total nothing can be subtracted.
    """
    primary = [c for c in cells if c.suppressed]
    if not total_shown or len(primary) != 1:
        return set()
    shown = [c for c in cells if not c.suppressed]
    if not shown:
        return set()
    # A shown cell always has a size; treat a missing one as largest (hide it last).
    smallest = min(shown, key=lambda c: (c.size if c.size is not None else 1 << 62, c.key))
    return {smallest.key}


def is_small(count: int | None) -> bool:
    """Whether a count is a small cell (below the dictionary's threshold)."""
    return count is not None and count < MIN_CELL

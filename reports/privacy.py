"""How small cells read on the page.

Which cells are small is decided in dbt, never here: the KPI dictionary's
primary suppression (a group value of fewer than 5 employed, taking part or,
for leadership, leaders) and its complementary suppression (where exactly
one group value is suppressed, the published one with the fewest people is
too, so that nothing follows by subtraction) are in ``kpi_summary``, and the
marts behind every other table apply the same rules to their rows
(departments, programs, program types). A report shows a suppressed row as
withheld, and the one note below says why.
"""

from __future__ import annotations

#: The dictionary's small-cell threshold ("below 5 is suppressed").
MIN_CELL = 5
#: What a suppressed cell reads: never 0, never blank. One word for both
#: kinds of suppression, so the page does not tell which cell is the small one.
SUPPRESSED_TEXT = "withheld"
SUPPRESSED_NOTE = (
    f"“{SUPPRESSED_TEXT}”: a group of fewer than {MIN_CELL} people (employed, taking part "
    f"or, for leadership, leaders), or a larger group withheld with it so that the small one "
    "cannot be worked out by subtracting the shown groups from the total. No individual can "
    "be singled out."
)
#: A mean or share over fewer than MIN_CELL answers is not shown.
FEW_ANSWERS_TEXT = f"fewer than {MIN_CELL}"

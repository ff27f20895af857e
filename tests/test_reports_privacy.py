"""Small cells and complementary suppression (reports/privacy.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reports.privacy import MIN_CELL, SUPPRESSED_TEXT, Cell, complementary_cells


def test_suppressed_text_says_fewer_than_the_threshold_never_zero():
    assert SUPPRESSED_TEXT == "fewer than 5"
    assert MIN_CELL == 5


def test_one_suppressed_cell_next_to_a_total_hides_the_smallest_shown_cell():
    cells = [
        Cell("female", 495, False),
        Cell("male", 498, False),
        Cell("non-binary", None, True),
        Cell("undisclosed", 43, False),
    ]
    assert complementary_cells(cells, total_shown=True) == {"undisclosed"}


def test_two_suppressed_cells_need_no_complement():
    cells = [Cell("a", 100, False), Cell("b", None, True), Cell("c", None, True)]
    assert complementary_cells(cells, total_shown=True) == set()


def test_without_a_total_nothing_can_be_subtracted_so_nothing_more_is_hidden():
    cells = [Cell("a", 100, False), Cell("b", None, True), Cell("c", 40, False)]
    assert complementary_cells(cells, total_shown=False) == set()


def test_no_suppressed_cell_hides_nothing():
    cells = [Cell("a", 100, False), Cell("b", 7, False)]
    assert complementary_cells(cells, total_shown=True) == set()


def test_a_tie_on_size_goes_to_the_alphabetically_first_value():
    cells = [Cell("zeta", 40, False), Cell("alpha", 40, False), Cell("x", None, True)]
    assert complementary_cells(cells, total_shown=True) == {"alpha"}


def test_a_breakdown_of_one_shown_cell_and_one_suppressed_hides_both():
    cells = [Cell("a", 900, False), Cell("b", None, True)]
    assert complementary_cells(cells, total_shown=True) == {"a"}


breakdowns = st.lists(
    st.tuples(st.integers(min_value=0, max_value=500), st.booleans()),
    min_size=1,
    max_size=8,
).map(
    lambda rows: [
        Cell(f"g{i}", None if suppressed else size, suppressed)
        for i, (size, suppressed) in enumerate(rows)
    ]
)


@given(breakdowns)
def test_no_suppressed_cell_can_be_recovered_by_subtraction_from_the_total(cells):
    """With a total shown, the withheld cells (primary + complementary) are never
    exactly one: a single withheld cell equals the total minus the shown ones."""
    hidden = complementary_cells(cells, total_shown=True)
    withheld = {c.key for c in cells if c.suppressed} | hidden
    if any(c.suppressed for c in cells):
        assert len(withheld) >= 2 or len(cells) == 1
    # only shown cells are ever chosen as complements, and at most one
    assert hidden <= {c.key for c in cells if not c.suppressed}
    assert len(hidden) <= 1

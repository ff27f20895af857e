"""Dates as day numbers, so that whole populations are handled as numpy arrays.

The generator works in days since 1970-01-01 (``int32`` / ``int64``): the same
encoding as Arrow's ``date32``, so columns go to the CSV writer without a
per-row conversion.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)

#: A date later than any simulated one: "never" for optional event days.
NEVER = 10**7


def to_day(d: dt.date) -> int:
    """Day number of a date."""
    return (d - EPOCH).days


def from_day(day: int) -> dt.date:
    """Date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


def add_years(d: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def years_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return (
        np.asarray(days, dtype="int64")
        .astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )


def first_of_year(years: np.ndarray) -> np.ndarray:
    """Day number of 1 January of each year."""
    return (
        (np.asarray(years, dtype=np.int64) - 1970)
        .astype("datetime64[Y]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def month_starts(first: int, last: int) -> np.ndarray:
    """Day numbers of the first day of every month from ``first``'s month to ``last``'s.

    One more month start follows the last, so ``starts[i]:starts[i + 1]`` is month ``i``.
    """
    m0 = np.datetime64(from_day(first), "M")
    m1 = np.datetime64(from_day(last), "M")
    months = np.arange(m0, m1 + np.timedelta64(2, "M"), dtype="datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def yearly_dates(first: int, last: int, month: int, day: int) -> np.ndarray:
    """Day numbers of ``month``/``day`` in every year, restricted to ``[first, last]``."""
    y0, y1 = from_day(first).year, from_day(last).year
    days = np.array([to_day(dt.date(y, month, day)) for y in range(y0, y1 + 1)], dtype=np.int64)
    return days[(days >= first) & (days <= last)]

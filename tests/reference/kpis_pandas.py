"""The KPI dictionary (shared/contract/kpis.md), implemented a second time in pandas.

This module is a specification in code: tests compare the dbt implementation's
``kpis.json`` with :func:`compute_kpis` to 1e-9. It is written from the
dictionary and the raw warehouse interface only, never from the dbt models, so
that a misreading of the dictionary shows up as a disagreement instead of
being copied.

Where the dictionary leaves room for more than one reading, the reading chosen
here is written down next to the code, marked ``READING:`` (grep for it), so
that a disagreement with the dbt models can be traced to a reading.

Conventions:

- Dates are ``datetime64[us]`` (not ``[ns]``: an HR system may write far-future
  dates such as 9999-12-31, which ``[ns]`` cannot hold). ``X + n`` is always
  ``n`` calendar days (``pd.Timedelta(days=n)``).
- Every function taking a :class:`View` sees only rows dated on or before
  ``D`` (see :func:`as_of_view`); the filtering is done once, there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipelines.contract import SOURCES, Source

DATE_DTYPE = "datetime64[us]"

#: Length of every 12-month window, in days (the dictionary counts days).
YEAR_DAYS = 365
#: ``engaged_match_rate_30d`` looks at sessions in (D - 30, D].
ENGAGED_WINDOW_DAYS = 30
#: ``avg_sessions_per_active_match_90d`` looks at sessions in (D - 90, D].
SESSIONS_WINDOW_DAYS = 90
#: The engagement ``after`` survey is the first one on or after t0 + 180.
ENGAGEMENT_AFTER_DAYS = 180
#: ``knowledge_transfer_gap_roles``: incumbents aged this or more.
KNOWLEDGE_TRANSFER_AGE = 60
#: A stratum of the adjusted gap qualifies with this many members on each side.
#: READING: fixed at 5 as the dictionary says, independent of ``min_cell``
#: (which governs small-cell suppression of published group values only).
STRATUM_MIN_MEMBERS = 5
#: The group value of an empty gender/ethnicity.
UNDISCLOSED = "undisclosed"
#: Attributes whose group values are published.
GROUP_ATTRIBUTES = ("gender", "ethnicity")

Entry = dict[str, Any]
#: An entry's ``group``: None, ``{"gender": "female"}``, or ``{"ethnicity": None}``.
Group = dict[str, str | None]


# --------------------------------------------------------------------------
# Loading and normalising
# --------------------------------------------------------------------------


def load_tables(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """Read the accepted rows of every ``raw.<source>`` and the exported sources.

    Lineage columns are left out (no KPI reads them). A source is exported when
    ``raw.file_loads`` has a row for it: its table may be empty either way.
    """
    tables: dict[str, pd.DataFrame] = {}
    for source in SOURCES:
        columns = ", ".join(c.name for c in source.stored_columns)
        tables[source.name] = con.execute(f"select {columns} from raw.{source.name}").df()
    exported = {
        row[0] for row in con.execute("select distinct source from raw.file_loads").fetchall()
    }
    return tables, exported


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Strings with no visible character are missing values (an empty CSV cell)."""
    return values.where(values.isna() | (values.str.strip() != ""), other=np.nan)


def _normalise_source(source: Source, frame: pd.DataFrame | None) -> pd.DataFrame:
    """Give one source's rows the contract's columns and uniform dtypes.

    Callers may pass dates as ``datetime64`` of any unit or as python dates,
    and may omit optional columns; every later step relies on this shape.
    """
    frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for column in source.stored_columns:
        values = (
            frame[column.name]
            if column.name in frame.columns
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        )
        if column.type == "date":
            out[column.name] = pd.to_datetime(values).astype(DATE_DTYPE)
        elif column.type in ("integer", "number"):
            out[column.name] = pd.to_numeric(values).astype("float64")
        elif column.type == "boolean":
            out[column.name] = values.astype("boolean").fillna(False).astype(bool)
        elif column.type in ("id", "enum"):
            # object, not pandas' arrow-backed "str": Series.isin over arrow
            # strings loops in python and is 100x slower at 100k employees.
            out[column.name] = _blank_to_na(values.astype("str")).astype(object)
        else:
            # Free text is kept as given: "empty" is interpreted per rule
            # (department: skipped in history; gender/ethnicity: undisclosed).
            out[column.name] = values.astype("str")
    return out


# --------------------------------------------------------------------------
# The data as of D
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """The accepted rows that count on the as-of date ``d``."""

    d: pd.Timestamp
    exported: frozenset[str]
    min_cell: int
    employees: pd.DataFrame
    job_history: pd.DataFrame
    performance_reviews: pd.DataFrame
    engagement_surveys: pd.DataFrame
    succession_plans: pd.DataFrame
    programs: pd.DataFrame
    matches: pd.DataFrame
    sessions: pd.DataFrame
    feedback: pd.DataFrame

    def days(self, n: int) -> pd.Timestamp:
        """``D + n`` (``n`` may be negative)."""
        return self.d + pd.Timedelta(days=n)

    def missing(self, sources: Iterable[str]) -> str | None:
        """The unavailability reason when one of ``sources`` was not exported."""
        absent = [s for s in sources if s not in self.exported]
        if not absent:
            return None
        verb = "was" if len(absent) == 1 else "were"
        return f"{', '.join(absent)} {verb} not exported"

    # Per-date timelines: one row per employee and date, the day's ties
    # resolved by each rule's own tie-break. Cached because every "X at a
    # date" lookup reads them (a frozen dataclass still has a __dict__).

    @cached_property
    def level_by_date(self) -> pd.DataFrame:
        """``job_level`` per history date; rows on the same date: the highest."""
        return _per_date(self.job_history, "effective_date", "job_level", "max")

    @cached_property
    def department_by_date(self) -> pd.DataFrame:
        """``department`` per history date among non-empty departments; rows on
        the same date: the alphabetically first.

        READING: "empty" = missing or whitespace only; "alphabetically first" =
        plain code-point order of the value as written (no trimming or case
        folding), which is also DuckDB's default collation.
        """
        history = self.job_history[self.job_history["department"].notna()]
        history = history[history["department"].str.strip() != ""]
        return _per_date(history, "effective_date", "department", "min")

    @cached_property
    def rating_by_date(self) -> pd.DataFrame:
        """``rating`` per review date; several reviews that day: their mean."""
        return _per_date(self.performance_reviews, "review_date", "rating", "mean")

    @cached_property
    def engagement_by_date(self) -> pd.DataFrame:
        """``engagement_score`` per survey date; several surveys that day: their mean."""
        return _per_date(self.engagement_surveys, "survey_date", "engagement_score", "mean")


def _per_date(frame: pd.DataFrame, date: str, value: str, how: str) -> pd.DataFrame:
    """(``employee_id``, ``date``, ``value``) with one row per employee and date."""
    out = frame.groupby(["employee_id", date], as_index=False)[value].agg(how)
    out = out.rename(columns={date: "date"})
    return out.astype({"employee_id": object}).sort_values(["employee_id", "date"])


def as_of_view(
    tables: dict[str, pd.DataFrame], exported: set[str], as_of: dt.date, min_cell: int = 5
) -> View:
    """Normalise the tables and keep only the rows that count on ``as_of``.

    "Only rows dated on or before D count": matches by ``start_date``,
    sessions, feedback, reviews, surveys, job history and succession plans by
    their own date.

    READING: programs are kept when ``start_date <= D`` too. This cannot change
    a KPI: a non-participant whose t0 (>= the earliest program start) is after
    D is never eligible, so dropping later programs only changes which
    programs are ignored, never a number.

    READING: employees are not filtered by ``hire_date``: ``employed(e, X)``
    already excludes people hired after X. A ``termination_date`` after D is
    kept as is; by the dictionary's own formulas it means "employed on D" and,
    since every 12-month outcome window ends on or before D, "retained" — the
    same answer as treating a future termination as not yet known.

    READING: sessions and feedback count only when their match counts (started
    on or before D, both people known employees). A session cannot predate its
    match (quarantined), so for sessions this only drops orphans.
    """
    norm = {s.name: _normalise_source(s, tables.get(s.name)) for s in SOURCES}
    d = pd.Timestamp(as_of)

    employees = norm["employees"]
    known = pd.Index(employees["employee_id"].dropna())

    matches = norm["matches"]
    matches = matches[
        (matches["start_date"] <= d)
        & matches["mentor_id"].isin(known)
        & matches["mentee_id"].isin(known)
        & (matches["mentor_id"] != matches["mentee_id"])
    ]
    counted_matches = pd.Index(matches["match_id"])

    sessions = norm["sessions"]
    sessions = sessions[
        (sessions["session_date"] <= d) & sessions["match_id"].isin(counted_matches)
    ]
    feedback = norm["feedback"]
    feedback = feedback[
        (feedback["submitted_date"] <= d) & feedback["match_id"].isin(counted_matches)
    ]

    def dated(name: str, column: str) -> pd.DataFrame:
        frame = norm[name]
        return frame[frame[column] <= d]

    return View(
        d=d,
        exported=frozenset(exported),
        min_cell=min_cell,
        employees=employees,
        job_history=dated("job_history", "effective_date"),
        performance_reviews=dated("performance_reviews", "review_date"),
        engagement_surveys=dated("engagement_surveys", "survey_date"),
        succession_plans=dated("succession_plans", "plan_date"),
        programs=dated("programs", "start_date"),
        matches=matches,
        sessions=sessions,
        feedback=feedback,
    )


# --------------------------------------------------------------------------
# Building blocks of the Notation section
# --------------------------------------------------------------------------


def employed(frame: pd.DataFrame, at: pd.Series | pd.Timestamp) -> pd.Series:
    """``employed(e, X)``: ``hire_date <= X`` and (no termination or ``termination_date > X``).

    ``frame`` holds ``hire_date`` and ``termination_date``; ``at`` is one date
    or one date per row.
    """
    term = frame["termination_date"]
    return (frame["hire_date"] <= at) & (term.isna() | (term > at))


def _asof(
    queries: pd.DataFrame,
    events: pd.DataFrame,
    value: str,
    direction: str = "backward",
) -> pd.Series:
    """Per query row (``employee_id``, ``at``), ``value`` of the employee's event
    dated on or before ``at`` (``backward``: the latest) or on or after it
    (``forward``: the earliest); NaN when there is none.

    ``events`` (``employee_id``, ``date``, ``value``) must hold one row per
    employee and date: ties within a date are resolved by the caller, each
    rule having its own tie-break.
    """
    # merge_asof's "by" runs far faster on integers than on strings: give
    # every employee id one integer code shared by both sides.
    ids = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    queries["employee_id"].to_numpy(dtype=object),
                    events["employee_id"].to_numpy(dtype=object),
                ]
            )
        )
    )
    left = pd.DataFrame(
        {
            "_row": np.arange(len(queries)),
            "key": ids.get_indexer(queries["employee_id"].to_numpy(dtype=object)),
            "at": queries["at"].to_numpy().astype(DATE_DTYPE),
        }
    )
    right = pd.DataFrame(
        {
            "key": ids.get_indexer(events["employee_id"].to_numpy(dtype=object)),
            "date": events["date"].to_numpy().astype(DATE_DTYPE),
            value: events[value].to_numpy(),
        }
    )
    merged = pd.merge_asof(
        left.sort_values("at", kind="stable"),
        right.sort_values("date", kind="stable"),
        left_on="at",
        right_on="date",
        by="key",
        direction=direction,
        allow_exact_matches=True,
    )
    result = merged.set_index("_row")[value].reindex(np.arange(len(queries)))
    return pd.Series(result.to_numpy(), index=queries.index, name=value)


def lookup(mapping: pd.Series, keys: pd.Series) -> pd.Series:
    """``mapping[key]`` for each of ``keys`` (NaN/NaT when absent), aligned with ``keys``.

    ``Series.map`` would do, but pandas fails to map through an empty
    datetime Series; ``reindex`` has no such corner.
    """
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _employee_attribute(view: View, ids: pd.Series, column: str) -> pd.Series:
    """``employees.<column>`` of each id in ``ids``, aligned with ``ids``."""
    return lookup(view.employees.set_index("employee_id")[column], ids)


def level_at(view: View, people: pd.DataFrame) -> pd.Series:
    """Level at X of each (``employee_id``, ``at``) row.

    The ``job_level`` of the last ``job_history`` row with ``effective_date <=
    X``; several rows on that date: the highest; no row: ``employees.job_level``.
    """
    level = _asof(people, view.level_by_date, "job_level")
    return level.fillna(_employee_attribute(view, people["employee_id"], "job_level"))


def department_at(view: View, people: pd.DataFrame) -> pd.Series:
    """Department at X of each (``employee_id``, ``at``) row.

    The department of the last ``job_history`` row with ``effective_date <= X``
    among rows with a non-empty department; several on that date: the
    alphabetically first (see :attr:`View.department_by_date`); none:
    ``employees.department``.
    """
    department = _asof(people, view.department_by_date, "department")
    return department.fillna(_employee_attribute(view, people["employee_id"], "department"))


def performance_band_at(view: View, people: pd.DataFrame) -> pd.Series:
    """Performance band at X of each (``employee_id``, ``at``) row.

    From the latest review with ``review_date <= X`` (several that day: the
    mean rating): ``high`` when ``>= 4``, ``other`` below, ``unrated`` with none.
    """
    rating = _asof(people, view.rating_by_date, "rating")
    band = np.where(rating.isna(), "unrated", np.where(rating >= 4, "high", "other"))
    return pd.Series(band, index=people.index, name="band")


def promotion_events(view: View) -> pd.DataFrame:
    """Every promotion event (``employee_id``, ``date``).

    An event on ``d``: the level at ``d`` is higher than the level of the last
    ``job_history`` row dated before ``d``, and such a row exists. The level
    only changes on a history date, so only those dates can be events.

    READING: when several rows share the date before ``d``, "the level of the
    last row dated before d" uses the same tie-break as the level at a date
    (the highest), i.e. it is the level at ``d - 1`` computed from history only.
    """
    levels = view.level_by_date  # sorted by employee, then date
    previous = levels.groupby("employee_id")["job_level"].shift()
    events = levels[previous.notna() & (levels["job_level"] > previous)]
    return events[["employee_id", "date"]]


def group_value(values: pd.Series) -> pd.Series:
    """The group value of a gender or ethnicity: trimmed, lower-cased, empty = undisclosed.

    READING: "trimmed" strips all leading/trailing whitespace (spaces, tabs,
    non-breaking spaces), not only the space character.
    """
    cleaned = values.astype("str").str.strip().str.lower()
    return cleaned.where(cleaned.notna() & (cleaned != ""), other=UNDISCLOSED)


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------

GROUPS = ("mentee", "mentor", "non_participant")


def mentee_index_dates(view: View) -> pd.Series:
    """t0 of the mentee group: earliest counted match ``start_date`` per mentee."""
    return view.matches.groupby("mentee_id")["start_date"].min()


def mentor_index_dates(view: View) -> pd.Series:
    """t0 of the mentor group: earliest counted match ``start_date`` per mentor."""
    return view.matches.groupby("mentor_id")["start_date"].min()


def participant_ids(view: View) -> pd.Index:
    """Employees in the mentee or the mentor group (a match started on or before D)."""
    return pd.Index(pd.concat([view.matches["mentee_id"], view.matches["mentor_id"]]).unique())


def cohort(view: View, group: str) -> pd.DataFrame:
    """Members of ``group`` with their t0, hire and termination dates.

    The non-participants are the employees in neither group (so a mentor who
    is also a mentee is never a non-participant); their t0 is the later of
    their ``hire_date`` and the earliest program ``start_date``.

    READING: a person is in a group as soon as a match starting on or before D
    names them, whatever the match's status or end date.
    """
    employees = view.employees
    if group in ("mentee", "mentor"):
        t0 = mentee_index_dates(view) if group == "mentee" else mentor_index_dates(view)
        members = employees[employees["employee_id"].isin(t0.index)].copy()
        members["t0"] = lookup(t0, members["employee_id"]).astype(DATE_DTYPE)
        return members
    members = employees[~employees["employee_id"].isin(participant_ids(view))].copy()
    if view.programs.empty:
        # No program yet: a non-participant has no index date, so none is eligible.
        return members.iloc[0:0].assign(t0=pd.Series(dtype=DATE_DTYPE))
    first_program = view.programs["start_date"].min()
    members["t0"] = members["hire_date"].where(members["hire_date"] > first_program, first_program)
    return members


def group_sources(group: str, *extra: str) -> tuple[str, ...]:
    """Sources a group's KPI needs: matches define the groups, programs the
    non-participants' t0."""
    base = ("employees", "matches") + (("programs",) if group == "non_participant" else ())
    return base + extra


def eligible_12m(view: View, group: str) -> pd.DataFrame:
    """Eligible members for a 12-month outcome, with ``retained``.

    Eligible: ``t0 <= D - 365`` and ``employed(e, t0)``. Retained:
    ``termination_date`` empty or ``termination_date > t0 + 365`` (a
    termination exactly on t0 + 365 is not retained).
    """
    members = cohort(view, group)
    members = members[(members["t0"] <= view.days(-YEAR_DAYS)) & employed(members, members["t0"])]
    members = members.copy()
    end = members["t0"] + pd.Timedelta(days=YEAR_DAYS)
    term = members["termination_date"]
    members["retained"] = term.isna() | (term > end)
    return members.reset_index(drop=True)


# --------------------------------------------------------------------------
# Entries
# --------------------------------------------------------------------------


def entry(
    kpi: str,
    value: float | int | None,
    n: int | None,
    group: Group | None = None,
    *,
    empty_reason: str = "the population is empty",
) -> Entry:
    """A published entry; an empty population (``n == 0``) is unavailable, never 0."""
    if n is None or n == 0:
        return unavailable(kpi, empty_reason, group)
    if isinstance(value, float | np.floating):
        value = float(value)
    elif isinstance(value, int | np.integer):
        value = int(value)
    return {
        "kpi": kpi,
        "group": group,
        "value": value,
        "n": int(n),
        "suppressed": False,
        "unavailable": None,
    }


def unavailable(kpi: str, reason: str, group: Group | None = None) -> Entry:
    """An entry with no value: ``value`` and ``n`` null, ``unavailable`` the reason."""
    return {
        "kpi": kpi,
        "group": group,
        "value": None,
        "n": None,
        "suppressed": False,
        "unavailable": reason,
    }


def suppressed(kpi: str, group: Group) -> Entry:
    """A small cell: ``value`` and ``n`` null, ``suppressed`` true."""
    return {
        "kpi": kpi,
        "group": group,
        "value": None,
        "n": None,
        "suppressed": True,
        "unavailable": None,
    }


def suppressed_values(cells: Iterable[tuple[str, int, bool]]) -> set[str]:
    """Group values to suppress for one KPI and attribute: primary and complementary.

    ``cells``: (group value, size, below the small-cell threshold). The
    primary ones are suppressed; when exactly one is, the published value of
    the smallest size is too (ties: alphabetically first).
    """
    cells = list(cells)
    hidden = {value for value, _size, small in cells if small}
    if len(hidden) == 1:
        published = sorted((size, value) for value, size, small in cells if not small)
        if published:
            hidden.add(published[0][1])
    return hidden


# --------------------------------------------------------------------------
# KPI families
# --------------------------------------------------------------------------


def retention_kpis(view: View) -> list[Entry]:
    """``retention_12m_*`` and the naive and adjusted gaps to the non-participants."""
    out: list[Entry] = []
    eligible: dict[str, pd.DataFrame] = {}
    for group in GROUPS:
        kpi = f"retention_12m_{group}"
        reason = view.missing(group_sources(group))
        if reason:
            out.append(unavailable(kpi, reason))
            continue
        members = eligible[group] = with_stratum_at_t0(view, eligible_12m(view, group))
        out.append(
            entry(
                kpi,
                members["retained"].mean() if len(members) else None,
                len(members),
                empty_reason=f"no eligible {group} group member",
            )
        )

    for group in ("mentee", "mentor"):
        naive, adjusted = f"retention_12m_gap_{group}_naive", f"retention_12m_gap_{group}_adjusted"
        # The gaps need the non-participants, whose sources include the group's.
        reason = view.missing(group_sources("non_participant"))
        if reason is None and eligible[group].empty:
            reason = f"no eligible {group} group member"
        if reason is None and eligible["non_participant"].empty:
            reason = "no eligible non-participant"
        if reason:
            out += [unavailable(naive, reason), unavailable(adjusted, reason)]
            continue
        members, baseline = eligible[group], eligible["non_participant"]
        gap = members["retained"].mean() - baseline["retained"].mean()
        out.append(entry(naive, gap, len(members)))
        out.append(adjusted_gap(adjusted, members, baseline))
    return out


def with_stratum_at_t0(view: View, members: pd.DataFrame) -> pd.DataFrame:
    """``members`` plus their stratum: department, level and performance band at t0.

    READING: job_history and performance_reviews are not required sources for
    the adjusted gap: the dictionary defines a fallback for "no such row"
    (``employees.department``, ``employees.job_level``, band ``unrated``),
    which also covers a source that was not exported.
    """
    at = members[["employee_id"]].assign(at=members["t0"])
    return members.assign(
        department=department_at(view, at),
        level=level_at(view, at),
        band=performance_band_at(view, at),
    )


def adjusted_gap(kpi: str, members: pd.DataFrame, baseline: pd.DataFrame) -> Entry:
    """Coarsened exact match on (department, level, performance band) at t0.

    Each side's members are in the stratum of their own t0. A stratum
    qualifies with >= 5 eligible group members and >= 5 eligible
    non-participants; the gap is the mean of the per-stratum retention
    differences weighted by the group's members in the stratum.

    READING: ``n`` is the number of the *group's* eligible members in
    qualifying strata (the weights), like the naive gap's ``n``.
    """
    stratum = ["department", "level", "band"]
    sides = {
        side: frame.groupby(stratum, dropna=False)["retained"].agg(["size", "mean"])
        for side, frame in (("group", members), ("baseline", baseline))
    }
    strata = (
        sides["group"]
        .add_suffix("_group")
        .join(sides["baseline"].add_suffix("_baseline"), how="inner")
    )
    qualifying = strata[
        (strata["size_group"] >= STRATUM_MIN_MEMBERS)
        & (strata["size_baseline"] >= STRATUM_MIN_MEMBERS)
    ]
    weights = qualifying["size_group"]
    n = int(weights.sum())
    if n == 0:
        return unavailable(kpi, f"no stratum with {STRATUM_MIN_MEMBERS} or more members per side")
    diff = qualifying["mean_group"] - qualifying["mean_baseline"]
    return entry(kpi, float((diff * weights).sum() / n), n)


def promotion_kpis(view: View) -> list[Entry]:
    """``promotion_rate_12m_*``: share of eligible members promoted in (t0, t0 + 365]."""
    out: list[Entry] = []
    events = promotion_events(view)
    for group in GROUPS:
        kpi = f"promotion_rate_12m_{group}"
        reason = view.missing(group_sources(group, "job_history"))
        if reason:
            out.append(unavailable(kpi, reason))
            continue
        members = eligible_12m(view, group)[["employee_id", "t0"]]
        pairs = members.merge(events, on="employee_id")
        in_window = (pairs["date"] > pairs["t0"]) & (
            pairs["date"] <= pairs["t0"] + pd.Timedelta(days=YEAR_DAYS)
        )
        promoted = members["employee_id"].isin(pairs.loc[in_window, "employee_id"])
        out.append(
            entry(
                kpi,
                promoted.mean() if len(members) else None,
                len(members),
                empty_reason=f"no eligible {group} group member",
            )
        )
    return out


def active_matches(view: View) -> pd.DataFrame:
    """Matches with ``start_date <= D`` and (no ``end_date`` or ``end_date >= D``)."""
    m = view.matches
    return m[m["end_date"].isna() | (m["end_date"] >= view.d)]


def held_sessions(view: View, after: pd.Timestamp) -> pd.DataFrame:
    """``held`` sessions dated in ``(after, D]``."""
    s = view.sessions
    return s[(s["status"] == "held") & (s["session_date"] > after)]


def activity_kpis(view: View) -> list[Entry]:
    """Match activity: active matches, engagement of matches, who initiates."""
    out: list[Entry] = []
    reason = view.missing(["matches"])
    active = active_matches(view)
    out.append(
        unavailable("active_matches", reason)
        if reason
        else entry("active_matches", len(active), len(active), empty_reason="no active match on D")
    )

    reason = view.missing(["matches", "sessions"])
    if reason:
        out += [
            unavailable(k, reason)
            for k in (
                "engaged_match_rate_30d",
                "avg_sessions_per_active_match_90d",
                "mentee_initiated_share_12m",
            )
        ]
        return out

    recent = held_sessions(view, view.days(-ENGAGED_WINDOW_DAYS))
    engaged = active["match_id"].isin(recent["match_id"])
    out.append(
        entry(
            "engaged_match_rate_30d",
            engaged.mean() if len(active) else None,
            len(active),
            empty_reason="no active match on D",
        )
    )

    settled = active[active["start_date"] <= view.days(-SESSIONS_WINDOW_DAYS)]
    counts = held_sessions(view, view.days(-SESSIONS_WINDOW_DAYS))["match_id"].value_counts()
    per_match = lookup(counts, settled["match_id"]).fillna(0)
    out.append(
        entry(
            "avg_sessions_per_active_match_90d",
            per_match.mean() if len(settled) else None,
            len(settled),
            empty_reason="no active match started on or before D - 90",
        )
    )

    year = held_sessions(view, view.days(-YEAR_DAYS))
    out.append(
        entry(
            "mentee_initiated_share_12m",
            (year["initiated_by"] == "mentee").mean() if len(year) else None,
            len(year),
            empty_reason="no held session in (D - 365, D]",
        )
    )
    return out


def feedback_kpis(view: View) -> list[Entry]:
    """Two-sided learning: each side's mean ``learning`` and the reciprocity index."""
    kpis = ("mentor_learning_avg", "mentee_learning_avg", "reciprocity_index")
    reason = view.missing(["matches", "feedback"])
    if reason:
        return [unavailable(k, reason) for k in kpis]
    fb = view.feedback
    out: list[Entry] = []
    for side in ("mentor", "mentee"):
        rows = fb.loc[fb["respondent_role"] == side, "learning"]
        out.append(
            entry(
                f"{side}_learning_avg",
                rows.mean() if len(rows) else None,
                len(rows),
                empty_reason=f"no feedback from a {side}",
            )
        )
    per_side = fb.groupby(["match_id", "respondent_role"])["learning"].mean().unstack()
    for side in ("mentor", "mentee"):
        if side not in per_side.columns:
            per_side[side] = np.nan
    two_sided = per_side.dropna(subset=["mentor", "mentee"])
    mutual = (two_sided["mentor"] >= 4) & (two_sided["mentee"] >= 4)
    out.append(
        entry(
            "reciprocity_index",
            mutual.mean() if len(two_sided) else None,
            len(two_sided),
            empty_reason="no match with feedback from both sides",
        )
    )
    return out


def engagement_delta(view: View, group: str) -> pd.Series:
    """Per member with both scores, ``after - before``.

    Members: ``t0 <= D - 180`` and ``employed(e, t0)``. ``before``: the latest
    survey dated ``<= t0``; ``after``: the earliest dated in ``[t0 + 180, D]``;
    several surveys on one date: their mean score.
    """
    members = cohort(view, group)
    members = members[
        (members["t0"] <= view.days(-ENGAGEMENT_AFTER_DAYS)) & employed(members, members["t0"])
    ].reset_index(drop=True)
    surveys = view.engagement_by_date
    before = _asof(members[["employee_id"]].assign(at=members["t0"]), surveys, "engagement_score")
    # Surveys are already limited to <= D, so "the earliest on or after t0 + 180"
    # is the earliest in [t0 + 180, D].
    after_from = members["t0"] + pd.Timedelta(days=ENGAGEMENT_AFTER_DAYS)
    after = _asof(
        members[["employee_id"]].assign(at=after_from),
        surveys,
        "engagement_score",
        direction="forward",
    )
    return (after - before).dropna()


def engagement_kpis(view: View) -> list[Entry]:
    """``engagement_delta_*`` and ``engagement_uplift_mentee``."""
    deltas: dict[str, pd.Series] = {}
    out: list[Entry] = []
    for group in ("mentee", "non_participant"):
        kpi = f"engagement_delta_{group}"
        reason = view.missing(group_sources(group, "engagement_surveys"))
        if reason:
            out.append(unavailable(kpi, reason))
            continue
        delta = deltas[group] = engagement_delta(view, group)
        out.append(
            entry(
                kpi,
                delta.mean() if len(delta) else None,
                len(delta),
                empty_reason=f"no {group} group member with both survey scores",
            )
        )

    # The uplift subtracts both deltas: unavailable when either is.
    reason = view.missing(group_sources("non_participant", "engagement_surveys"))
    if reason is None and deltas["mentee"].empty:
        reason = "no mentee group member with both survey scores"
    if reason is None and deltas["non_participant"].empty:
        reason = "no non_participant group member with both survey scores"
    if reason:
        out.append(unavailable("engagement_uplift_mentee", reason))
    else:
        mentee, baseline = deltas["mentee"], deltas["non_participant"]
        out.append(entry("engagement_uplift_mentee", mentee.mean() - baseline.mean(), len(mentee)))
    return out


def current_plan(view: View) -> pd.DataFrame:
    """The ``succession_plans`` rows with the latest ``plan_date <= D``.

    READING: one plan date for the whole table (the latest overall), not the
    latest per role: the dictionary speaks of "the rows with the latest
    plan_date", and a role missing from the latest review is no longer planned.
    """
    plans = view.succession_plans
    if plans.empty:
        return plans
    return plans[plans["plan_date"] == plans["plan_date"].max()]


def succession_kpis(view: View) -> list[Entry]:
    """Critical roles, their succession coverage, and knowledge-transfer risk.

    READING: a role is critical when any of its current-plan rows says
    ``is_critical``; all of its current-plan rows then give its successors and
    incumbents.
    """
    names = ("critical_roles", "succession_coverage_ready_now", "succession_coverage_any")
    reason = view.missing(["employees", "succession_plans"])
    if reason:
        out = [unavailable(k, reason) for k in names]
        out += [
            unavailable(k, reason)
            for k in ("successors_mentored_share", "knowledge_transfer_gap_roles")
        ]
        return out

    plan = current_plan(view)
    critical_ids = plan.loc[plan["is_critical"], "role_id"].unique()
    rows = plan[plan["role_id"].isin(critical_ids)]
    n_roles = len(critical_ids)
    no_roles = "no critical role in the current plan"
    out = [entry("critical_roles", n_roles, n_roles, empty_reason=no_roles)]

    employed_ids = pd.Index(view.employees.loc[employed(view.employees, view.d), "employee_id"])
    successors = rows[rows["successor_id"].notna() & rows["successor_id"].isin(employed_ids)]
    ready = successors[successors["readiness"] == "ready_now"]
    out.append(
        entry(
            "succession_coverage_ready_now",
            ready["role_id"].nunique() / n_roles if n_roles else None,
            n_roles,
            empty_reason=no_roles,
        )
    )
    out.append(
        entry(
            "succession_coverage_any",
            successors["role_id"].nunique() / n_roles if n_roles else None,
            n_roles,
            empty_reason=no_roles,
        )
    )

    reason = view.missing(["matches"])
    if reason:
        return out + [
            unavailable(k, reason)
            for k in ("successors_mentored_share", "knowledge_transfer_gap_roles")
        ]

    distinct = pd.Series(successors["successor_id"].unique())
    mentored = distinct.isin(mentee_index_dates(view).index)
    out.append(
        entry(
            "successors_mentored_share",
            mentored.mean() if len(distinct) else None,
            len(distinct),
            empty_reason="no employed successor of a critical role",
        )
    )

    incumbents = rows.loc[rows["incumbent_id"].notna(), ["role_id", "incumbent_id"]]
    incumbents = incumbents.drop_duplicates().merge(
        view.employees, left_on="incumbent_id", right_on="employee_id"
    )
    age = view.d.year - incumbents["birth_year"]
    senior = incumbents[employed(incumbents, view.d) & (age >= KNOWLEDGE_TRANSFER_AGE)]
    at_risk = senior[~senior["incumbent_id"].isin(mentor_index_dates(view).index)]
    out.append(
        entry(
            "knowledge_transfer_gap_roles",
            at_risk["role_id"].nunique(),
            senior["role_id"].nunique(),
            empty_reason="no critical role with an employed incumbent aged 60 or more",
        )
    )
    return out


def diversity_kpis(view: View) -> list[Entry]:
    """Participation overall and per group value, representation, selection ratio,
    cross-group matches.

    READING: group values are those of the employees employed on D (the
    KPIs' population); a value with no employed member gets no entry. When
    ``matches`` was not exported, every group value still gets its entries,
    unavailable. READING: a group value with 0 participants is suppressed
    (below 5), not unavailable: suppression is the rule written for group
    values, and "unavailable: no participant" would disclose the count.
    """
    out: list[Entry] = []
    reason = view.missing(["employees", "matches"])
    staff = view.employees[employed(view.employees, view.d)]
    participating = staff["employee_id"].isin(participant_ids(view))
    out.append(
        unavailable("participation_rate", reason)
        if reason
        else entry(
            "participation_rate",
            participating.mean() if len(staff) else None,
            len(staff),
            empty_reason="nobody employed on D",
        )
    )

    for attr in GROUP_ATTRIBUTES:
        values = group_value(staff[attr])
        table = (
            pd.DataFrame({"value": values, "participant": participating})
            .groupby("value")["participant"]
            .agg(headcount="size", participants="sum")
        )
        total_staff, total_participants = len(staff), int(participating.sum())
        published: dict[str, float] = {}
        # participation_rate and representation_index: one small-cell test,
        # one complementary cell (the fewest employed), so always together
        hidden = suppressed_values(
            (
                str(value),
                int(row["headcount"]),
                row["headcount"] < view.min_cell or row["participants"] < view.min_cell,
            )
            for value, row in table.iterrows()
        )
        for value, row in table.sort_index().iterrows():
            group: Group = {attr: str(value)}
            if reason:
                out += [
                    unavailable("participation_rate", reason, group),
                    unavailable("representation_index", reason, group),
                ]
                continue
            headcount, participants = int(row["headcount"]), int(row["participants"])
            if value in hidden:
                out += [
                    suppressed("participation_rate", group),
                    suppressed("representation_index", group),
                ]
                continue
            rate = participants / headcount
            published[str(value)] = rate
            index = (participants / total_participants) / (headcount / total_staff)
            out += [
                entry("participation_rate", rate, headcount, group),
                entry("representation_index", index, participants, group),
            ]
        out.append(_selection_ratio(attr, published, reason))

    for attr, kpi in (
        ("gender", "cross_gender_match_share"),
        ("ethnicity", "cross_ethnicity_match_share"),
    ):
        out.append(unavailable(kpi, reason) if reason else _cross_share(view, attr, kpi))
    return out


def _selection_ratio(attr: str, published: dict[str, float], reason: str | None) -> Entry:
    """Lowest over highest ``participation_rate`` among published, disclosed values."""
    kpi = "selection_ratio_min"
    group: Group = {attr: None}
    if reason:
        return unavailable(kpi, reason, group)
    rates = [rate for value, rate in published.items() if value != UNDISCLOSED]
    if len(rates) < 2:
        return unavailable(kpi, "fewer than 2 published, disclosed group values", group)
    return entry(kpi, min(rates) / max(rates), len(rates), group)


def _cross_share(view: View, attr: str, kpi: str) -> Entry:
    """Share of matches, both people disclosed, whose mentor and mentee differ on ``attr``.

    READING: every counted match (started on or before D), active or not.
    """
    values = view.employees.set_index("employee_id")[attr]
    values = pd.Series(group_value(values).to_numpy(), index=values.index)
    mentor = lookup(values, view.matches["mentor_id"])
    mentee = lookup(values, view.matches["mentee_id"])
    disclosed = (mentor != UNDISCLOSED) & (mentee != UNDISCLOSED)
    differ = (mentor != mentee)[disclosed]
    return entry(
        kpi,
        differ.mean() if len(differ) else None,
        len(differ),
        empty_reason=f"no match with both {attr} values disclosed",
    )


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def compute_kpis(
    tables: dict[str, pd.DataFrame],
    exported: set[str],
    as_of: dt.date,
    min_cell: int = 5,
) -> list[Entry]:
    """Every KPI of the dictionary as of ``as_of``, as ``kpis.json`` entries.

    ``tables`` maps source names to their accepted rows (a missing key is an
    empty table); ``exported`` names the sources that were in the drop.
    """
    # imported here: the workforce module builds on this one's helpers
    from tests.reference.workforce_pandas import workforce_kpis

    view = as_of_view(tables, exported, as_of, min_cell)
    return (
        retention_kpis(view)
        + promotion_kpis(view)
        + activity_kpis(view)
        + feedback_kpis(view)
        + engagement_kpis(view)
        + succession_kpis(view)
        + diversity_kpis(view)
        + workforce_kpis(view)
    )

"""Compare a published ``kpis.json`` list with the reference implementation's."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

Entry = dict[str, Any]
Key = tuple[str, str]


def entry_key(entry: Entry) -> Key:
    """(kpi, group) as a hashable key; the group is compared as canonical JSON
    so that ``{"gender": "female"}`` and ``{"ethnicity": None}`` stay distinct."""
    return entry["kpi"], json.dumps(entry.get("group"), sort_keys=True)


def _index(entries: Iterable[Entry], side: str, problems: list[str]) -> dict[Key, Entry]:
    """Entries by key, reporting a key that appears twice (kpis.json lists each once)."""
    indexed: dict[Key, Entry] = {}
    for entry in entries:
        key = entry_key(entry)
        if key in indexed:
            problems.append(f"{side} lists {key} twice")
        indexed[key] = entry
    return indexed


def _differences(key: Key, published: Entry, reference: Entry, tol: float) -> list[str]:
    """What differs between two entries of the same key."""
    out: list[str] = []
    pub_unavailable, ref_unavailable = (
        bool(published.get("unavailable")),
        bool(reference.get("unavailable")),
    )
    if pub_unavailable != ref_unavailable:
        out.append(
            f"{key}: unavailable published={published.get('unavailable')!r} "
            f"reference={reference.get('unavailable')!r}"
        )
    if bool(published.get("suppressed")) != bool(reference.get("suppressed")):
        out.append(
            f"{key}: suppressed published={published.get('suppressed')!r} "
            f"reference={reference.get('suppressed')!r}"
        )
    if published.get("n") != reference.get("n"):
        out.append(f"{key}: n published={published.get('n')!r} reference={reference.get('n')!r}")
    pub_value, ref_value = published.get("value"), reference.get("value")
    if pub_value is None or ref_value is None:
        if (pub_value is None) != (ref_value is None):
            out.append(f"{key}: value published={pub_value!r} reference={ref_value!r}")
    elif not (math.isfinite(float(pub_value)) and abs(float(pub_value) - float(ref_value)) <= tol):
        out.append(
            f"{key}: value published={pub_value!r} reference={ref_value!r} "
            f"(difference {float(pub_value) - float(ref_value):.3g} > {tol:g})"
        )
    return out


def assert_kpis_match(
    published: list[Entry],
    reference: list[Entry],
    tol: float = 1e-9,
    *,
    allow_extra_kpis: bool = True,
) -> None:
    """Fail, listing every difference, unless ``published`` agrees with ``reference``.

    Entries are matched by (kpi, group). For each pair: ``value`` within
    ``tol`` (absolute; both null or neither), ``n`` equal, ``suppressed``
    equal, and both available or both unavailable (the reason's wording is
    free). Every reference entry must be published. The dictionary allows
    "more KPIs may follow", so with ``allow_extra_kpis`` a published KPI name
    the reference does not know is ignored; an extra *group* of a known KPI
    is still a difference.
    """
    problems: list[str] = []
    pub = _index(published, "published", problems)
    ref = _index(reference, "reference", problems)
    known_kpis = {kpi for kpi, _ in ref}
    for key in sorted(ref.keys() - pub.keys()):
        problems.append(f"{key}: missing from published")
    for key in sorted(pub.keys() - ref.keys()):
        if not (allow_extra_kpis and key[0] not in known_kpis):
            problems.append(f"{key}: published but not in reference")
    for key in sorted(pub.keys() & ref.keys()):
        problems += _differences(key, pub[key], ref[key], tol)
    if problems:
        raise AssertionError(
            f"{len(problems)} KPI difference(s) from the reference:\n  " + "\n  ".join(problems)
        )

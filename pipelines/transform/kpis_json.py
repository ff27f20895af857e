"""Write kpis.json from the kpi_summary mart, in the KPI dictionary's format.

The numbers are dbt's (kpi_summary); this module only serialises them. The
output is deterministic: rows sorted by (kpi, group attribute, group value),
floats written with Python's shortest round-trip repr (unrounded), fixed key
order and indentation, so two runs on the same data give byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

#: kpi_summary's rows, each with whether its KPI counts things (the KPI
#: catalogue's is_count, seeds/kpi_catalog.csv): a count is published as a
#: JSON integer, not 76.0.
SUMMARY_QUERY = """
select s.kpi, s.group_attribute, s.group_value, s.value, s.n, s.suppressed, s.unavailable,
    s.ci_low, s.ci_high, coalesce(c.is_count, false) as is_count
from main.kpi_summary as s
left join main.kpi_catalog as c on s.kpi = c.kpi
"""


def _value(value: Any, is_count: bool) -> float | int | None:
    number = _float(value)
    if number is not None and is_count and number.is_integer():
        return int(number)
    return number


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"non-finite KPI number {number!r} in kpi_summary")
    return number


def kpi_records(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of kpi_summary as kpis.json records, in a deterministic order."""
    rows = con.execute(SUMMARY_QUERY).fetchall()
    records: list[dict[str, Any]] = []
    for (
        kpi,
        attribute,
        group_value,
        value,
        n,
        suppressed,
        unavailable,
        ci_low,
        ci_high,
        is_count,
    ) in rows:
        group = None if attribute is None else {attribute: group_value}
        records.append(
            {
                "kpi": kpi,
                "group": group,
                "value": _value(value, is_count),
                "n": None if n is None else int(n),
                "suppressed": bool(suppressed),
                "unavailable": unavailable,
                "ci_low": _float(ci_low),
                "ci_high": _float(ci_high),
            }
        )
    # Sort in Python, not SQL: the order must not depend on a database collation.
    records.sort(
        key=lambda r: (
            r["kpi"],
            "" if r["group"] is None else next(iter(r["group"])),
            "" if r["group"] is None else (next(iter(r["group"].values())) or ""),
        )
    )
    return records


def _check_as_of(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """Refuse to label the KPIs of one as-of date with another."""
    row = con.execute(
        "select max(as_of_date) from main.kpi_history where as_of_date = ?", [as_of]
    ).fetchone()
    if row is None or row[0] is None:
        built = con.execute("select max(as_of_date) from main.kpi_history").fetchone()
        raise ValueError(
            f"kpi_summary was built as of {built[0] if built else None}, not {as_of.isoformat()}"
        )


def write_kpis_json(con: duckdb.DuckDBPyConnection, path: Path, as_of: date) -> Path:
    """Write ``path`` (kpis.json) from kpi_summary and return it.

    Format (shared/contract/kpis.md): ``{"as_of": "YYYY-MM-DD", "kpis": [...]}``
    with one record per kpi_summary row: kpi, group (null, ``{"gender":
    "female"}`` or ``{"ethnicity": null}``), value, n, suppressed, unavailable,
    ci_low, ci_high. Written to a temporary file then renamed, so a reader
    never sees half a file.
    """
    _check_as_of(con, as_of)
    document = {"as_of": as_of.isoformat(), "kpis": kpi_records(con)}
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path

"""The KPI dictionary (shared/contract/kpis.md) in words, for readers.

Each published KPI gets a short label, a display kind (how its value is
formatted) and a plain-language definition written from the dictionary, read
from the KPI catalogue (``seeds/kpi_catalog.csv``: columns label, unit,
definition). The values themselves always come from ``kpi_summary``: nothing
here computes.
``tests/test_reports_build.py`` fails when a published KPI has no entry.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from pipelines.paths import kpi_catalog_file

#: rate: a fraction shown as a percentage; gap: a difference of rates, in
#: percentage points; count: a whole number; score: a mean on the 1-5 scale;
#: score_delta: a change on the 1-5 scale; mean: a mean count; ratio: a
#: dimensionless ratio (1 = parity).
Kind = Literal["rate", "gap", "count", "score", "score_delta", "mean", "ratio"]


@dataclass(frozen=True)
class KpiSpec:
    """How one KPI is named, formatted and explained."""

    kpi: str
    label: str
    kind: Kind
    definition: str


KINDS: tuple[str, ...] = get_args(Kind)


def _load(path: Path) -> tuple[KpiSpec, ...]:
    """The label, unit and definition of each KPI of the catalogue, in its order."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    specs = []
    for line, row in enumerate(rows, start=2):
        unit = row["unit"]
        if unit not in KINDS:
            raise ValueError(f"{path}: line {line}, column unit: {unit!r} is not one of {KINDS}")
        specs.append(KpiSpec(row["kpi"], row["label"], unit, row["definition"]))  # type: ignore[arg-type]
    return tuple(specs)


#: Every KPI of the catalogue (seeds/kpi_catalog.csv), the one place a KPI is declared.
SPECS: tuple[KpiSpec, ...] = _load(kpi_catalog_file())

SPECS_BY_KPI: dict[str, KpiSpec] = {s.kpi: s for s in SPECS}

#: The four-fifths rule of thumb (US EEOC): a selection ratio below this flags
#: possible adverse impact. A presentation threshold, not a KPI.
FOUR_FIFTHS = 0.8


def spec(kpi: str) -> KpiSpec:
    """The spec of a KPI; a KPI the dictionary adds later still shows, as a plain number."""
    return SPECS_BY_KPI.get(kpi) or KpiSpec(kpi, kpi.replace("_", " ").capitalize(), "mean", "")

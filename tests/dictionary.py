"""The KPI dictionary's own list of KPIs (``shared/contract/kpis.md``), read from its table.

The one reading of the dictionary the tests hold the project to: the
catalogue (``seeds/kpi_catalog.csv``), ``kpi_summary``, kpis.json and the
pandas reference must each list exactly these KPIs. A KPI the dictionary adds
is picked up here without an edit.
"""

from __future__ import annotations

import re
from pathlib import Path

#: shared/ sits beside the repository (here and in CI).
KPIS_MD = Path(__file__).resolve().parents[2] / "shared" / "contract" / "kpis.md"


def dictionary_kpis() -> frozenset[str]:
    """The KPI names in the first cell of every row of the dictionary's KPI tables."""
    first_cells = re.findall(r"^\| (`[^|]+)\|", KPIS_MD.read_text(encoding="utf-8"), flags=re.M)
    names = {n for cell in first_cells for n in re.findall(r"`([a-z0-9_]+)`", cell)}
    names.discard("group")  # "`participation_rate` with `group`"
    return frozenset(names)


DICTIONARY_KPIS = dictionary_kpis()

"""Arrow columns from numpy arrays, and tables in the contract's column order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pipelines.contract import SOURCES_BY_NAME


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A ``date32`` column from day numbers; ``valid`` False gives an empty cell."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(days, dtype=np.int32), pa.date32(), mask=mask)


def integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """An ``int64`` column; ``valid`` False gives an empty cell."""
    mask = None if valid is None else ~np.asarray(valid, dtype=bool)
    return pa.array(np.asarray(values, dtype=np.int64), pa.int64(), mask=mask)


def labels(vocabulary: tuple[str | None, ...] | list[str | None], codes: np.ndarray) -> pa.Array:
    """A string column from codes into a small vocabulary (``None`` gives an empty cell)."""
    return pa.array(list(vocabulary), pa.string()).take(pa.array(codes, pa.int64()))


def contract_table(source: str, columns: dict[str, pa.Array]) -> pa.Table:
    """A table holding exactly the source's contract columns, in the contract's order."""
    names = SOURCES_BY_NAME[source].column_names
    if set(columns) != set(names):
        raise ValueError(f"{source}: columns {sorted(columns)} are not the contract's {names}")
    return pa.table({name: columns[name] for name in names})

"""Property: random contract-breaking rows are quarantined with a reason; no row is lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.inbox import resolve_drop
from pipelines.ingest.loader import load_drop
from pipelines.warehouse import connect
from tests.conftest import write_csv
from tests.hypothesis_budget import examples

HEADER = ["employee_id", "hire_date", "department", "job_level", "termination_reason", "location"]

free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    max_size=12,
)
not_a_date = free_text.filter(lambda s: s.strip() != "" and not _is_iso(s.strip()))
bad_level = st.one_of(
    st.integers(min_value=16, max_value=10**6).map(str),
    st.integers(max_value=0, min_value=-(10**6)).map(str),
    st.sampled_from(["3.5", "three", "1e2", "--1"]),
)
bad_reason = free_text.filter(
    lambda s: (
        s.strip() != ""
        and s.strip().lower() not in ("voluntary", "involuntary", "retirement", "other")
    )
)


def _is_iso(text: str) -> bool:
    from datetime import date

    try:
        return len(text) == 10 and date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


@st.composite
def rows(draw: st.DrawFn) -> tuple[list[list[str]], int]:
    """Employees rows, each valid or broken in one way; returns rows and how many must be
    quarantined (broken rows, plus every later otherwise-valid row repeating a key)."""
    n = draw(st.integers(min_value=1, max_value=25))
    out: list[list[str]] = []
    broken = 0
    valid_ids: set[str] = set()
    for i in range(n):
        row = [f"E{i}", "2020-01-01", "Sales", "3", "", draw(free_text)]
        kind = draw(st.sampled_from(["ok", "ok", "missing", "date", "level", "enum", "dup"]))
        if kind == "missing":
            row[draw(st.sampled_from([0, 1, 2, 3]))] = draw(st.sampled_from(["", "  "]))
        elif kind == "date":
            row[1] = draw(not_a_date)
        elif kind == "level":
            row[3] = draw(bad_level)
        elif kind == "enum":
            row[4] = draw(bad_reason)
        elif kind == "dup":
            row[0] = "E0"
        if kind in ("ok", "dup"):
            # Valid on its own: a repeat of an accepted key is the only way to fail.
            broken += row[0] in valid_ids
            valid_ids.add(row[0])
        else:
            broken += 1
        out.append(row)
    return out, broken


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_random_bad_rows_are_quarantined_with_a_reason_and_rows_are_conserved(
    data: tuple[list[list[str]], int], delimiter: str, newline: str
) -> None:
    generated, broken = data
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp) / "2026-11-25"
        write_csv(drop / "employees.csv", HEADER, generated, delimiter, newline)
        con = connect(Path(tmp) / "w.duckdb")
        try:
            (load,) = load_drop(con, resolve_drop(drop), "run-prop")
            reasons = con.execute(
                "select reason, column_name, line_number from raw.quarantine"
            ).fetchall()
            lines = con.execute(
                "select _line_number from raw.employees union all "
                "select line_number from raw.quarantine order by 1"
            ).fetchall()
        finally:
            con.close()
    assert load.rows_read == len(generated)
    assert load.rows_read == load.rows_accepted + load.rows_quarantined
    assert load.rows_quarantined == broken
    assert all(reason and reason.strip() for reason, _, _ in reasons)
    # Every row is accounted for exactly once, at the physical line where it starts
    # (a quoted line break inside a value pushes the next rows down).
    starts, line = [], 2
    for row in generated:
        starts.append(line)
        line += 1 + sum(value.count("\n") for value in row)
    assert [line for (line,) in lines] == starts

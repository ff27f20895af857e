"""The analyst notebooks run top to bottom in a clean kernel on a demo warehouse.

Each is executed with nbclient against the 5,000-employee demo of
``demo_kpis`` (its warehouse and ground truth passed through the parameter
cell's environment variables), must raise nothing, must leave the warehouse
untouched (read-only), and must say what it is there to say.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ANALYST = ["program_impact", "two_way_learning", "diversity_and_succession"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _execute(name: str, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a notebook; return every output's text, failing on any error output."""
    warehouse: Path = demo["warehouse"]
    monkeypatch.setenv("MENTORSHIP_WAREHOUSE", str(warehouse))
    monkeypatch.setenv(
        "MENTORSHIP_GROUND_TRUTH", str(warehouse.parent / "inbox" / "ground_truth.json")
    )
    before = _digest(warehouse)
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    assert _digest(warehouse) == before, "a notebook changed the warehouse"
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors, errors
    texts = []
    for o in outputs:
        if o.output_type == "stream":
            texts.append(o.text)
        else:
            texts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("name", [*ANALYST, "retention_deep_dive"])
def test_notebook_is_committed_clean_with_one_parameter_cell(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "outputs committed"
    assert 'os.environ.get("MENTORSHIP_WAREHOUSE"' in code[0].source
    assert "read_only=True" in "".join(c.source for c in code)


def test_program_impact_lands_near_the_ground_truth(demo_kpis, monkeypatch) -> None:
    text = _execute("program_impact", demo_kpis, monkeypatch)
    assert "Mentees: 12-month retention differs" in text
    assert "Mentors: 12-month retention differs" in text
    found = {
        (role, method.strip()): float(error)
        for role, method, error in re.findall(
            r"^(mentee|mentor) +(IPW \(ATT\)|Cox, time-varying) +([+-]\d+\.\d) pp from the truth",
            text,
            flags=re.M,
        )
    }
    assert set(found) == {
        (r, m) for r in ("mentee", "mentor") for m in ("IPW (ATT)", "Cox, time-varying")
    }
    # both adjusted estimates land within 5 pp of the planted effect (the naive gap need not)
    assert all(abs(error) < 5 for error in found.values()), found


def test_two_way_learning_compares_the_sides_and_the_program_types(demo_kpis, monkeypatch) -> None:
    text = _execute("two_way_learning", demo_kpis, monkeypatch)
    assert re.search(r"learning: mentors \d\.\d\d against mentees \d\.\d\d; difference", text)
    assert "reverse" in text and "traditional" in text
    assert "odds_ratio" in text  # the reciprocity model was fitted


def test_diversity_and_succession_suppresses_small_groups(demo_kpis, monkeypatch) -> None:
    text = _execute("diversity_and_succession", demo_kpis, monkeypatch)
    assert "representation_index" in text and "succession_coverage_ready_now" in text
    assert "knowledge_transfer_gap_roles" in text
    # the demo plants a group under 5 people: its row says suppressed, never a number
    small = demo_kpis["truth"]["small_groups"]["ethnicity"]["value"].lower()
    rows = [line for line in text.splitlines() if small[:20] in line]
    assert rows, f"{small} is not listed"
    first = rows[0]
    assert "suppressed" in first and "True" in first, first

"""The retention gaps in plain words: what the adjusted gap means, and why it
differs from the naive one. Compares published KPIs, never shows a new number."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from reports import palette
from reports.page import kpi_state, paragraph
from reports.queries import Kpi, KpiTable
from reports.templating import macros, render


def kpi_ref(k: Kpi, text: str) -> Markup:
    """A number inside a sentence, traceable to its KPI row."""
    return macros("program_impact/kpi_ref.html").kpi_ref(k.kpi, repr(k.value), text)


def sentence(sentence_id: str, parts: Sequence[str]) -> Markup:
    """A sentence of text (escaped) and ``kpi_ref`` numbers."""
    return render("program_impact/sentence.html", sentence_id=sentence_id, parts=list(parts))


def _points(k: Kpi) -> str:
    """A gap in words: '4.1 percentage points'."""
    assert k.value is not None
    return f"{abs(k.value) * 100:.1f} percentage points"


def _direction(value: float, more: str, less: str) -> str:
    return more if value > 0 else less


def gap_sentence(k: KpiTable, side: str) -> Markup:
    """What the adjusted gap means and why it differs from the naive one, in plain words."""
    who = palette.GROUP_LABELS[side]
    naive = k.get(f"retention_12m_gap_{side}_naive")
    adjusted = k.get(f"retention_12m_gap_{side}_adjusted")
    if kpi_state(naive) != "published":
        return paragraph(
            f"{who}' retention cannot be compared with non-participants' yet: "
            f"{naive.unavailable or 'no value published'}.",
            "sentence",
        )
    assert naive.value is not None
    # Text parts are escaped by the template; kpi_ref parts are already Markup.
    parts: list[str]
    if f"{naive.value * 100:.1f}" == "0.0":
        parts = [
            f"{who} stayed a year about as often as non-participants (a raw gap of ",
            kpi_ref(naive, _points(naive)),
            ").",
        ]
    else:
        parts = [
            f"{who} stayed a year {_direction(naive.value, 'more', 'less')} often than "
            "non-participants: by ",
            kpi_ref(naive, _points(naive)),
            " in the raw comparison.",
        ]
    if kpi_state(adjusted) != "published":
        parts.append(
            " The like-for-like comparison is not available ("
            f"{adjusted.unavailable or 'no value published'}), so this raw gap mixes the "
            "effect of mentoring with differences in who takes part."
        )
        return sentence(f"gap-sentence-{side}", parts)
    assert adjusted.value is not None
    parts += [
        " Comparing like with like — people in the same department, at the same job "
        "level and with the same performance rating when they started — the gap is ",
        kpi_ref(adjusted, _points(adjusted)),
        (
            f" {_direction(adjusted.value, 'in favour of', 'against')} {who.lower()}"
            if f"{adjusted.value * 100:.1f}" != "0.0"
            else ""
        ),
        f" (over the {adjusted.n:,}{_of_eligible(k, side)} {who.lower()} who have enough "
        "comparable colleagues). ",
        _uncertainty(adjusted),
        _why(naive.value, adjusted.value, who.lower()),
        _caution(k, side, adjusted),
        " Neither figure proves that mentoring causes the difference: people who choose "
        "to take part may differ in ways the records do not show.",
    ]
    return sentence(f"gap-sentence-{side}", parts)


def _of_eligible(k: KpiTable, side: str) -> str:
    """' of 161 eligible' when the group's retention is published (its n is the eligible)."""
    rate = k.get(f"retention_12m_{side}")
    return f" of {rate.n:,} eligible" if kpi_state(rate) == "published" and rate.n else ""


def _uncertainty(gap: Kpi) -> str:
    """The gap's 95% interval in words, and what it means when it includes zero."""
    if gap.ci_low is None or gap.ci_high is None:
        return ""
    low, high = (f"{v * 100:+.1f}" for v in (gap.ci_low, gap.ci_high))
    text = f"The 95% interval runs from {low} to {high} percentage points"
    if gap.ci_low <= 0 <= gap.ci_high:
        return text + ": it includes zero, so these numbers cannot tell the gap from none. "
    return text + ". "


def _caution(k: KpiTable, side: str, adjusted: Kpi) -> str:
    """A warning when the like-for-like comparison rests on under half of the group."""
    rate = k.get(f"retention_12m_{side}")
    if kpi_state(rate) == "published" and rate.n and adjusted.n and 2 * adjusted.n < rate.n:
        return (
            " It rests on fewer than half of the eligible "
            f"{palette.GROUP_LABELS[side].lower()}, so read it with caution."
        )
    return ""


def _why(naive: float, adjusted: float, who: str) -> str:
    """Why the adjusted gap differs from the naive one (compares, never shows a new number)."""
    if f"{naive * 100:.1f}" == f"{adjusted * 100:.1f}":
        return (
            f"The two agree: differences in who the {who} are (department, level, "
            "performance) explain little of the gap."
        )
    if (naive > 0) != (adjusted > 0) and adjusted != 0 and naive != 0:
        return (
            "The adjusted gap points the other way: the raw difference comes from who takes "
            f"part (the {who} are concentrated in departments, levels or performance bands "
            "with different retention), not from mentoring."
        )
    if abs(adjusted) < abs(naive):
        return (
            "The adjusted gap is smaller: part of the raw difference comes from who takes "
            f"part (the {who} tend to be in departments, levels or performance bands where "
            "people stay anyway), not from mentoring itself."
        )
    return (
        "The adjusted gap is larger: the "
        f"{who} are more often in departments, levels or performance bands where people "
        "leave more, which hides part of the difference in the raw comparison."
    )

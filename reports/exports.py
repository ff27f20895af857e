"""What a report says when the drop held no mentoring export (an HR-only run).

An HR-only drop is valid (the baseline before a program starts, or a first
try on a real HR export), but then every mentoring figure reads "not
available"; one plain sentence at the top says why, instead of leaving the
reader to infer it from twenty reasons.
"""

from __future__ import annotations

from pipelines.contract import SOURCES
from reports.page import RunInfo, esc

MENTORING_SOURCES: tuple[str, ...] = tuple(s.name for s in SOURCES if s.system == "mentoring")


def no_mentoring_note(run: RunInfo) -> str | None:
    """A note for the top of a report when no mentoring source was exported, else None."""
    exported = {f.source for f in run.inputs}
    if exported & set(MENTORING_SOURCES):
        return None
    hr = ", ".join(sorted(exported)) or "none"
    return (
        '<p class="banner no-mentoring-export">'
        "<strong>No mentoring export was given.</strong> This run read HR exports only "
        f"({esc(hr)}), so the mentoring figures below are not available; they appear once "
        f"the mentoring platform's exports ({esc(', '.join(MENTORING_SOURCES))}) are in the "
        "drop. The workforce report (workforce.html) shows what this export tells: headcount, "
        "turnover, engagement and representation.</p>"
    )

"""What a report says when the drop held no mentoring export (an HR-only run).

An HR-only drop is valid (the baseline before a program starts, or a first
try on a real HR export), but then every mentoring figure reads "not
available"; one plain sentence at the top says why, instead of leaving the
reader to infer it from twenty reasons.
"""

from __future__ import annotations

from markupsafe import Markup

from pipelines.contract import SOURCES
from reports.page import RunInfo
from reports.templating import render

MENTORING_SOURCES: tuple[str, ...] = tuple(s.name for s in SOURCES if s.system == "mentoring")


def no_mentoring_note(run: RunInfo) -> Markup | None:
    """A note for the top of a report when no mentoring source was exported, else None."""
    exported = {f.source for f in run.inputs}
    if exported & set(MENTORING_SOURCES):
        return None
    hr = ", ".join(sorted(exported)) or "none"
    return render("no_mentoring_note.html", hr=hr, mentoring=", ".join(MENTORING_SOURCES))

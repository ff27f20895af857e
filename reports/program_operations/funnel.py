"""The participation funnel over all programs: enrolled, matched, active, completed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go
from markupsafe import Markup

from reports import charts, palette
from reports.page import Page, paragraph, unavailable_note
from reports.templating import render as render_template

if TYPE_CHECKING:  # types only: the package imports this module to build its page
    from reports.program_operations import OperationsData

_FUNNEL_STAGES = (
    ("enrolled", "Enrolled", "enrolments (a person in a program, in one role)"),
    ("matched", "Matched", "people with at least one match in the program"),
    ("active", "Active", "people in a match active today"),
    ("completed", "Completed", "enrolments marked completed"),
)


def funnel(page: Page, data: OperationsData) -> list[Markup]:
    """What each stage counts, and the funnel chart."""
    blocks = [
        paragraph("Over all programs, counting each person once per program and role:"),
        render_template(
            "program_operations/funnel_stages.html",
            stages=[(label, text) for _key, label, text in _FUNNEL_STAGES],
        ),
    ]
    stages = [(label, data.funnel.get(key)) for key, label, _text in _FUNNEL_STAGES]
    missing = [label for label, value in stages if value is None]
    if missing:
        blocks.append(unavailable_note(f"{', '.join(missing)}: enrollments was not exported"))
    shown = [(label, value) for label, value in stages if value is not None]
    if not shown or not any(v for _l, v in shown):
        blocks.append(unavailable_note("no program has started"))
        return blocks
    fig = charts.figure(
        [
            go.Funnel(
                y=[label for label, _v in shown],
                x=[v for _l, v in shown],
                textinfo="value",
                marker={"color": palette.SKY_BLUE},
                connector={"line": {"color": "#BBBBBB"}},
                hovertemplate="%{y}: %{x:,}<extra></extra>",
            )
        ],
        height=300,
        margin={"l": 110, "r": 20, "t": 20, "b": 30},
    )
    blocks.append(page.figure(fig, "funnel", "Participation funnel over all programs."))
    return blocks

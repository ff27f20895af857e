"""Colours and chart style shared by every report.

Okabe & Ito's palette is safe for the common forms of colour blindness. The
three groups the reports compare keep one colour each in every chart, and
lines also differ by dash, so a chart still reads in greyscale print.
"""

from __future__ import annotations

from typing import Any

# Okabe-Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
# Not in Okabe-Ito: a neutral grey for "everyone else", which needs no hue.
GREY = "#8C8C8C"

#: The compared groups: the same colour in every chart of every report.
GROUP_COLOURS: dict[str, str] = {
    "mentee": BLUE,
    "mentor": ORANGE,
    "non_participant": GREY,
}
GROUP_DASHES: dict[str, str] = {"mentee": "solid", "mentor": "dash", "non_participant": "dot"}
GROUP_LABELS: dict[str, str] = {
    "mentee": "Mentees",
    "mentor": "Mentors",
    "non_participant": "Non-participants",
}

#: Program types (never blue, orange or grey: those mean the groups above).
PROGRAM_TYPE_COLOURS: dict[str, str] = {
    "traditional": BLUISH_GREEN,
    "reverse": REDDISH_PURPLE,
    "peer": SKY_BLUE,
    "group": YELLOW,
}

#: Session outcomes and check outcomes.
STATUS_COLOURS: dict[str, str] = {
    "held": BLUISH_GREEN,
    "cancelled": REDDISH_PURPLE,
    "no_show": VERMILLION,
    "passed": BLUISH_GREEN,
    "failed": VERMILLION,
    "warning": YELLOW,
}

#: Bars that are about "participants" or "everyone" rather than one group.
NEUTRAL = SKY_BLUE

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def layout(**overrides: Any) -> dict[str, Any]:
    """A small explicit layout for every figure.

    Written out instead of using plotly's default template, which adds ~8 KB
    of unused styling to every figure of a file that must stay near 4.8 MB.
    """
    base: dict[str, Any] = {
        "template": None,
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#222222"},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "height": 340,
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "xaxis": {"gridcolor": "#E5E5E5", "linecolor": "#999999", "zeroline": False},
        "yaxis": {"gridcolor": "#E5E5E5", "linecolor": "#999999", "zeroline": False},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base

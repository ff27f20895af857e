"""The Jinja2 environment every report renders with: templates beside this package, autoescaped.

Templates live in ``reports/templates/`` and are loaded from the installed
package (a wheel ships them as package data). Every value a template prints is
HTML-escaped unless it is ``Markup``: the HTML our own code made (a rendered
template, a macro's output, the page's CSS and scripts, Plotly's figure JSON).
Data (department, program, job title, site names, labels) is never ``Markup``.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.ext import Extension
from jinja2.nodes import EvalContext
from markupsafe import Markup

#: A line break and the indentation after it, in a template's source.
_LINE_BREAK = re.compile(r"\n[ \t]*")


class JoinLines(Extension):
    """Lay templates out on many lines; render them as one (the pages hold no line breaks).

    A line break and the indentation that follows it are dropped, so a run of
    prose stays on one line of a template (a break inside it would join two words).
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        """The template's source with its line breaks removed."""
        return _LINE_BREAK.sub("", source)


@pass_eval_context
def _escape(eval_ctx: EvalContext, value: Any) -> Any:
    """Escape as ``html.escape(quote=True)`` does, so pages keep their bytes.

    markupsafe spells ``'`` and ``"`` as ``&#39;`` and ``&#34;``; the pages have
    always said ``&#x27;`` and ``&quot;``. Autoescaping stays the switch: with
    it off, values print raw. ``None`` prints as nothing, not "None".
    """
    if value is None:
        return ""
    if not eval_ctx.autoescape or hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value), quote=True))


@cache
def environment() -> Environment:
    """The reports' Jinja2 environment (built once)."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        # the templates ship with the code: no stat of the file on every use
        auto_reload=False,
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        finalize=_escape,
        undefined=StrictUndefined,
        extensions=[JoinLines],
        keep_trailing_newline=False,
    )


def render(name: str, **context: Any) -> Markup:
    """Render one template of ``reports/templates/`` to trusted HTML."""
    return Markup(environment().get_template(name).render(**context))


@cache
def macros(name: str) -> Any:
    """A template's macros, callable from Python (each returns ``Markup``)."""
    return environment().get_template(name).module


def static(name: str) -> Markup:
    """A file of ``reports/templates/`` as it is (CSS, JavaScript): trusted, not a template."""
    loader = environment().loader
    assert loader is not None
    source, _filename, _uptodate = loader.get_source(environment(), name)
    return Markup(source)

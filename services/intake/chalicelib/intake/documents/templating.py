"""The Jinja2 environment of the slips: templates/ beside this module, autoescaping on.

Jinja2 is imported on the first slip a process prints, not when intake starts: most cold
starts never print one.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.intake.documents.labels import DASH

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent / "templates"


def escape_value(value: Any) -> str:
    """What every ``{{ … }}`` prints for a plain value: "—" for None (a page never says
    "None"), everything else as text escaped with ``html.escape`` (``&`` ``<`` ``>`` ``"``
    ``'``: the entities the slips have always used)."""
    return html.escape(DASH if value is None else str(value), quote=True)


@cache
def environment() -> Environment:
    """The one environment of this process (templates are compiled once, then cached)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    def finalize(value: Any) -> Any:
        # Autoescaping stays on: markup built by the templates themselves and the values they
        # mark `|safe` (the QR code's SVG only) pass as Markup; anything else is escaped here,
        # and Jinja's escape then leaves the Markup alone. (markupsafe's own escape would write
        # `"` as `&#34;`; the slips have always written `&quot;`.)
        if isinstance(value, Markup):
            return value
        return Markup(escape_value(value))  # noqa: S704 - escaped on this line

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def render_template(name: str, variables: dict[str, Any]) -> str:
    """Template ``name`` of templates/ filled with ``variables``."""
    return environment().get_template(name).render(variables)

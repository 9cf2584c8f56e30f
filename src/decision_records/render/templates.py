"""The Jinja2 environment of the page fragments: autoescaped, and compact by construction.

Templates are written indented, one element a line, for people. A line break followed by
indentation between two tags (or template tags) is dropped when a template is loaded, so
the pages come out as compact as hand-joined strings; a blank line, which separates
Markdown blocks, is kept.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup

from ..refs import page_url
from ..signals.maturity import CATEGORY_HELP

# the end of a tag or template tag, one line break with indentation, the start of the next
_BREAK = re.compile(r"(>|%\}|\}\}|#\})[ \t]*\n[ \t]*(?=<|\{%|\{\{|\{#)")


class _Compact(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BREAK.sub(r"\1", source)


def _plural(n: int, word: str = "", plural: str = "s") -> str:
    """`{{ n | plural("token") }}` -> '1 token', '2 tokens'; without a word only the ending."""
    ending = "" if n == 1 else plural
    return f"{n} {word}{ending}" if word else ending


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("decision_records.render", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=[_Compact],
)
ENV.filters["plural"] = _plural
ENV.globals.update(category_help=CATEGORY_HELP, package_url=page_url)


def render(template: str, **data: Any) -> str:
    return ENV.get_template(template).render(**data)


def safe(html: str) -> Markup:
    """HTML this package made safe itself (record Markdown converted with raw HTML off)."""
    return Markup(html)


_SECTION = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


def sections(html: str) -> list[tuple[str, str]]:
    """(anchor, heading) of each section of a page these templates made."""
    return _SECTION.findall(html)

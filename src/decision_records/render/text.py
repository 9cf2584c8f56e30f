"""Record text -> safe HTML.

Record text is Markdown written by anyone who can open a pull request, so it is converted
here, with a Markdown instance that has raw HTML switched off (tags come out as text) and a
final pass that drops links and images to anything but http(s), mailto, anchors and
relative paths. A relative link is read as the record file sees it in the repository
(`0009-help-scripts.yaml` is another record, `../docs/assets/x.png` a file of the site),
and the caller's resolver turns it into the site's URL.

A fenced `mermaid` block comes out as `<pre class="dr-mermaid">` with its source as text: it
reads as written without script, and the record page then loads `assets/diagrams.js`, which
draws it with the copy of Mermaid the site serves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor

from ..markup import MARKUP, excess

_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|#|/|\.|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(value: str) -> bool:
    """Whether a link target is http(s), mailto, an anchor or a relative path.

    Browsers decode entities (&#106;avascript:) and drop tabs and newlines inside a URL
    before they read its scheme, so the check looks at the URL the way they will.
    """
    return bool(_SAFE_SCHEME.match(_INVISIBLE.sub("", html.unescape(value))))


Resolve = Callable[[str], "str | None"]  # a relative link -> the site's URL, or None: as is
_RELATIVE = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)


class _SafeLinks(Treeprocessor):
    resolve: Resolve | None = None  # set for each conversion

    def run(self, root: Element) -> None:
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is None:
                    continue
                if not safe_url(value):
                    el.set(attr, "#unsafe-link-removed")
                elif self.resolve is not None and _RELATIVE.match(value):
                    el.set(attr, self.resolve(value) or value)


_LINKS = _SafeLinks()

# Raw HTML is off, so only a fenced code block of language `mermaid` opens with this tag.
_MERMAID = '<pre><code class="language-mermaid">'
DIAGRAM = '<pre class="dr-mermaid"><code class="language-mermaid">'


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_LINKS, "safe_links", 0)
    return md


_MD = _markdown()


def safe_html(text: str, resolve: Resolve | None = None) -> str:
    """Markdown -> HTML with raw HTML escaped and unsafe link targets removed.

    Never raises, and takes time linear in the text: a text the converter cannot take in
    that time (see markup.py, whose findings validation reports) is shown as written.
    """
    if not MARKUP.search(text):  # most pros, cons and summaries: no Markdown pass needed
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    if excess(text) is not None:
        return _as_written(text)
    global _MD
    _MD.reset()
    _LINKS.resolve = resolve
    try:
        return str(_MD.convert(text)).replace(_MERMAID, DIAGRAM)
    except Exception:  # a failure no limit foresaw costs this text its formatting, no more
        _MD = _markdown()  # one stopped half-way leaves the converter's state behind
        return _as_written(text)
    finally:
        _LINKS.resolve = None


def _as_written(text: str) -> str:
    return f"<pre><code>{html.escape(text, quote=False)}</code></pre>"


def safe_inline(text: str, resolve: Resolve | None = None) -> str:
    """A one-line Markdown string (a pro, a con, a driver) -> HTML without the <p>."""
    out = safe_html(text, resolve)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return out[3:-4]
    return out

"""Where every page lives and how one page links to another: the only module that knows.

The rules for turning a source name into a URL belong to the site generator; the hooks hand
MkDocs' own (`File.url`, `get_relative_url`) in here, so nothing below copies them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

from ..model import Entry

INDEX_URI = "decisions/index.md"
REVIEW_URI = "review.md"
TIMELINE_URI = "timeline.md"
JSON_URI = "decisions.json"
INDEX_DATA_URI = "decisions/index.json"
BUDGET_URI = "budget.md"
COSTS_URI = "costs.md"
COSTS_JSON_URI = "costs.json"
COSTS_GUIDE_URI = "how-costs-are-counted.md"  # a packaged page (docs/)
SIGNALS_URI = "signals.md"
COVERAGE_URI = "coverage.md"
PROBLEMS_URI = "problems.md"
PROBLEMS_DATA_URI = "problems.json"  # read by every page's script for its banner
RADAR_URI = "radar.md"
RADAR_JSON_URI = "radar.json"
BACKSTAGE_URI = "radar-backstage.json"

PageUrl = Callable[[str], str]  # source name -> URL from the site root ('decisions/x/')
Relative = Callable[[str, str], str]  # (URL, from this page's URL) -> relative URL


def record_uri(record_id: str) -> str:
    return f"decisions/{record_id}.md"


def timeline_uri(year: int) -> str:
    return f"timeline/{year}.md"


@dataclass(frozen=True)
class Urls:
    page_url: PageUrl
    relative: Relative
    edit_base: str | None = None  # repo_url + edit_uri: where docs/ is edited
    site_url: str | None = None  # makes links in files for other tools absolute
    # links worked out before: the listing pages link the same records again and again,
    # and a preview keeps its Urls from one build to the next
    _links: dict[tuple[str, str], str] = field(default_factory=dict, compare=False,
                                               repr=False)
    _pages: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def url(self, uri: str) -> str:
        """The URL of a source name, from the site root."""
        found = self._pages.get(uri)
        if found is None:
            found = self._pages[uri] = self.page_url(uri)
        return found

    def href(self, from_uri: str, to_uri: str) -> str:
        """A link from one generated or written page to another, as raw HTML needs it."""
        key = (from_uri, to_uri)
        link = self._links.get(key)
        if link is None:
            link = self._links[key] = self.relative(self.url(to_uri), self.url(from_uri))
        return link

    def record(self, from_uri: str, record_id: str) -> str:
        return self.href(from_uri, record_uri(record_id))

    def absolute(self, from_uri: str, to_uri: str) -> str:
        """A link for another tool: absolute when site_url is set, else relative."""
        link = self.href(from_uri, to_uri)
        return urljoin(self.site_url.rstrip("/") + "/", link) if self.site_url else link

    def edit(self, entry: Entry) -> str | None:
        """The page that edits a record (edit_uri points at docs/; records live beside it)."""
        if not self.edit_base:
            return None
        return urljoin(self.edit_base, f"../decisions/{quote(entry.path.name)}")

    def in_repository(self, path: str) -> str | None:
        """The repository's page of a file given from the repository root, when known."""
        if not self.edit_base or Path(path).is_absolute() or path.startswith(".."):
            return None
        return urljoin(self.edit_base, "../" + quote(path))

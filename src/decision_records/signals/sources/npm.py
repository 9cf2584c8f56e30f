"""npm: `npm:NAME` or `npm:@SCOPE/NAME`, read from the registry's package document (/NAME)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .base import (
    YEAR,
    Reading,
    Signals,
    SignalSource,
    as_day,
    as_object,
    as_text,
    as_time,
    clean,
    pre_1_0_only,
)
from .github import repository_ref

_TIME_KEYS = {"created", "modified", "unpublished"}
_SHORTHAND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


class Npm(SignalSource):
    kind = "npm"
    label = "npm"
    name_rule = r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*"
    example = "npm:NAME"
    setting = "npm_url"
    env = "DECISIONS_NPM_URL"
    default_url = "https://registry.npmjs.org"
    api = "the npm registry"
    purl = "npm"

    def normalise(self, name: str) -> str:
        # the registry refuses new names with capitals, and two names that differ only in
        # case are one to a person; the scope is kept
        return name.strip().lower()

    def purl_name(self, namespace: str | None, name: str) -> str | None:
        return f"{namespace}/{name}" if namespace else name

    def page(self, name: str) -> str:
        return f"https://www.npmjs.com/package/{name}"

    def url(self, base: str, name: str) -> str:
        # a scoped name travels as one path segment: @scope%2fname
        return f"{base.rstrip('/')}/{name.replace('/', '%2f')}"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        return parse_npm(doc, reading.now)


SOURCE = Npm()


def parse_npm(doc: dict[str, Any], now: dt.datetime) -> Signals:
    """The npm registry's package document (/NAME) -> signals."""
    versions = as_object(doc.get("versions", {}), "versions")
    times: dict[str, Any] = doc["time"] if isinstance(doc.get("time"), dict) else {}
    tags: dict[str, Any] = doc["dist-tags"] if isinstance(doc.get("dist-tags"), dict) else {}
    latest = as_text(tags.get("latest"))
    found = versions.get(latest) if latest else None
    latest_doc: dict[str, Any] = found if isinstance(found, dict) else {}
    unpublished = times.get("unpublished")
    # The public registry's document always has time.created; a document without it (as some
    # mirrors serve) carries times that are not publication times, so none are used.
    dated = as_time(times.get("created")) is not None
    published = {v: t for v, raw in times.items() if v not in _TIME_KEYS
                 for t in [as_time(raw)] if t} if dated else {}
    live = [published[v] for v in versions if v in published]
    first = min([*published.values(), *filter(None, [as_time(times.get("created"))])],
                default=None) if dated else None
    deprecated = as_text(latest_doc.get("deprecated"))
    if unpublished is not None:
        deprecated = "unpublished from the registry"
    maintainers = doc.get("maintainers")
    return clean({
        "name": as_text(doc.get("name")),
        "latest_version": latest,
        "first_release": as_day(first),
        "last_release": as_day(max(live, default=None)),
        "releases": len(versions),
        "releases_last_year": sum(1 for t in live if now - t <= YEAR) if dated else None,
        "no_release_dates": True if not dated else None,
        "pre_1_0_only": pre_1_0_only(versions),
        "maintainers": len(maintainers) if isinstance(maintainers, list) and maintainers
        else None,
        "deprecated": deprecated[:200] if deprecated else None,
        "licence": _licence(latest_doc.get("license") or doc.get("license")),
        "repository": repository_ref(_repository_url(latest_doc.get("repository")
                                                     or doc.get("repository"))),
        "homepage": as_text(latest_doc.get("homepage") or doc.get("homepage")),
    })


def _licence(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("type")
    return as_text(value)


def _repository_url(value: object) -> str | None:
    text = as_text(value.get("url")) if isinstance(value, dict) else as_text(value)
    # package.json allows "owner/repo" for a GitHub repository
    return f"github:{text}" if text and _SHORTHAND.match(text) else text

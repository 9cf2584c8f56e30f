"""PyPI: `pypi:NAME`, read from the JSON API's project document (/pypi/NAME/json)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .base import (
    YEAR,
    ParseError,
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

_SEPARATORS = re.compile(r"[-_.]+")
_SOURCE_KEYS = ("source", "source code", "repository", "code", "github", "homepage", "home")


class PyPI(SignalSource):
    kind = "pypi"
    label = "PyPI"
    name_rule = r"[A-Za-z0-9][A-Za-z0-9._-]*"
    example = "pypi:NAME"
    setting = "pypi_url"
    env = "DECISIONS_PYPI_URL"
    default_url = "https://pypi.org"
    api = "the PyPI JSON API"
    purl = "pypi"
    maintainers = "owner"  # PyPI's own word for who may publish

    def normalise(self, name: str) -> str:
        # PEP 503, as the PEP writes it (what pip's `packaging` does, without loading it
        # into every command that reads a record)
        return _SEPARATORS.sub("-", name).lower()

    def page(self, name: str) -> str:
        return f"https://pypi.org/project/{name}/"

    def url(self, base: str, name: str) -> str:
        return f"{base.rstrip('/')}/pypi/{name}/json"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        return parse_pypi(doc, reading.now)


SOURCE = PyPI()


def parse_pypi(doc: dict[str, Any], now: dt.datetime) -> Signals:
    """The PyPI JSON API's project document (/pypi/NAME/json) -> signals."""
    info = as_object(doc.get("info"), "info")
    releases = as_object(doc.get("releases", {}), "releases")
    uploaded: dict[str, dt.datetime] = {}  # version -> first upload
    live: list[str] = []  # versions with at least one file not yanked
    for version, files in releases.items():
        if not isinstance(files, list):
            raise ParseError(f"unexpected response: release '{version}' is not a list")
        times = [t for f in files if isinstance(f, dict)
                 for t in [as_time(f.get("upload_time_iso_8601") or f.get("upload_time"))] if t]
        if not times:
            continue  # a version with no files was never installable
        uploaded[version] = min(times)
        if any(isinstance(f, dict) and not f.get("yanked") for f in files):
            live.append(version)
    live_times = [uploaded[v] for v in live]
    return clean({
        "name": as_text(info.get("name")),
        "latest_version": as_text(info.get("version")),
        "first_release": as_day(min(uploaded.values(), default=None)),
        "last_release": as_day(max(live_times, default=None)),
        "releases": len(live),
        "releases_last_year": sum(1 for t in live_times if now - t <= YEAR),
        "pre_1_0_only": pre_1_0_only(live),
        "maintainers": _owners(doc.get("ownership")),
        "organization": as_text(doc["ownership"].get("organization"))
        if isinstance(doc.get("ownership"), dict) else None,
        "vulnerabilities": _advisories(doc.get("vulnerabilities")),
        "licence": _licence(info),
        "inactive": any(isinstance(c, str) and c.startswith("Development Status :: 7")
                        for c in info.get("classifiers") or []) or None,
        "yanked": bool(info.get("yanked")) or None,
        **_links(info),
    })


def _owners(ownership: object) -> int | None:
    if not isinstance(ownership, dict) or not isinstance(ownership.get("roles"), list):
        return None
    users = {r.get("user") for r in ownership["roles"] if isinstance(r, dict) and r.get("user")}
    return len(users) if users else None


def _advisories(vulns: object) -> list[str] | None:
    """Ids of the advisories against the latest release that are not withdrawn; an advisory
    listed under several ids (PYSEC and GHSA aliases) counts once."""
    if not isinstance(vulns, list):
        return None
    ids: list[str] = []
    seen: set[str] = set()
    for v in vulns:
        if not isinstance(v, dict) or v.get("withdrawn") or not as_text(v.get("id")):
            continue
        names = {v["id"], *(a for a in v.get("aliases") or [] if isinstance(a, str))}
        if not names & seen:
            ids.append(v["id"])
        seen |= names
    return ids


def _licence(info: dict[str, Any]) -> str | None:
    expression = as_text(info.get("license_expression"))
    if expression:
        return expression
    text = as_text(info.get("license"))
    if text and len(text) <= 64 and "\n" not in text:  # not a whole licence text pasted in
        return text
    for c in info.get("classifiers") or []:
        if isinstance(c, str) and c.startswith("License ::"):
            return c.rsplit("::", 1)[-1].strip()
    return None


def _links(info: dict[str, Any]) -> Signals:
    urls = {str(k).lower(): v for k, v in (info.get("project_urls") or {}).items()
            if isinstance(v, str)} if isinstance(info.get("project_urls"), dict) else {}
    candidates = [urls.get(k) for k in _SOURCE_KEYS] + list(urls.values()) + [
        info.get("home_page")]
    repository = next((r for r in map(repository_ref, candidates) if r), None)
    homepage = as_text(urls.get("homepage")) or as_text(info.get("home_page"))
    return {"repository": repository, "homepage": homepage}

"""Go, Rust, Java and .NET packages, read from the deps.dev API (v3): `go:MODULE`,
`cargo:NAME`, `maven:GROUP:ARTIFACT` and `nuget:NAME`.

One service answers for the four ecosystems, so the four kinds share one base URL setting
(`depsdev_url`). A package's document (`/v3/systems/{system}/packages/{name}`) lists its
versions with their publication times and which one is the default; the default version's
document (`.../versions/{version}`) gives its licences, its advisories, whether it is
deprecated, and the source repository it names (a GitHub one is fetched too, as for PyPI and
npm, and brings stars, archival and the OpenSSF Scorecard score).

The same service's project document (`/v3/projects/{id}`) carries the Scorecard score of a
GitHub repository: the GitHub source reads it from the base URL set here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from .base import (
    YEAR,
    ParseError,
    Reading,
    Signals,
    SignalSource,
    as_day,
    as_text,
    as_time,
    clean,
    is_prerelease,
    pre_1_0_only,
)
from .github import SCORECARD_SETTING, repository_ref

ADVISORIES_KEPT = 50
ID_CHARS = 64  # an advisory id, a version
TEXT_CHARS = 200  # a licence expression, a deprecation message


def _short(value: object, limit: int) -> str | None:
    text = as_text(value)
    return text[:limit] if text else None


class DepsDev(SignalSource):
    """A package system deps.dev answers for; a subclass a system."""

    system: str  # in deps.dev's paths: 'go'
    setting = SCORECARD_SETTING
    env = "DECISIONS_DEPSDEV_URL"
    default_url = "https://api.deps.dev"
    api = "the deps.dev API (v3), for Go, Cargo, Maven and NuGet packages and Scorecard scores"

    def url(self, base: str, name: str) -> str:
        # a name may hold '/' (a Go module) or ':' (a Maven artifact): one path segment
        return f"{base.rstrip('/')}/v3/systems/{self.system}/packages/{quote(name, safe='')}"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        package = parse_package(doc, reading.now)
        version = package.get("latest_version")
        details: dict[str, Any] = {}
        if isinstance(version, str):
            reply = reading.follow(f"{reading.url}/versions/{quote(version, safe='')}")
            if reply is not None:
                try:
                    found = json.loads(reply.body)
                except (ValueError, RecursionError):
                    found = None
                details = found if isinstance(found, dict) else {}
        return clean({**package, **parse_version(details)})


class Go(DepsDev):
    kind = "go"
    label = "Go"
    system = "go"
    # a module path: a host name with a dot, then path elements
    name_rule = r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?:/[A-Za-z0-9._~+-]+)*"
    example = "go:MODULE"
    purl = "golang"

    def purl_name(self, namespace: str | None, name: str) -> str | None:
        return f"{namespace}/{name}" if namespace else name

    def page(self, name: str) -> str:
        return f"https://pkg.go.dev/{name}"


class Cargo(DepsDev):
    kind = "cargo"
    label = "crates.io"
    system = "cargo"
    name_rule = r"[A-Za-z][A-Za-z0-9_-]*"
    example = "cargo:NAME"
    purl = "cargo"

    def normalise(self, name: str) -> str:
        # crates.io treats names without regard to case
        return name.strip().lower()

    def page(self, name: str) -> str:
        return f"https://crates.io/crates/{name}"


class Maven(DepsDev):
    kind = "maven"
    label = "Maven Central"
    system = "maven"
    name_rule = r"[A-Za-z0-9_][A-Za-z0-9_.-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*"
    example = "maven:GROUP:ARTIFACT"
    purl = "maven"

    def purl_name(self, namespace: str | None, name: str) -> str | None:
        return f"{namespace}:{name}" if namespace else None

    def page(self, name: str) -> str:
        group, _, artifact = name.partition(":")
        return f"https://central.sonatype.com/artifact/{group}/{artifact}"


class NuGet(DepsDev):
    kind = "nuget"
    label = "NuGet"
    system = "nuget"
    name_rule = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
    example = "nuget:NAME"
    purl = "nuget"

    def normalise(self, name: str) -> str:
        # NuGet package ids are case-insensitive
        return name.strip().lower()

    def page(self, name: str) -> str:
        return f"https://www.nuget.org/packages/{name}"


SOURCES: tuple[DepsDev, ...] = (Go(), Cargo(), Maven(), NuGet())


def parse_package(doc: dict[str, Any], now: dt.datetime) -> Signals:
    """GET /v3/systems/{system}/packages/{name} -> the release figures."""
    versions = doc.get("versions")
    if not isinstance(versions, list):
        raise ParseError("unexpected response: not a deps.dev package document (no versions "
                         "list)")
    names: list[str] = []
    published: dict[str, dt.datetime] = {}
    default: str | None = None
    for v in versions:
        key = v.get("versionKey") if isinstance(v, dict) else None
        version = _short(key.get("version"), ID_CHARS) if isinstance(key, dict) else None
        if version is None:
            continue
        names.append(version)
        t = as_time(v.get("publishedAt"))
        if t is not None:
            published[version] = t
        if v.get("isDefault") is True:
            default = version
    finals = [published[v] for v in names if v in published and not is_prerelease(v)]
    times = finals or list(published.values())
    key = doc.get("packageKey")
    return clean({
        "name": _short(key.get("name"), TEXT_CHARS) if isinstance(key, dict) else None,
        "latest_version": default or (names[-1] if names else None),
        "first_release": as_day(min(published.values(), default=None)),
        "last_release": as_day(max(times, default=None)),
        "releases": len(names),
        "releases_last_year": sum(1 for t in times if now - t <= YEAR) if published else None,
        "no_release_dates": True if names and not published else None,
        "pre_1_0_only": pre_1_0_only(names),
    })


def parse_version(doc: dict[str, Any]) -> Signals:
    """GET .../versions/{version} -> licence, advisories, deprecation, repository."""
    raw = doc.get("licenses")
    licences = [t for x in raw for t in [_short(x, TEXT_CHARS)] if t] \
        if isinstance(raw, list) else []
    advisories = doc.get("advisoryKeys")
    ids = list(dict.fromkeys(i for a in advisories if isinstance(a, dict)
                             for i in [_short(a.get("id"), ID_CHARS)] if i)) \
        if isinstance(advisories, list) else None
    deprecated = None
    if doc.get("isDeprecated") is True:
        deprecated = _short(doc.get("deprecatedReason"), TEXT_CHARS) or "deprecated"
    projects = doc.get("relatedProjects")
    repository = next((r for p in projects if isinstance(p, dict)
                       and p.get("relationType") in (None, "SOURCE_REPO")
                       for key in [p.get("projectKey")] if isinstance(key, dict)
                       for r in [repository_ref(key.get("id"))] if r), None) \
        if isinstance(projects, list) else None
    return {
        "licence": " AND ".join(licences)[:TEXT_CHARS] if licences else None,
        "vulnerabilities": ids[:ADVISORIES_KEPT] if ids is not None and doc else None,
        "deprecated": deprecated,
        "repository": repository,
    }

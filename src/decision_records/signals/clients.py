"""PyPI, GitHub and npm: fetch one reference and boil its response down to flat signals.

The parsers are pure functions of the decoded document and the fetch time, so they are
tested on recorded responses; `Fetcher.fetch` is the only part that talks HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

from ..model import PACKAGE_REF
from ..textsafe import one_line
from .http import Cancel, HttpError, Reply, get, rate_limited, scrub
from .settings import SignalsConfig
from .snapshot import Signals

Kind = Literal["pypi", "npm", "github"]
Outcome = Literal["ok", "not-modified", "not-found", "error", "rate-limited"]
SOURCE_NAME = {"pypi": "PyPI", "npm": "npm", "github": "GitHub"}
GITHUB_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
YEAR = dt.timedelta(days=365)
_REF = re.compile(PACKAGE_REF)


@dataclass(frozen=True)
class Ref:
    kind: Kind
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def parse_ref(text: str) -> Ref:
    """'pypi:requests' -> Ref('pypi', 'requests'); ValueError for anything else."""
    if not _REF.match(text):
        raise ValueError(f"'{text}' is not a package reference: write 'pypi:NAME', "
                         "'npm:NAME' or 'github:OWNER/REPO'")
    kind, _, name = text.partition(":")
    return Ref(kind, name)  # type: ignore[arg-type]  # the pattern admits only the three kinds


@dataclass(frozen=True)
class Result:
    """The outcome of fetching one reference."""

    ref: str
    outcome: Outcome
    source: str
    signals: Signals | None = None
    etag: str | None = None
    reason: str | None = None
    reset: dt.datetime | None = None  # when GitHub's rate limit resets (outcome rate-limited)


class ParseError(Exception):
    """A response that decoded but is not shaped like the registry's documents."""


class Hosts:
    """Hosts that could not be reached at all: the rest of the run does not try them again
    (every further attempt would wait out the same retries for the same answer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: dict[str, str] = {}

    def down(self, url: str) -> str | None:
        with self._lock:
            return self._down.get(urlsplit(url).netloc)

    def mark(self, url: str, reason: str) -> None:
        with self._lock:
            self._down.setdefault(urlsplit(url).netloc, reason)


class GitHubGate:
    """Stops GitHub fetching for the rest of the run once its rate limit is spent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset: dt.datetime | None = None
        self.closed = False

    def close(self, reset: dt.datetime | None) -> None:
        with self._lock:
            if not self.closed:
                self.closed, self.reset = True, reset


@dataclass
class Fetcher:
    """What the clients share for one run: settings, sessions, the token, the clock.

    The token is used only when the settings allow it for their GitHub base URL
    (`SignalsConfig.github_token_refusal`); `notes` then say once why it was not sent.
    """

    settings: SignalsConfig
    session: Callable[[], requests.Session]  # one per worker thread
    now: dt.datetime
    token: str | None = None
    gate: GitHubGate = field(default_factory=GitHubGate)
    hosts: Hosts = field(default_factory=Hosts)
    cancel: Cancel = field(default_factory=Cancel)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._notes_lock = threading.Lock()
        refusal = self.settings.github_token_refusal() if self.token else None
        self.github_token = None if refusal else self.token
        if refusal:
            self.note(f"GITHUB_TOKEN not sent: {refusal}")

    def note(self, text: str) -> None:
        """Say text once in the run's summary."""
        with self._notes_lock:
            if text not in self.notes:
                self.notes.append(text)

    @property
    def _timeout(self) -> tuple[float, float]:
        return (self.settings.connect_timeout, self.settings.read_timeout)

    def url(self, ref: Ref) -> str:
        s = self.settings
        if ref.kind == "pypi":
            return f"{s.pypi_url.rstrip('/')}/pypi/{ref.name}/json"
        if ref.kind == "npm":  # a scoped name travels as one path segment: @scope%2fname
            return f"{s.npm_url.rstrip('/')}/{ref.name.replace('/', '%2f')}"
        return f"{s.github_url.rstrip('/')}/repos/{ref.name}"

    def _get(self, url: str, headers: Mapping[str, str], github: bool = False) -> Reply:
        down = self.hosts.down(url)
        if down:
            raise HttpError(down, unreachable=True)
        credentials = ({"Authorization": f"Bearer {self.github_token}"}
                       if github and self.github_token else None)
        try:
            reply = get(self.session(), url, headers=headers, timeout=self._timeout,
                        max_bytes=int(self.settings.max_response_mb * 1024 * 1024),
                        secret=self.token, credentials=credentials,
                        deadline=self.settings.deadline, cancel=self.cancel)
        except HttpError as e:
            if e.unreachable:
                self.hosts.mark(url, str(e))
            raise
        if reply.withheld_from:
            self.note(f"GITHUB_TOKEN not sent to {one_line(reply.withheld_from)}: a redirect "
                      "led away from the GitHub API's host")
        return reply

    def fetch(self, text: str, etag: str | None = None) -> Result:
        """Fetch one reference; every failure comes back as a Result, never an exception."""
        ref = parse_ref(text)
        url = self.url(ref)
        headers: dict[str, str] = {}
        if ref.kind == "github":
            if self.gate.closed:
                return Result(text, "rate-limited", url, reset=self.gate.reset,
                              reason="GitHub rate limit reached earlier in this run")
            headers.update(GITHUB_HEADERS)
        if etag:
            headers["If-None-Match"] = etag
        try:
            reply = self._get(url, headers, github=ref.kind == "github")
        except HttpError as e:
            return Result(text, "error", url, reason=str(e))
        return self._result(ref, url, reply, headers)

    def _result(self, ref: Ref, url: str, reply: Reply, headers: dict[str, str]) -> Result:
        text, source = str(ref), SOURCE_NAME[ref.kind]
        etag = reply.headers.get("ETag")
        if ref.kind == "github" and rate_limited(reply.status, reply.headers):
            reset = _reset_time(reply.headers)
            self.gate.close(reset)
            return Result(text, "rate-limited", url, reset=reset,
                          reason="GitHub rate limit reached")
        if reply.status == 304:
            return Result(text, "not-modified", url, etag=etag or headers.get("If-None-Match"))
        if reply.status in (404, 410):
            return Result(text, "not-found", url, reason=f"HTTP {reply.status} from {source}")
        if reply.status != 200:
            return Result(text, "error", url, reason=_status_reason(reply, source))
        try:
            doc = decode(reply)
            if ref.kind == "pypi":
                signals = parse_pypi(doc, self.now)
            elif ref.kind == "npm":
                signals = parse_npm(doc, self.now)
            else:
                signals = parse_github(doc, **self._github_extras(ref, headers))
        except ParseError as e:
            return Result(text, "error", url, reason=scrub(str(e), self.token))
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as e:
            # a reply of the right syntax but an unexpected shape: that reference fails alone
            return Result(text, "error", url,
                          reason=scrub(f"unexpected response from {source}: {e}", self.token))
        return Result(text, "ok", url, signals=signals, etag=etag)

    def _github_extras(self, ref: Ref, headers: dict[str, str]) -> dict[str, Any]:
        """The latest release and the contributor count: two more requests, so only with a
        token (60 requests an hour without one would not cover a single run)."""
        if not self.github_token:
            return {}
        base = f"{self.settings.github_url.rstrip('/')}/repos/{ref.name}"
        plain = {k: v for k, v in headers.items() if k != "If-None-Match"}
        extras: dict[str, Any] = {}
        for key, url in (("release", f"{base}/releases/latest"),
                         ("contributors", f"{base}/contributors?per_page=1&anon=false")):
            if self.gate.closed:
                break
            try:
                reply = self._get(url, plain, github=True)
            except HttpError:
                continue  # the repository's own figures still stand
            if rate_limited(reply.status, reply.headers):
                self.gate.close(_reset_time(reply.headers))
            elif reply.status == 200:
                try:
                    doc = json.loads(reply.body)
                except (ValueError, RecursionError):
                    continue
                extras[key] = _count_pages(reply, doc) if key == "contributors" else doc
        return extras


def _status_reason(reply: Reply, source: str) -> str:
    retried = " (after retries)" if reply.status in (429, 500, 502, 503, 504) else ""
    return f"HTTP {reply.status} from {source}{retried}"


def _reset_time(headers: Mapping[str, str]) -> dt.datetime | None:
    value = headers.get("x-ratelimit-reset", "").strip()
    if not value.isdigit():
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _count_pages(reply: Reply, doc: object) -> int | None:
    """With per_page=1 the last page's number in the Link header is the item count."""
    link = reply.headers.get("Link", "")
    m = re.search(r'[?&]page=(\d+)[^>]*>;\s*rel="last"', link)
    if m:
        return int(m.group(1))
    return len(doc) if isinstance(doc, list) else None


def decode(reply: Reply) -> dict[str, Any]:
    """The JSON object in a reply, or ParseError saying what is wrong with it."""
    try:
        doc = json.loads(reply.body)
    except UnicodeDecodeError:
        raise ParseError("the response is not UTF-8 JSON") from None
    except json.JSONDecodeError as e:
        raise ParseError(f"malformed JSON in the response (line {e.lineno}, column {e.colno}: "
                         f"{e.msg})") from None
    except RecursionError:
        raise ParseError("malformed JSON in the response (nested too deeply)") from None
    if not isinstance(doc, dict):
        raise ParseError(f"expected a JSON object, got {type(doc).__name__}")
    return doc


# --- parsing helpers -----------------------------------------------------------------------


def _obj(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(f"unexpected response: '{what}' is not an object")
    return value


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _time(value: object) -> dt.datetime | None:
    """An ISO 8601 time from any of the three APIs, as UTC; None when absent or garbled."""
    if not isinstance(value, str):
        return None
    try:
        t = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _day(t: dt.datetime | None) -> str | None:
    return t.date().isoformat() if t else None


_VERSION = re.compile(r"^v?(?P<major>\d+)(?:\.\d+)*(?P<rest>.*)$")
_FINAL_SUFFIX = re.compile(r"^(?:[.-]?(?:post|rev|r)\d*)?(?:\+.*)?$", re.IGNORECASE)


def _major(version: str) -> int | None:
    m = _VERSION.match(version.strip())
    return int(m["major"]) if m else None


def is_prerelease(version: str) -> bool:
    """'1.0rc1', '2.0.dev6', '1.0.0-beta.2' are pre-releases; '1.0.post1', '1.0+local' not."""
    m = _VERSION.match(version.strip())
    return m is None or not _FINAL_SUFFIX.match(m["rest"])


def pre_1_0_only(versions: Iterable[str]) -> bool | None:
    """True when every final release (or, with none, every release) is 0.x."""
    versions = list(versions)
    finals = [v for v in versions if not is_prerelease(v)] or versions
    majors = [m for m in map(_major, finals) if m is not None]
    return all(m == 0 for m in majors) if majors else None


_GITHUB = re.compile(
    r"^(?:git\+)?(?:https?://|git://|ssh://git@|git@)?(?:www\.)?github\.com[/:]"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?(?:[/#?].*)?$",
    re.IGNORECASE,
)


def github_ref(url: object) -> str | None:
    """'git+https://github.com/psf/requests.git' -> 'github:psf/requests'."""
    text = _str(url)
    if text is None:
        return None
    if text.startswith("github:"):
        text = "github.com/" + text[len("github:"):]
    m = _GITHUB.match(text)
    return f"github:{m['owner']}/{m['repo']}" if m else None


def _clean(signals: Signals) -> Signals:
    """Leave out what is unknown: absent means unknown, and the file stays short."""
    return {k: v for k, v in signals.items() if v is not None}


# --- PyPI ----------------------------------------------------------------------------------

_SOURCE_KEYS = ("source", "source code", "repository", "code", "github", "homepage", "home")


def parse_pypi(doc: dict[str, Any], now: dt.datetime) -> Signals:
    """The PyPI JSON API's project document (/pypi/NAME/json) -> signals."""
    info = _obj(doc.get("info"), "info")
    releases = _obj(doc.get("releases", {}), "releases")
    uploaded: dict[str, dt.datetime] = {}  # version -> first upload
    live: list[str] = []  # versions with at least one file not yanked
    for version, files in releases.items():
        if not isinstance(files, list):
            raise ParseError(f"unexpected response: release '{version}' is not a list")
        times = [t for f in files if isinstance(f, dict)
                 for t in [_time(f.get("upload_time_iso_8601") or f.get("upload_time"))] if t]
        if not times:
            continue  # a version with no files was never installable
        uploaded[version] = min(times)
        if any(isinstance(f, dict) and not f.get("yanked") for f in files):
            live.append(version)
    live_times = [uploaded[v] for v in live]
    return _clean({
        "name": _str(info.get("name")),
        "latest_version": _str(info.get("version")),
        "first_release": _day(min(uploaded.values(), default=None)),
        "last_release": _day(max(live_times, default=None)),
        "releases": len(live),
        "releases_last_year": sum(1 for t in live_times if now - t <= YEAR),
        "pre_1_0_only": pre_1_0_only(live),
        "maintainers": _pypi_owners(doc.get("ownership")),
        "organization": _str(doc["ownership"].get("organization"))
        if isinstance(doc.get("ownership"), dict) else None,
        "vulnerabilities": _advisories(doc.get("vulnerabilities")),
        "licence": _pypi_licence(info),
        "inactive": any(isinstance(c, str) and c.startswith("Development Status :: 7")
                        for c in info.get("classifiers") or []) or None,
        "yanked": bool(info.get("yanked")) or None,
        **_pypi_links(info),
    })


def _pypi_owners(ownership: object) -> int | None:
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
        if not isinstance(v, dict) or v.get("withdrawn") or not _str(v.get("id")):
            continue
        names = {v["id"], *(a for a in v.get("aliases") or [] if isinstance(a, str))}
        if not names & seen:
            ids.append(v["id"])
        seen |= names
    return ids


def _pypi_licence(info: dict[str, Any]) -> str | None:
    expression = _str(info.get("license_expression"))
    if expression:
        return expression
    text = _str(info.get("license"))
    if text and len(text) <= 64 and "\n" not in text:  # not a whole licence text pasted in
        return text
    for c in info.get("classifiers") or []:
        if isinstance(c, str) and c.startswith("License ::"):
            return c.rsplit("::", 1)[-1].strip()
    return None


def _pypi_links(info: dict[str, Any]) -> Signals:
    urls = {str(k).lower(): v for k, v in (info.get("project_urls") or {}).items()
            if isinstance(v, str)} if isinstance(info.get("project_urls"), dict) else {}
    candidates = [urls.get(k) for k in _SOURCE_KEYS] + list(urls.values()) + [
        info.get("home_page")]
    repository = next((r for r in map(github_ref, candidates) if r), None)
    homepage = _str(urls.get("homepage")) or _str(info.get("home_page"))
    return {"repository": repository, "homepage": homepage}


# --- npm -----------------------------------------------------------------------------------

_NPM_TIME_KEYS = {"created", "modified", "unpublished"}


def parse_npm(doc: dict[str, Any], now: dt.datetime) -> Signals:
    """The npm registry's package document (/NAME) -> signals."""
    versions = _obj(doc.get("versions", {}), "versions")
    times: dict[str, Any] = doc["time"] if isinstance(doc.get("time"), dict) else {}
    tags: dict[str, Any] = doc["dist-tags"] if isinstance(doc.get("dist-tags"), dict) else {}
    latest = _str(tags.get("latest"))
    found = versions.get(latest) if latest else None
    latest_doc: dict[str, Any] = found if isinstance(found, dict) else {}
    unpublished = times.get("unpublished")
    # The public registry's document always has time.created; a document without it (as some
    # mirrors serve) carries times that are not publication times, so none are used.
    dated = _time(times.get("created")) is not None
    published = {v: t for v, raw in times.items() if v not in _NPM_TIME_KEYS
                 for t in [_time(raw)] if t} if dated else {}
    live = [published[v] for v in versions if v in published]
    first = min([*published.values(), *filter(None, [_time(times.get("created"))])],
                default=None) if dated else None
    deprecated = _str(latest_doc.get("deprecated"))
    if unpublished is not None:
        deprecated = "unpublished from the registry"
    maintainers = doc.get("maintainers")
    return _clean({
        "name": _str(doc.get("name")),
        "latest_version": latest,
        "first_release": _day(first),
        "last_release": _day(max(live, default=None)),
        "releases": len(versions),
        "releases_last_year": sum(1 for t in live if now - t <= YEAR) if dated else None,
        "no_release_dates": True if not dated else None,
        "pre_1_0_only": pre_1_0_only(versions),
        "maintainers": len(maintainers) if isinstance(maintainers, list) and maintainers
        else None,
        "deprecated": deprecated[:200] if deprecated else None,
        "licence": _npm_licence(latest_doc.get("license") or doc.get("license")),
        "repository": github_ref(_npm_url(latest_doc.get("repository")
                                          or doc.get("repository"))),
        "homepage": _str(latest_doc.get("homepage") or doc.get("homepage")),
    })


def _npm_licence(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("type")
    return _str(value)


_SHORTHAND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


def _npm_url(value: object) -> str | None:
    text = _str(value.get("url")) if isinstance(value, dict) else _str(value)
    # package.json allows "owner/repo" for a GitHub repository
    return f"github:{text}" if text and _SHORTHAND.match(text) else text


# --- GitHub --------------------------------------------------------------------------------


def parse_github(repo: dict[str, Any], release: dict[str, Any] | None = None,
                 contributors: int | None = None) -> Signals:
    """GET /repos/{owner}/{repo} (and, when fetched, its latest release) -> signals."""
    if "full_name" not in repo and "stargazers_count" not in repo:
        raise ParseError("unexpected response: not a GitHub repository document")
    licence = repo.get("license")
    spdx = _str(licence.get("spdx_id")) if isinstance(licence, dict) else None
    stars = repo.get("stargazers_count")
    release = release if isinstance(release, dict) else {}
    return _clean({
        "name": _str(repo.get("full_name")),
        "created": _day(_time(repo.get("created_at"))),
        "pushed": _day(_time(repo.get("pushed_at"))),
        "archived": bool(repo.get("archived") or repo.get("disabled")) or None,
        "stars": stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
        # NOASSERTION: GitHub found a licence file it could not name; still a licence
        "licence": ("other" if spdx == "NOASSERTION" else spdx) if isinstance(licence, dict)
        else None,
        "homepage": _str(repo.get("homepage")),
        "last_release": _day(_time(release.get("published_at"))),
        "latest_version": _str(release.get("tag_name")),
        "contributors": contributors,
    })

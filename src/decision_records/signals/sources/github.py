"""GitHub: `github:OWNER/REPO`, read from the REST API's repository document, and with a token
its latest release and contributor count; its OpenSSF Scorecard score from deps.dev's project
document (no token goes there)."""

from __future__ import annotations

import json
import re
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from .base import (
    Answer,
    ParseError,
    Reading,
    Signals,
    SignalSource,
    as_day,
    as_text,
    as_time,
    clean,
)

# two more requests a repository, so only with a token (60 requests an hour without one
# would not cover a single run)
_EXTRAS = (("release", "/releases/latest"), ("contributors", "/contributors?per_page=1&anon=false"))
_URL = re.compile(
    r"^(?:git\+)?(?:https?://|git://|ssh://git@|git@)?(?:www\.)?github\.com[/:]"
    r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?(?:[/#?].*)?$",
    re.IGNORECASE,
)
# the setting of the deps.dev API, whose project documents carry Scorecard scores
SCORECARD_SETTING = "depsdev_url"
_LAST_PAGE = re.compile(r'[?&]page=(\d+)[^>]*>;\s*rel="last"')


class GitHub(SignalSource):
    kind = "github"
    label = "GitHub"
    name_rule = r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+"
    example = "github:OWNER/REPO"
    setting = "github_url"
    env = "DECISIONS_GITHUB_URL"
    default_url = "https://api.github.com"
    api = "the GitHub REST API"
    setting_note = "A token is read from GITHUB_TOKEN, never from here."
    purl = "github"
    headers = MappingProxyType({"Accept": "application/vnd.github+json",
                                "X-GitHub-Api-Version": "2022-11-28"})
    uses_token = True
    gated = True
    repository = True
    first = ("created", "repository created")
    # a repository that publishes no releases still shows its life in its pushes
    last = (("last_release", "last release"), ("pushed", "last push"))

    def normalise(self, name: str) -> str:
        # GitHub treats owners and repositories without regard to case
        if "/" not in name:
            return name
        owner, repo = name.split("/", 1)
        repo = repo[:-4] if repo.lower().endswith(".git") else repo
        return f"{owner.strip().lower()}/{repo.strip().lower()}"

    def purl_name(self, namespace: str | None, name: str) -> str | None:
        return f"{namespace}/{name}" if namespace else None

    def page(self, name: str) -> str:
        return f"https://github.com/{name}"

    def url(self, base: str, name: str) -> str:
        return f"{base.rstrip('/')}/repos/{name}"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        extras: dict[str, Any] = {}
        for key, path in _EXTRAS if reading.authorised else ():
            reply = reading.follow(reading.url + path)
            if reply is None:
                continue  # the repository's own figures still stand
            try:
                found = json.loads(reply.body)
            except (ValueError, RecursionError):
                continue
            extras[key] = _count_pages(reply, found) if key == "contributors" else found
        return {**parse_github(doc, **extras), **_scorecard(name, reading)}


SOURCE = GitHub()


def repository_ref(url: object) -> str | None:
    """'git+https://github.com/psf/requests.git' -> 'github:psf/requests'."""
    text = as_text(url)
    if text is None:
        return None
    if text.startswith("github:"):
        text = "github.com/" + text[len("github:"):]
    m = _URL.match(text)
    return f"github:{m['owner']}/{m['repo']}" if m else None


def _scorecard(name: str, reading: Reading) -> Signals:
    """The repository's OpenSSF Scorecard score, from deps.dev's project document; nothing
    when that is not to be had (the repository's own figures still stand)."""
    base = reading.bases.get(SCORECARD_SETTING)
    reply = reading.follow(project_url(base, name)) if base else None
    if reply is None:
        return {}
    try:
        return project_scorecard(json.loads(reply.body))
    except (ValueError, RecursionError):
        return {}


def _count_pages(reply: Answer, doc: object) -> int | None:
    """With per_page=1 the last page's number in the Link header is the item count."""
    m = _LAST_PAGE.search(reply.headers.get("Link", ""))
    if m:
        return int(m.group(1))
    return len(doc) if isinstance(doc, list) else None


def parse_github(repo: dict[str, Any], release: dict[str, Any] | None = None,
                 contributors: int | None = None) -> Signals:
    """GET /repos/{owner}/{repo} (and, when fetched, its latest release) -> signals."""
    if "full_name" not in repo and "stargazers_count" not in repo:
        raise ParseError("unexpected response: not a GitHub repository document")
    licence = repo.get("license")
    spdx = as_text(licence.get("spdx_id")) if isinstance(licence, dict) else None
    stars = repo.get("stargazers_count")
    release = release if isinstance(release, dict) else {}
    return clean({
        "name": as_text(repo.get("full_name")),
        "created": as_day(as_time(repo.get("created_at"))),
        "pushed": as_day(as_time(repo.get("pushed_at"))),
        "archived": bool(repo.get("archived") or repo.get("disabled")) or None,
        "stars": stars if isinstance(stars, int) and not isinstance(stars, bool) else None,
        # NOASSERTION: GitHub found a licence file it could not name; still a licence
        "licence": ("other" if spdx == "NOASSERTION" else spdx) if isinstance(licence, dict)
        else None,
        "homepage": as_text(repo.get("homepage")),
        "last_release": as_day(as_time(release.get("published_at"))),
        "latest_version": as_text(release.get("tag_name")),
        "contributors": contributors,
    })


def project_url(base: str, repository: str) -> str:
    """deps.dev's project document of a GitHub repository ('psf/requests')."""
    return f"{base.rstrip('/')}/v3/projects/{quote('github.com/' + repository, safe='')}"


def project_scorecard(doc: object) -> Signals:
    """GET /v3/projects/{id} -> the OpenSSF Scorecard score and its date, when it has one."""
    card = doc.get("scorecard") if isinstance(doc, dict) else None
    if not isinstance(card, dict):
        return {}
    score = card.get("overallScore")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 10:
        return {}
    return clean({"scorecard": round(float(score), 1),
                  "scorecard_date": as_day(as_time(card.get("date")))})

"""Fetch one reference from its source, whichever it is, and turn every outcome into a FetchResult.

What each registry's documents say is its module's business (signals/sources/); what every
fetch shares is here: the sessions, the hosts found down, GitHub's rate limit, where the
token may go, conditional GETs, and statuses and broken replies turned into outcomes.
`Fetcher.fetch` is the only part that talks HTTP.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

import requests

from ..refs import BY_KIND, Ref
from ..settings.signals import SignalsConfig
from ..textsafe import one_line
from .http import Cancel, HttpError, Reply, get, rate_limited, scrub
from .sources.base import (
    Missing,
    ParseError,
    Reading,
    Signals,
    SignalSource,
    decode,
    origin,
)

Outcome = Literal["ok", "not-modified", "not-found", "error", "rate-limited"]


@dataclass(frozen=True)
class FetchResult:
    """The outcome of fetching one reference."""

    ref: str
    outcome: Outcome
    source: str
    signals: Signals | None = None
    etag: str | None = None
    reason: str | None = None
    reset: dt.datetime | None = None  # when GitHub's rate limit resets (outcome rate-limited)


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
    """Stops GitHub fetching (a gated source's) for the rest of the run once its rate limit
    is spent."""

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
    """What every fetch of one run shares: settings, sessions, the token, the clock.

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
    sources: Mapping[str, SignalSource] = field(default_factory=lambda: BY_KIND)

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
        return ref.source.url(self.settings.base_url(ref.source), ref.name)

    def _get(self, url: str, headers: Mapping[str, str], token: bool = False) -> Reply:
        down = self.hosts.down(url)
        if down:
            raise HttpError(down, unreachable=True)
        credentials = ({"Authorization": f"Bearer {self.github_token}"}
                       if token and self.github_token else None)
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

    def fetch(self, text: str, etag: str | None = None) -> FetchResult:
        """Fetch one reference; every failure comes back as a FetchResult, never an exception."""
        ref = Ref.parse(text, self.sources)
        source = ref.source
        url = self.url(ref)
        if source.gated and self.gate.closed:
            return FetchResult(text, "rate-limited", url, reset=self.gate.reset,
                               reason=f"{source.label} rate limit reached earlier in this run")
        headers = dict(source.headers)
        if etag:
            headers["If-None-Match"] = etag
        try:
            reply = self._get(url, headers, token=source.uses_token)
        except HttpError as e:
            return FetchResult(text, "error", url, reason=str(e))
        return self._result(ref, url, reply, headers)

    def _result(self, ref: Ref, url: str, reply: Reply, headers: dict[str, str]) -> FetchResult:
        text, source = str(ref), ref.source
        etag = reply.headers.get("ETag")
        if source.gated and rate_limited(reply.status, reply.headers):
            reset = _reset_time(reply.headers)
            self.gate.close(reset)
            return FetchResult(text, "rate-limited", url, reset=reset,
                               reason=f"{source.label} rate limit reached")
        if reply.status == 304:
            return FetchResult(text, "not-modified", url, etag=etag or headers.get("If-None-Match"))
        if reply.status in (404, 410):
            return FetchResult(text, "not-found", url,
                               reason=f"HTTP {reply.status} from {source.label}")
        if reply.status != 200:
            return FetchResult(text, "error", url, reason=_status_reason(reply, source.label))
        reading = Reading(url, self.now, bool(source.uses_token and self.github_token),
                          self._follower(source, headers), self.bases)
        try:
            signals = source.read(ref.name, decode(reply.body), reading)
        except Missing as e:
            return FetchResult(text, "not-found", url, reason=scrub(str(e), self.token))
        except ParseError as e:
            return FetchResult(text, "error", url, reason=scrub(str(e), self.token))
        except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as e:
            # a reply of the right syntax but an unexpected shape: that reference fails alone
            return FetchResult(text, "error", url, reason=scrub(
                f"unexpected response from {source.label}: {e}", self.token))
        return FetchResult(text, "ok", url, signals=signals, etag=etag)

    @property
    def bases(self) -> Mapping[str, str]:
        """Every source's base URL by its setting."""
        return {s.setting: self.settings.base_url(s) for s in self.sources.values()}

    def _follower(self, source: SignalSource,
                  headers: Mapping[str, str]) -> Callable[[str], Reply | None]:
        """GETs of further documents for a source: the 200 replies, None for anything else.

        A document of the source's own API goes with its headers, its token and its rate
        limit; one of another API (deps.dev's, for a GitHub repository's Scorecard score)
        with none of them: the token is GitHub's alone.
        """
        plain = {k: v for k, v in headers.items() if k != "If-None-Match"}
        home = origin(self.settings.base_url(source))

        def follow(url: str) -> Reply | None:
            own = origin(url) == home
            gated = source.gated and own
            if gated and self.gate.closed:
                return None
            try:
                reply = self._get(url, plain if own else {}, token=source.uses_token and own)
            except HttpError:
                return None
            if gated and rate_limited(reply.status, reply.headers):
                self.gate.close(_reset_time(reply.headers))
                return None
            return reply if reply.status == 200 else None

        return follow


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

"""The one HTTP seam: a session factory and a GET that turns every transport failure into
an `HttpError` whose text is safe to show (no token, no traceback) and says what to do.

Three guarantees beyond requests' own:

- Credentials go only to the origin (scheme, host and port) of the URL they were asked for:
  redirects are followed here, hop by hop, and a hop to any other origin goes without them.
- Every GET has a deadline for all of it: connecting, every retry and its wait, and reading
  the whole body. A server that sends a byte now and then cannot hold a request past it.
- A `Cancel` ends every request of a run at once (Ctrl-C), instead of waiting them out.

The deadline and the cancel cut a request by shutting its socket down from another thread:
each request's sockets are noted as the connection pool opens or reuses them.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import DecisionsError
from .sources.base import origin

USER_AGENT = f"decision-records/{__version__}"
RETRY_STATUSES = (429, 500, 502, 503, 504)
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024

log = logging.getLogger("decision_records.signals")


class HttpError(DecisionsError):
    """A request that produced no usable response; str() is a short, token-free reason.

    `unreachable` is set when no connection could be made at all (after the retries).
    """

    def __init__(self, reason: str, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


def rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    """GitHub's primary rate limit: 403 or 429 with no requests left until the reset."""
    return status in (403, 429) and headers.get("x-ratelimit-remaining", "").strip() == "0"


class _Stopped(DecisionsError):
    """Raised inside a request whose watch has ended (deadline or cancel)."""


class Watch:
    """One GET's clock and sockets: `end` shuts the sockets down, which wakes any read."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.reason: str | None = None  # "deadline" or "interrupted" once ended
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self._sockets: list[socket.socket] = []

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def adopt(self, sock: socket.socket) -> None:
        """Note a socket this request reads from (a duplicate descriptor: shutting that
        down stops the connection, TLS or not, and closing it leaves the pool's alone)."""
        try:
            twin = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            self._sockets.append(twin)
            ended = self.reason is not None
        if ended:
            _shut(twin)

    def end(self, reason: str) -> None:
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
            sockets = list(self._sockets)
        self._ended.set()
        for sock in sockets:
            _shut(sock)

    def pause(self, seconds: float) -> None:
        """Wait between retries; _Stopped when the deadline or a cancel comes first."""
        if seconds >= self.remaining():
            self.end("deadline")  # waiting would outlast the deadline: give up now
        elif seconds > 0:
            self._ended.wait(seconds)
        if self.reason:
            raise _Stopped(self.reason)

    def close(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its connection
        sock.shutdown(socket.SHUT_RDWR)


class Cancel:
    """Ends every request of a run, running or still to come (Ctrl-C)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watches: set[Watch] = set()
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            watches = list(self._watches)
        for w in watches:
            w.end("interrupted")

    def _join(self, watch: Watch) -> None:
        with self._lock:
            self._watches.add(watch)
            cancelled = self.cancelled
        if cancelled:
            watch.end("interrupted")

    def _leave(self, watch: Watch) -> None:
        with self._lock:
            self._watches.discard(watch)


_local = threading.local()  # the watch of the request this thread is making


def _current() -> Watch | None:
    watch: Watch | None = getattr(_local, "watch", None)
    return watch


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if (watch := _current()) is not None:
            watch.adopt(sock)  # before any TLS handshake, which a slow server could drag out
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None and (watch := _current()) is not None:
            watch.adopt(self.sock)  # a kept-alive connection, used again
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if (watch := _current()) is not None:
            watch.adopt(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is not None and (watch := _current()) is not None:
            watch.adopt(self.sock)
        super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """requests' adapter with connections whose sockets a request's watch can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


class RetryPolicy(Retry):
    """urllib3's Retry, but never retrying a spent rate limit or an unreasonable Retry-After.

    Retrying GitHub's rate limit only burns time until the reset (an hour at worst), so the
    response is handed back at once for the caller to stop GitHub fetching for the run.
    """

    def __init__(self, *args: Any, max_retry_after: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> RetryPolicy:
        kw.setdefault("max_retry_after", self.max_retry_after)
        return super().new(**kw)

    def increment(self, method: str | None = None, url: str | None = None,
                  response: Any = None, error: Exception | None = None, _pool: Any = None,
                  _stacktrace: Any = None) -> RetryPolicy:
        if response is not None:
            wait = self.get_retry_after(response)
            if rate_limited(response.status, response.headers) or (
                    wait is not None and wait > self.max_retry_after):
                # with raise_on_status=False urllib3 then returns this response as it is
                raise MaxRetryError(_pool, url or "", None)
        watch = _current()
        if watch is not None and watch.reason:  # cut by the deadline or a cancel: no retry
            raise MaxRetryError(_pool, url or "", error)
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep(self, response: Any = None) -> None:
        watch = _current()
        if watch is None:
            super().sleep(response)
            return
        wait = self.get_retry_after(response) if (
            response is not None and self.respect_retry_after_header) else None
        watch.pause(self.get_backoff_time() if wait is None else wait)


def make_session(retries: int = 3, backoff: float = 0.5, max_retry_after: float = 60.0,
                 pool_size: int = 10) -> requests.Session:
    """A session with our User-Agent and retries with backoff for idempotent GETs only."""
    policy = RetryPolicy(
        total=retries, connect=retries, read=retries, status=retries, other=0,
        backoff_factor=backoff, status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}), respect_retry_after_header=True,
        raise_on_status=False, raise_on_redirect=False, max_retry_after=max_retry_after,
    )
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    # GitHub, PyPI and npm all serve JSON; ask for it so mirrors do not send HTML
    session.headers["Accept"] = "application/json"
    adapter = _Adapter(max_retries=policy, pool_connections=pool_size, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class Reply:
    """A complete response: status, headers and the whole body (already size-checked)."""

    url: str
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes
    withheld_from: str | None = None  # a redirect went to this host without the credentials


def get(session: requests.Session, url: str, *, headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] = (5.0, 20.0), max_bytes: int = 20 * 1024 * 1024,
        secret: str | None = None, credentials: Mapping[str, str] | None = None,
        deadline: float = 120.0, cancel: Cancel | None = None) -> Reply:
    """GET url and read at most max_bytes of body. Raises HttpError with a safe reason.

    `credentials` (headers) go to url's own origin only, never along a redirect elsewhere.
    `deadline` bounds the whole GET in seconds: connections, retries and their waits,
    redirects and the body. `secret` (a token sent in headers) is scrubbed from any text
    that leaves this function.
    """
    host = urlsplit(url).netloc
    watch = Watch(deadline)
    timer = threading.Timer(max(watch.remaining(), 0), watch.end, args=("deadline",))
    timer.daemon = True
    if cancel is not None:
        cancel._join(watch)
    _local.watch = watch
    timer.start()
    unreachable = False
    try:
        try:
            return _follow(session, url, headers or {}, credentials or {}, timeout,
                           max_bytes, watch)
        except HttpError:
            if watch.reason is None:
                raise
            reason = _stopped(watch, host, deadline)
        except _Stopped:
            reason = _stopped(watch, host, deadline)
        except requests.exceptions.RequestException as e:
            if watch.reason:
                reason = _stopped(watch, host, deadline)
            else:
                reason, unreachable = _explain(e, host, timeout)
    finally:
        timer.cancel()
        _local.watch = None
        if cancel is not None:
            cancel._leave(watch)
        watch.close()
    reason = scrub(reason, secret)
    log.debug("GET %s failed: %s", url, reason)
    raise HttpError(reason, unreachable) from None


def _follow(session: requests.Session, url: str, headers: Mapping[str, str],
            credentials: Mapping[str, str], timeout: tuple[float, float], max_bytes: int,
            watch: Watch) -> Reply:
    """The GET itself, following redirects one hop at a time."""
    trusted = origin(url)
    withheld: str | None = None
    for _ in range(MAX_REDIRECTS + 1):
        if watch.reason:
            raise _Stopped(watch.reason)
        left = watch.remaining()
        if left <= 0:
            watch.end("deadline")
            raise _Stopped("deadline")
        send = dict(headers)
        if credentials and origin(url) == trusted:
            send.update(credentials)
        elif credentials:
            withheld = withheld or (urlsplit(url).hostname or "")
        hop_timeout = (min(timeout[0], left), min(timeout[1], left))
        with session.get(url, headers=send, timeout=hop_timeout, stream=True,
                         allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status_code in REDIRECTS and location:
                url = urljoin(url, location)
                if urlsplit(url).scheme.lower() not in ("http", "https"):
                    raise HttpError(f"redirected to a {urlsplit(url).scheme or 'relative'} "
                                    "URL, which is not followed")
                log.debug("GET redirected (%s)", response.status_code)
                continue
            body = _read_capped(response, max_bytes, watch)
            log.debug("GET %s -> %s (%d bytes)", url, response.status_code, len(body))
            return Reply(url, response.status_code, CaseInsensitiveDict(response.headers), body,
                         withheld)
    raise HttpError(f"more than {MAX_REDIRECTS} redirects from {urlsplit(url).netloc}")


def _stopped(watch: Watch, host: str, deadline: float) -> str:
    if watch.reason == "interrupted":
        return "interrupted"
    return (f"no complete answer from {host} within {deadline:g} s (signals.deadline): the "
            "server is slow or stalling; try again later, or raise signals.deadline")


def _explain(e: requests.exceptions.RequestException, host: str,
             timeout: tuple[float, float]) -> tuple[str, bool]:
    """A short reason for a transport failure, and whether the host is unreachable."""
    if isinstance(e, requests.exceptions.ConnectTimeout):
        return f"no connection to {host} within {timeout[0]:g} s", True
    if isinstance(e, requests.exceptions.ReadTimeout):
        return f"{host} sent nothing for {timeout[1]:g} s (read timeout)", False
    if isinstance(e, (requests.exceptions.ChunkedEncodingError,
                      requests.exceptions.ContentDecodingError)):
        return f"the response from {host} was cut short (truncated body)", False
    if isinstance(e, requests.exceptions.SSLError):
        return f"TLS handshake with {host} failed", False
    if isinstance(e, requests.exceptions.ConnectionError):
        if "Read timed out" in str(e):  # a read timeout that outlived the retries
            return f"{host} sent nothing for {timeout[1]:g} s (read timeout)", False
        reason = f"cannot connect to {host}: {_why(e)}"
        return reason, any(w in reason for w in ("does not resolve", "refused", "unreachable"))
    return f"request to {host} failed: {type(e).__name__}", False


def _read_capped(response: requests.Response, max_bytes: int, watch: Watch) -> bytes:
    limit = f"{max_bytes / 1024 / 1024:g} MB"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise HttpError(f"the response is {int(declared) / 1024 / 1024:.0f} MB, more than the "
                        f"{limit} read at most (signals.max_response_mb); not read")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK):
        if watch.reason:
            break
        size += len(chunk)
        if size > max_bytes:
            raise HttpError(f"the response is larger than the {limit} read at most "
                            "(signals.max_response_mb); reading stopped")
        chunks.append(chunk)
    if watch.reason:  # a cut socket can look like the end of the body: never keep that
        raise _Stopped(watch.reason)
    return b"".join(chunks)


_CAUSES = [
    (re.compile(r"NameResolution|Name or service not known|getaddrinfo|nodename", re.I),
     "the host name does not resolve"),
    (re.compile(r"Connection refused", re.I), "connection refused"),
    (re.compile(r"Network is unreachable", re.I), "network unreachable"),
    (re.compile(r"timed out", re.I), "timed out"),
    (re.compile(r"Connection reset|RemoteDisconnected|aborted", re.I), "the connection was reset"),
    (re.compile(r"Max retries exceeded", re.I), "still failing after retries"),
]


def _why(error: Exception) -> str:
    """A few words for a connection error, instead of urllib3's nested reprs."""
    text = str(error)
    return next((words for pattern, words in _CAUSES if pattern.search(text)), "connection failed")


def scrub(text: str, secret: str | None) -> str:
    """text with secret replaced, for anything shown, logged or stored."""
    return text.replace(secret, "***") if secret else text

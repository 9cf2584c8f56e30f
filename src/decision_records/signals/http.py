"""The one HTTP seam: a session factory and a GET that turns every transport failure into
an `HttpError` whose text is safe to show (no token, no traceback) and says what to do.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from .. import __version__

USER_AGENT = f"decision-records/{__version__}"
RETRY_STATUSES = (429, 500, 502, 503, 504)
CHUNK = 64 * 1024

log = logging.getLogger("decision_records.signals")


class HttpError(Exception):
    """A request that produced no usable response; str() is a short, token-free reason.

    `unreachable` is set when no connection could be made at all (after the retries).
    """

    def __init__(self, reason: str, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


def rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    """GitHub's primary rate limit: 403 or 429 with no requests left until the reset."""
    return status in (403, 429) and headers.get("x-ratelimit-remaining", "").strip() == "0"


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
        return super().increment(method, url, response, error, _pool, _stacktrace)


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
    adapter = HTTPAdapter(max_retries=policy, pool_connections=pool_size, pool_maxsize=pool_size)
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


def get(session: requests.Session, url: str, *, headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] = (5.0, 20.0), max_bytes: int = 20 * 1024 * 1024,
        secret: str | None = None) -> Reply:
    """GET url and read at most max_bytes of body. Raises HttpError with a safe reason.

    `secret` (a token sent in headers) is scrubbed from any text that leaves this function.
    """
    host = urlsplit(url).netloc
    unreachable = False
    try:
        with session.get(url, headers=dict(headers or {}), timeout=timeout, stream=True,
                         allow_redirects=True) as response:
            body = _read_capped(response, max_bytes)
            log.debug("GET %s -> %s (%d bytes)", url, response.status_code, len(body))
            return Reply(response.url or url, response.status_code,
                         CaseInsensitiveDict(response.headers), body)
    except HttpError:
        raise
    except requests.exceptions.ConnectTimeout:
        reason, unreachable = f"no connection to {host} within {timeout[0]:g} s", True
    except requests.exceptions.ReadTimeout:
        reason = f"{host} sent nothing for {timeout[1]:g} s (read timeout)"
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
        reason = f"the response from {host} was cut short (truncated body)"
    except requests.exceptions.SSLError:
        reason = f"TLS handshake with {host} failed"
    except requests.exceptions.ConnectionError as e:
        if "Read timed out" in str(e):  # a read timeout that outlived the retries
            reason = f"{host} sent nothing for {timeout[1]:g} s (read timeout)"
        else:
            reason = f"cannot connect to {host}: {_why(e)}"
            unreachable = any(w in reason for w in ("does not resolve", "refused", "unreachable"))
    except requests.exceptions.RequestException as e:
        reason = f"request to {host} failed: {type(e).__name__}"
    reason = scrub(reason, secret)
    log.debug("GET %s failed: %s", url, reason)
    raise HttpError(reason, unreachable) from None


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    limit = f"{max_bytes / 1024 / 1024:g} MB"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise HttpError(f"the response is {int(declared) / 1024 / 1024:.0f} MB, more than the "
                        f"{limit} read at most (signals.max_response_mb); not read")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise HttpError(f"the response is larger than the {limit} read at most "
                            "(signals.max_response_mb); reading stopped")
        chunks.append(chunk)
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

"""What a signal source is: the interface every registry or service module implements.

A source is one kind of reference (`pypi:NAME`). Its module says everything that kind means:
which names it allows, how a name is spelled once, the page a person reads, the package-URL
type SBOMs give it, where its API lives (a base URL in `signals:` and the environment variable
that overrides it), and how a reply of that API becomes the snapshot's figures.

A source talks HTTP only through what it is handed (`Reading.follow`, and the first GET made
for it by signals/clients.py, which owns sessions, retries, limits and the token), so nothing
here imports a network library: the record model and the settings read the list of sources
at the bottom of the package.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import urlsplit

from ...errors import DecisionsError

SignalValue = str | int | float | bool | list[str] | None
Signals = dict[str, SignalValue]

YEAR = dt.timedelta(days=365)
# How the maturity model dates a reference unless its source says otherwise: (figure, words)
FIRST_RELEASE = ("first_release", "first release")
LAST_RELEASE = (("last_release", "last release"),)


class ParseError(DecisionsError):
    """A response that decoded but is not shaped like the source's documents."""


class Missing(DecisionsError):
    """The API answered, but what the reference names is not in its answer (a product's
    document without the cycle asked for): the reference is not found, like a 404."""


class Answer(Protocol):
    """A complete HTTP response, as a source reads it."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def body(self) -> bytes: ...


@dataclass(frozen=True)
class Reading:
    """What a source is handed with the document of one reference."""

    url: str  # where the document came from: further documents are found from it
    now: dt.datetime  # when it was fetched: "releases in the last year" count from here
    authorised: bool  # the token goes with this source's requests
    # GET another document of the same API: the reply when it is a 200, else None (a failed
    # request, another status, or the source's rate limit reached)
    follow: Callable[[str], Answer | None]
    # every source's base URL by its setting ('depsdev_url'): a document of another API
    # (a GitHub repository's Scorecard score) is found from there; no token goes with it
    bases: Mapping[str, str] = field(default_factory=dict)


class SignalSource(ABC):
    """One kind of reference and the API that answers for it."""

    kind: str  # before the colon: 'pypi'
    label: str  # how messages name it: 'PyPI'
    name_rule: str  # the regular expression a name matches whole (it may hold '@', ':', '/')
    example: str  # how a reference is written, for messages: 'pypi:NAME'
    setting: str  # the base URL's key under `signals:` in config.yaml: 'pypi_url'
    env: str  # the environment variable that overrides it: 'DECISIONS_PYPI_URL'
    default_url: str  # the public API's base URL
    api: str  # what the base URL is the base of, for the setting's description
    setting_note: str = ""  # said after that in the description
    purl: str | None = None  # the package-URL type that SBOMs give it, if any
    headers: Mapping[str, str] = MappingProxyType({})  # sent with every request to it
    uses_token: bool = False  # GITHUB_TOKEN goes with its requests (where the settings allow)
    gated: bool = False  # once its rate limit is reached, the run stops asking it
    # For the maturity model: a code repository judges by its own stars and archival (a
    # package by those of the repository it links to); who may publish; and which figures
    # date it: the first, and the last in order of preference.
    repository: bool = False
    maintainers: str = "maintainer"
    first: tuple[str, str] = FIRST_RELEASE
    last: tuple[tuple[str, str], ...] = LAST_RELEASE

    def __repr__(self) -> str:
        return f"<source {self.kind}>"

    @property
    def setting_help(self) -> str:
        note = f" {self.setting_note}" if self.setting_note else ""
        return f"Base URL of {self.api} (env: {self.env}).{note}"

    def normalise(self, name: str) -> str:
        """The one spelling of a name, so that differently written names meet."""
        return name

    def purl_name(self, namespace: str | None, name: str) -> str | None:
        """The reference name of a package URL of this type; None when it names none."""
        return name

    @abstractmethod
    def page(self, name: str) -> str:
        """The public page a person reads about the name."""

    @abstractmethod
    def url(self, base: str, name: str) -> str:
        """The API document to fetch for the name, under the configured base URL."""

    @abstractmethod
    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        """The figures in the document (a 200 reply's JSON object).

        Raises ParseError for a document of the wrong shape, Missing when the name is not
        in it; any other error of a wrong shape (KeyError, TypeError...) fails that reference
        alone.
        """


# --- what every source's parser needs ------------------------------------------------------


def decode(body: bytes) -> dict[str, Any]:
    """The JSON object in a reply's body, or ParseError saying what is wrong with it."""
    try:
        doc = json.loads(body)
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


def as_object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ParseError(f"unexpected response: '{what}' is not an object")
    return value


def as_text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_time(value: object) -> dt.datetime | None:
    """An ISO 8601 time, as UTC; None when absent or garbled."""
    if not isinstance(value, str):
        return None
    try:
        t = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def as_day(t: dt.datetime | None) -> str | None:
    return t.date().isoformat() if t else None


def clean(signals: Signals) -> Signals:
    """Leave out what is unknown: absent means unknown, and the file stays short."""
    return {k: v for k, v in signals.items() if v is not None}


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


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port filled in: what credentials are tied to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port

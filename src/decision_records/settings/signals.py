"""The `signals:` settings in decisions/config.yaml: where to fetch from, how, and the thresholds.

Each source's base URL is a setting of its own (`pypi_url`), made from the list of sources
(signals/sources/registry.py), which is where the public API base URLs live; tests and
mirrors point elsewhere through the config or the source's DECISIONS_*_URL variable.

Where GITHUB_TOKEN may go is decided here too (`github_token_refusal`). config.yaml is part
of the repository, so a pull request can change it; the environment belongs to whoever runs
the command. So the token goes to the public GitHub API, or to a base URL that came from
DECISIONS_GITHUB_URL, and never to one that only config.yaml names. It never goes over plain
http, with one exception: a loopback address (127.0.0.0/8, ::1, localhost) given by the
environment, whose traffic does not leave the machine; the tests and local proxies use that.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, StringConstraints, create_model

from ..model import Strict
from ..signals.sources import github
from ..signals.sources.base import SignalSource, origin
from ..signals.sources.registry import SOURCES

BaseUrl = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s/]+")]


def url_settings(sources: Iterable[SignalSource]) -> dict[str, Any]:
    """Each source's base URL setting, in the sources' order, as pydantic field definitions.
    Sources that share an API (several kinds one service answers for) share its setting,
    described by the first of them."""
    fields: dict[str, Any] = {}
    for s in sources:
        fields.setdefault(s.setting, (BaseUrl, Field(s.default_url, description=s.setting_help)))
    return fields


# Environment variables that override the configured base URLs (setting -> variable).
URL_ENV: dict[str, str] = {s.setting: s.env for s in SOURCES}

# the base URL settings, first in the settings as the sources are in their list
_Urls = create_model("_Urls", __base__=Strict, **url_settings(SOURCES))


class Thresholds(Strict):
    """The figures behind the maturity categories (boring, established, emerging, risky)."""

    boring_min_age_years: float = Field(
        5, ge=0, description="Boring: the first release is at least this many years old.",
    )
    boring_max_years_since_release: float = Field(
        2, gt=0, description="Boring: the last release (or, for a repository without release "
        "data, the last push) is at most this many years old.",
    )
    boring_min_maintainers: int = Field(
        2, ge=1, description="Boring: at least this many maintainers or owners "
        "(or boring_min_stars GitHub stars).",
    )
    boring_min_stars: int = Field(
        1000, ge=0, description="Boring: at least this many GitHub stars "
        "(or boring_min_maintainers maintainers).",
    )
    risky_years_without_release: float = Field(
        3, gt=0, description="Risky: no release (or no push, for a repository without release "
        "data) for this many years.",
    )
    risky_min_advisories: int = Field(
        1, ge=1, description="Risky: the latest release has at least this many unfixed "
        "security advisories.",
    )
    boring_min_scorecard: float = Field(
        5, ge=0, le=10, description="Boring: a repository with an OpenSSF Scorecard score "
        "(0-10, from deps.dev) has at least this one; a lower score is named as the shortfall.",
    )
    emerging_max_age_years: float = Field(
        2, ge=0, description="Emerging: the first release is less than this many years old "
        "(a package with only pre-1.0 releases is emerging too).",
    )


class SignalsConfig(_Urls):
    """How `decisions enrich` fetches maturity signals, and how they are judged."""

    max_age_days: float = Field(
        7, ge=0, le=3650, description="`decisions enrich` refetches a reference whose data "
        "is older than this (`--refresh` refetches everything).",
    )
    concurrency: int = Field(
        4, ge=1, le=32, description="References fetched at the same time; keep it small "
        "to be polite to the registries.",
    )
    connect_timeout: float = Field(
        5, gt=0, le=600, description="Seconds to wait for a connection.",
    )
    read_timeout: float = Field(
        20, gt=0, le=600, description="Seconds to wait for the server between bytes of a response.",
    )
    retries: int = Field(
        3, ge=0, le=10, description="Retries of a GET after a connection error, a timeout or "
        "HTTP 429/500/502/503/504 (never after GitHub's rate limit).",
    )
    backoff: float = Field(
        0.5, ge=0, le=60, description="Backoff factor in seconds between retries (doubling each "
        "time); a Retry-After header takes precedence.",
    )
    max_retry_after: float = Field(
        60, ge=0, le=3600, description="Longest Retry-After, in seconds, worth waiting for; "
        "a server asking for longer gets no retry and the reference is reported as failed.",
    )
    deadline: float = Field(
        120, gt=0, le=3600, description="Most seconds one request may take in all: connecting, "
        "every retry and its wait, redirects and reading the whole body. A request still "
        "running then fails, and so does its reference for this run.",
    )
    max_response_mb: float = Field(
        20, gt=0, le=1024,
        description="Largest response read, in megabytes; a larger one is a failure.",
    )
    eol_warning_days: int = Field(
        180, ge=0, le=3650, description="A product cycle (`eol:PRODUCT@CYCLE`) whose end of "
        "life falls within this many days is at least emerging, and `decisions review` lists "
        "the accepted decisions that chose it.",
    )
    thresholds: Thresholds = Field(
        default_factory=Thresholds, description="The figures behind the maturity categories.",
    )

    # set by with_env only: no config.yaml can claim its URL came from the environment
    _github_url_from_env: bool = PrivateAttr(False)

    def with_env(self, environ: Mapping[str, str]) -> SignalsConfig:
        """These settings with the DECISIONS_*_URL overrides from environ applied."""
        update = {name: environ[var].strip() for name, var in URL_ENV.items()
                  if environ.get(var, "").strip()}
        if not update:
            return self
        # validate the overrides like the config itself, so a bad URL is a clear error
        new = SignalsConfig.model_validate({**self.model_dump(), **update})
        new._github_url_from_env = github.SOURCE.setting in update
        return new

    def base_url(self, source: SignalSource) -> str:
        """The base URL that source's API is read from."""
        return str(getattr(self, source.setting))

    def github_token_refusal(self) -> str | None:
        """Why GITHUB_TOKEN must not be sent to github_url, or None when it may be."""
        url = self.base_url(github.SOURCE)
        scheme, host, _ = origin(url)
        if not self._github_url_from_env:
            if origin(url) == origin(github.SOURCE.default_url):
                return None
            return ("signals.github_url in config.yaml is not the GitHub API, and a token goes "
                    "only there or to a base URL set in DECISIONS_GITHUB_URL")
        if scheme == "https" or _loopback(host):
            return None
        return "DECISIONS_GITHUB_URL is plain http to another machine; use https"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""The few settings of a site's mkdocs.yml that the command line needs: where the site and the
repository are published, for links in the review report.

mkdocs.yml arrives with pull requests like a record does, so it is read as data: at most
1 MiB of a regular file, with YAML tags (MkDocs' `!ENV`, `!!python/name:`) read as nothing
and never executed, and an address kept only when it is a plain http(s) URL that cannot
change the Markdown it is written into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .files import MiB, Refused, read_limited

# scheme, host and a path of the characters a URL needs and Markdown leaves alone in a link
# target: no spaces, parentheses, angle brackets, quotes or backslashes
SHARED_DOCS = Path(__file__).resolve().parent / "docs"  # pages every site gets (the plugin's)
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&*+,;=:@/-]*)?")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader that reads any tag as nothing instead of refusing the file."""


def _nothing(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_multi_constructor("!", _nothing)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _nothing)


def url_ok(value: object) -> bool:
    """A plain http(s) URL that can go into a Markdown link as it is."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


@dataclass(frozen=True)
class SiteConfig:
    site_url: str | None = None
    repo_url: str | None = None
    docs_dir: str = "docs"
    use_directory_urls: bool = True


def _url(value: Any) -> str | None:
    return value if url_ok(value) else None


def read_site_config(path: Path) -> SiteConfig:
    """The settings of mkdocs.yml at `path`; the defaults when it is missing or unreadable."""
    try:
        data = yaml.load(read_limited(path, MiB, "mkdocs.yml", "").decode("utf-8"),
                         Loader=_Loader)  # tags read as nothing: no object is built
    except (OSError, Refused, UnicodeDecodeError, yaml.YAMLError):
        return SiteConfig()
    if not isinstance(data, dict):
        return SiteConfig()
    docs = data.get("docs_dir")
    docs_dir = docs if isinstance(docs, str) and re.fullmatch(r"[A-Za-z0-9._-]+", docs) and \
        docs not in (".", "..") else "docs"
    return SiteConfig(_url(data.get("site_url")), _url(data.get("repo_url")), docs_dir,
                      data.get("use_directory_urls") is not False)

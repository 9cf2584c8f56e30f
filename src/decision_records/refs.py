"""Package and product references (`pypi:requests`, `github:psf/requests`): parsed, spelled once.

A reference is a kind and a name, joined by the first colon (so a name may hold more). The
kind says which source answers for it (signals/sources/), and the source says which names it
allows, how a name is spelled once (PEP 503 for PyPI, lower case with the scope for npm and
lower case for GitHub), and the page a person reads. The record model, the settings,
coverage, the pages, the rules and `decisions enrich` all go through here, so that a
manifest's `PyMongo` meets a record's `pypi:pymongo` and a new source is known everywhere
once it is in the list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .signals.sources.base import SignalSource
from .signals.sources.registry import SOURCES

BY_KIND: Mapping[str, SignalSource] = {s.kind: s for s in SOURCES}
KINDS: tuple[str, ...] = tuple(BY_KIND)
# package-URL type -> source, and the kinds an SBOM's package URLs can name
BY_PURL: Mapping[str, SignalSource] = {s.purl: s for s in SOURCES if s.purl}
PURL_KINDS: tuple[str, ...] = tuple(s.kind for s in BY_PURL.values())
# The pattern the record model and the JSON Schema hold a reference to: any source's kind
# followed by a name that source allows.
PATTERN = "^(" + "|".join(f"{s.kind}:{s.name_rule}" for s in SOURCES) + ")$"


def either(words: Sequence[str]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else "".join(words)


# how references are written, for messages and descriptions: 'pypi:NAME', ... or ...
FORMS = either([f"'{s.example}'" for s in SOURCES])
FORMS_PLAIN = either([s.example for s in SOURCES])


@dataclass(frozen=True)
class Ref:
    """A reference as written (`str()` gives it back), with its source."""

    source: SignalSource
    name: str

    @classmethod
    def parse(cls, text: str, sources: Mapping[str, SignalSource] = BY_KIND) -> Ref:
        """'pypi:requests' -> Ref(pypi, 'requests'); ValueError for anything else."""
        kind, _, name = text.partition(":")
        source = sources.get(kind)
        if source is None or not re.fullmatch(source.name_rule, name):
            forms = either([f"'{s.example}'" for s in sources.values()])
            raise ValueError(f"'{text}' is not a package reference: write {forms}")
        return cls(source, name)

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def normalised(self) -> str:
        """The reference in its one spelling: 'pypi:PyMongo' -> 'pypi:pymongo'."""
        return f"{self.kind}:{self.source.normalise(self.name)}"

    @property
    def page(self) -> str:
        """The public page of what it names."""
        return self.source.page(self.name)

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def kind_of(text: str) -> str:
    return text.partition(":")[0]


def source_of(text: str) -> SignalSource | None:
    """The source of a reference's kind, or None for a kind no source has."""
    return BY_KIND.get(kind_of(text))


def label_of(text: str) -> str:
    """How messages name the source of a reference: 'PyPI'; the kind itself if unknown."""
    source = source_of(text)
    return source.label if source else kind_of(text)


def normalise(text: str) -> str:
    """'pypi:PyMongo' -> 'pypi:pymongo' for any text, checked or not (a manifest's names are
    not); a reference of a kind no source has comes back as it is."""
    kind, _, name = text.partition(":")
    source = BY_KIND.get(kind)
    return f"{kind}:{source.normalise(name)}" if source else text


def page_url(text: str) -> str:
    """The public page of a reference of a known kind ('pypi:requests')."""
    kind, _, name = text.partition(":")
    return BY_KIND[kind].page(name)

"""What a record's status means, and the names an organisation gives each meaning.

The tools know five meanings: proposed, accepted, rejected, superseded and deprecated.
Everything that depends on a status (the ledger, the rules, coverage, the radar, the review,
the pages) asks what it means. An organisation may name its own statuses in config.yaml
(`statuses:`), each meaning one of the five: `trial` meaning accepted spends tokens, covers
packages and comes due for review exactly like accepted, and the pages show `trial`.

For each meaning, the organisation's words are the names it lists with that meaning, or,
when it lists none, the built-in word. So adding `trial` meaning accepted takes `accepted`
out of use unless the list names `accepted` too, and a list that names only the other
meanings keeps the built-in words for those it leaves out.

A leaf, like `chars`: the record model reads it, and the config builds a table from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Status = Literal["proposed", "accepted", "rejected", "superseded", "deprecated"]
STATUSES: tuple[Status, ...] = ("proposed", "accepted", "rejected", "superseded", "deprecated")
# A supersession takes effect once the superseding record is (or was) in force.
IN_FORCE: frozenset[str] = frozenset({"accepted", "superseded", "deprecated"})
# Records that are plans, held to the policies; rejected and retired ones are history.
LIVE: frozenset[str] = frozenset({"proposed", "accepted"})

MEANING: dict[str, str] = {  # what each says, where the organisation gives no description
    "proposed": "Under discussion; what accepting it would spend is pending.",
    "accepted": "In force: it spends its tokens, covers its packages and comes back for "
                "review.",
    "rejected": "Turned down; history, held to no policy.",
    "superseded": "Replaced by a later record that names it in supersedes.",
    "deprecated": "No longer followed, and nothing replaces it.",
}

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for text


@dataclass(frozen=True)
class StatusName:
    """One status a record may have: its name, its meaning, and how its badge looks."""

    name: str
    means: Status
    description: str = ""
    colour: str | None = None  # the badge's background, #rrggbb; None: the meaning's

    @property
    def text_colour(self) -> str | None:
        """The badge's text: black or white, whichever reads better on the colour."""
        return None if self.colour is None else text_on(self.colour)


@dataclass(frozen=True)
class Statuses:
    """The statuses records may have, in the order the pages list them: by meaning, then as
    config.yaml lists them."""

    names: tuple[StatusName, ...]

    @classmethod
    def of(cls, listed: Iterable[StatusName]) -> Statuses:
        """The table for what config.yaml lists (the built-in words fill the meanings it
        leaves out). Names are assumed unique; the settings model sees to that."""
        listed = list(listed)
        out: list[StatusName] = []
        for meaning in STATUSES:
            own = [s for s in listed if s.means == meaning]
            out.extend(own or [StatusName(meaning, meaning, MEANING[meaning])])
        return cls(tuple(out))

    @cached_property
    def _by_name(self) -> dict[str, StatusName]:
        return {s.name: s for s in self.names}

    def get(self, name: str) -> StatusName | None:
        return self._by_name.get(name)

    def means(self, name: str) -> Status | None:
        found = self._by_name.get(name)
        return found.means if found else None

    def named(self, meaning: str) -> tuple[str, ...]:
        """The organisation's names for a meaning, in its order."""
        return tuple(s.name for s in self.names if s.means == meaning)

    def word(self, meaning: Status) -> str:
        """The name the tools write for a meaning (a new record's proposed, an import's
        superseded): the first the organisation gives it."""
        return self.named(meaning)[0]

    def order(self, name: str) -> int:
        return next((i for i, s in enumerate(self.names) if s.name == name), len(self.names))

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.names)

    @property
    def own(self) -> bool:
        """Whether any status is the organisation's own (a name that is not its meaning):
        then the index can also filter by meaning."""
        return any(s.name != s.means for s in self.names)

    def as_list(self) -> list[dict[str, str | None]]:
        """For the JSON files: each name, its meaning and its colours."""
        return [{"name": s.name, "means": s.means, "colour": s.colour, "text": s.text_colour}
                for s in self.names]


BUILT_IN = Statuses.of(())


# --- colours -------------------------------------------------------------------------------

def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rrggbb."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """Black or white text, whichever contrasts more with the background: always at least
    4.58:1, since the two ratios multiply to 21 and the larger is at least its root."""
    return "#000000" if contrast(background, "#000000") >= contrast(background,
                                                                      "#ffffff") else "#ffffff"

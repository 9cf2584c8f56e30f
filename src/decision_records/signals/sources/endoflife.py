"""Product cycles: `eol:PRODUCT@CYCLE` (`eol:postgresql@16`), read from endoflife.date's API v1.

The product's document (`/api/v1/products/{product}`) lists every release cycle under
`result.releases`; the cycle is the one whose `name` is the reference's. Its dates (released,
end of active support, end of life), whether it is maintained and its latest patch release
become the snapshot's figures, with the product's package-URL and CPE identifiers, by which
`decisions coverage` knows the product in an SBOM.

Every text from the reply is cut short here and escaped where it is shown: the data is
written by strangers.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .base import Missing, ParseError, Reading, Signals, SignalSource, as_text, clean

LABEL_CHARS = 80  # a product's or cycle's label, as kept
IDENTIFIER_CHARS = 200
IDENTIFIERS_KEPT = 20
CYCLES_NAMED = 8  # cycles a "not a cycle of" message names
_PRODUCT = r"[a-z0-9][a-z0-9._+-]*"
_CYCLE = r"[A-Za-z0-9][A-Za-z0-9._+-]*"


class EndOfLife(SignalSource):
    kind = "eol"
    label = "endoflife.date"
    name_rule = f"{_PRODUCT}@{_CYCLE}"
    example = "eol:PRODUCT@CYCLE"
    setting = "endoflife_url"
    env = "DECISIONS_ENDOFLIFE_URL"
    default_url = "https://endoflife.date"
    api = "the endoflife.date API (v1)"
    first = ("released", "cycle released")
    last = (("latest_release", "latest patch"),)

    def normalise(self, name: str) -> str:
        # endoflife.date writes products in lower case; cycles are compared as written
        product, _, cycle = name.partition("@")
        return f"{product.strip().lower()}@{cycle.strip()}"

    def page(self, name: str) -> str:
        return f"https://endoflife.date/{name.partition('@')[0]}"

    def url(self, base: str, name: str) -> str:
        return f"{base.rstrip('/')}/api/v1/products/{name.partition('@')[0]}"

    def read(self, name: str, doc: dict[str, Any], reading: Reading) -> Signals:
        return parse_product(name, doc)


SOURCE = EndOfLife()


def _label(value: object) -> str | None:
    """A label as shown in messages and pages; None for one with control or invisible
    characters (the reference's own name, which its rule checked, stands in)."""
    text = as_text(value)
    return text[:LABEL_CHARS] if text and text.isprintable() else None


def _day(value: object) -> str | None:
    """A `YYYY-MM-DD` date as the API writes it; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _identifiers(value: object) -> list[str] | None:
    """The product's package URLs and CPEs, as `decisions coverage` matches SBOMs by them."""
    if not isinstance(value, list):
        return None
    found = [i["id"].strip() for i in value if isinstance(i, dict)
             and i.get("type") in ("purl", "cpe") and isinstance(i.get("id"), str)
             and i["id"].strip().lower().startswith(("pkg:", "cpe:"))
             and len(i["id"].strip()) <= IDENTIFIER_CHARS]
    return list(dict.fromkeys(found))[:IDENTIFIERS_KEPT] or None


def parse_product(name: str, doc: dict[str, Any]) -> Signals:
    """GET /api/v1/products/{product} -> the figures of the cycle `name` names."""
    product, _, cycle = name.partition("@")
    result = doc.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("releases"), list):
        raise ParseError("unexpected response: not an endoflife.date product document "
                         "(no result.releases list)")
    releases = [r for r in result["releases"] if isinstance(r, dict)]
    found = next((r for r in releases if isinstance(r.get("name"), str)
                  and r["name"].strip() == cycle), None)
    if found is None:
        known = [r["name"] for r in releases if isinstance(r.get("name"), str)
                 and re.fullmatch(_CYCLE, r["name"]) and len(r["name"]) <= 20]
        listed = ", ".join(known[:CYCLES_NAMED]) + (", ..." if len(known) > CYCLES_NAMED
                                                    else "")
        raise Missing(f"{cycle} is not a cycle of {product} on endoflife.date"
                      + (f" (its cycles: {listed})" if listed else ""))
    latest: dict[str, Any] = found["latest"] if isinstance(found.get("latest"), dict) else {}
    return clean({
        "product": _label(result.get("label")) or product,
        "cycle": _label(found.get("label")) or cycle,
        "released": _day(found.get("releaseDate")),
        "support_ends": _day(found.get("eoasFrom")),
        "eol": _day(found.get("eolFrom")),
        # ended without a date: the API's own word, as of the fetch
        "ended": True if found.get("isEol") is True and not _day(found.get("eolFrom"))
        else None,
        "maintained": _flag(found.get("isMaintained")),
        "lts": True if found.get("isLts") is True else None,
        "latest_version": _label(latest.get("name")),
        "latest_release": _day(latest.get("date")),
        "identifiers": _identifiers(result.get("identifiers")),
    })

"""The technology radar: the /radar/ page (inline SVG drawn at build time) and its JSON.

Two JSON files, each in the exact shape its reader loads, so neither needs glue code:
- radar.json: Zalando's tech-radar config (`radar_visualization`): title, date, quadrants
  [{name}], rings [{name, color}], entries [{label, quadrant 0-3, ring 0-3, moved -1/0/1,
  active, link}].
- radar-backstage.json: Backstage's `TechRadarLoaderResponse`: quadrants [{id, name}], rings
  [{id, name, color}], entries [{key, id, quadrant, title, url, description, timeline
  [{moved, ringId, date, description}] newest first, links [{url, title}]}].
Links are relative to the site root (where both files live) unless a base URL is given.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..config import RadarConfig
from ..model import short_id
from ..radar import (
    RADII,
    RING_COLORS,
    RING_HELP,
    RING_NAMES,
    RINGS,
    CategoryOf,
    Layout,
    RadarEntry,
    place,
    radar_entries,
)
from .context import RenderContext
from .templates import render, safe
from .urls import BACKSTAGE_URI, RADAR_URI, record_uri
from .urls import RADAR_JSON_URI as JSON_URI

TITLE = "Technology radar"
VIEW = 430  # half the SVG's width: the radar's radius plus room for the quadrant names
MOVED_WORDS = {1: "moved in", -1: "moved out", 0: ""}
MOVED_MARK = {1: "▲", -1: "▼", 0: ""}


def radar_pages(ctx: RenderContext, category_of: CategoryOf | None = None) -> dict[str, str]:
    """src_uri -> content of the radar page (HTML) and its two JSON files.

    The maturity of each choice comes from the signals, unless `category_of` says otherwise.
    """
    entries = radar_entries(ctx.decisions, category_of or ctx.category_of)
    return {
        RADAR_URI: render_radar_page(ctx, entries),
        JSON_URI: render_radar_json(ctx, entries),
        BACKSTAGE_URI: render_backstage_json(ctx, entries),
    }


def render_radar(ctx: RenderContext) -> str:
    """The radar page's HTML."""
    return render_radar_page(ctx, ctx.radar_entries)


def radar_data(ctx: RenderContext) -> dict[str, str]:
    """src_uri -> content of the two JSON files."""
    entries = ctx.radar_entries
    return {JSON_URI: render_radar_json(ctx, entries),
            BACKSTAGE_URI: render_backstage_json(ctx, entries)}


def _config(ctx: RenderContext) -> RadarConfig:
    return ctx.config.radar


# --- the page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """A circle, or a triangle pointing in or out, inscribed in the blip's circle."""

    r: str
    fill: str
    path: str = ""


def _shape(moved: int, r: float, fill: str) -> _Shape:
    if moved == 0:
        return _Shape(f"{r:g}", fill)
    h = r * 0.866  # half the side of the inscribed equilateral triangle
    tip, base = (-r, r / 2) if moved > 0 else (r, -r / 2)
    return _Shape(f"{r:g}", fill, f"M0,{tip:g} L{h:.2f},{base:g} L{-h:.2f},{base:g} Z")


def _blip_title(n: int, e: RadarEntry, config: RadarConfig) -> str:
    text = (f"{n}. {e.label}: {RING_NAMES[e.ring]}, {config.quadrant_name(e.quadrant)}. "
            f"{short_id(e.id)} {e.title} ({e.status}).")
    if e.moved:
        prev = e.history[0]
        text += (f" {MOVED_WORDS[e.moved].capitalize()} from {RING_NAMES[prev.ring]} "
                 f"({short_id(prev.record_id)}, {prev.date.isoformat()}).")
    return text


@dataclass(frozen=True)
class _Blip:
    id: str
    ring: str
    moved_class: str
    href: str
    x: str
    y: str
    r: str
    title: str
    shape: _Shape
    number: int | None
    small: str
    dy: str


def render_svg(ctx: RenderContext, entries: list[RadarEntry], layout: Layout) -> str:
    """The radar as SVG: grid, ring and quadrant names, and one link per drawn blip."""
    config = _config(ctx)
    blips = []
    for n, e in enumerate(entries, 1):
        blip = layout.blips.get(e.id)
        if blip is None:
            continue
        moved = f" dr-blip-moved-{'in' if e.moved > 0 else 'out'}" if e.moved else ""
        blips.append(_Blip(
            id=e.id, ring=e.ring, moved_class=moved, href=ctx.urls.record(RADAR_URI, e.id),
            x=f"{blip.x:g}", y=f"{blip.y:g}", r=f"{blip.r:g}", title=_blip_title(n, e, config),
            shape=_shape(e.moved, blip.r, RING_COLORS[e.ring]),
            # small blips cannot hold a readable number; the title still names it
            number=n if blip.r >= 9 else None, small=" dr-radar-n-small" if n >= 100 else "",
            dy=f"{ {1: 2.5, -1: -1, 0: 0}[e.moved]:g}"))
    labels = []
    for i, ring in enumerate(RINGS):
        middle = ((RADII[i - 1] if i else 0) + RADII[i]) / 2
        labels += [(f"{x:g}", RING_NAMES[ring]) for x in (middle, -middle)]
    # Zalando's places: 0 bottom right, 1 bottom left, 2 top left, 3 top right
    corners = [(VIEW - 5, VIEW - 8, "end"), (5 - VIEW, VIEW - 8, "start"),
               (5 - VIEW, 18 - VIEW, "start"), (VIEW - 5, 18 - VIEW, "end")]
    return render(
        "radar.svg", view=VIEW, title=TITLE, count=len(entries),
        ring_names=", ".join(RING_NAMES[r] for r in RINGS),
        quadrant_names=", ".join(q.name for q in config.quadrants),
        circles=[(ring, f"{radius:g}") for ring, radius in reversed(list(zip(RINGS, RADII,
                                                                              strict=True)))],
        outer=f"{RADII[-1]:g}", minus_outer=f"{-RADII[-1]:g}", ring_labels=labels,
        quadrant_labels=[(x, y, anchor, q.name) for q, (x, y, anchor) in zip(
            config.quadrants, corners, strict=True)],
        blips=blips)


@dataclass(frozen=True)
class _Step:
    id: str
    ring: str
    date: dt.date
    href: str


@dataclass(frozen=True)
class _RadarRow:
    n: int
    entry: RadarEntry
    quadrant: str
    drawn: bool
    href: str
    source_href: str
    history: list[_Step]


def render_radar_page(ctx: RenderContext, entries: list[RadarEntry]) -> str:
    """The Markdown source of /radar/: the SVG, its legend, and every entry by ring."""
    config = _config(ctx)
    layout = place(entries, config)

    def row(n: int, e: RadarEntry) -> _RadarRow:
        steps = [_Step(s.record_id, s.ring, s.date, ctx.urls.record(RADAR_URI, s.record_id))
                 for s in e.history]
        return _RadarRow(n, e, config.quadrant_name(e.quadrant), e.id in layout.blips,
                         ctx.urls.record(RADAR_URI, e.id), ctx.urls.record(RADAR_URI, e.source),
                         steps)

    numbered = list(enumerate(entries, 1))
    return render(
        "radar.html", title=TITLE, json_href=ctx.urls.href(RADAR_URI, JSON_URI),
        backstage_href=ctx.urls.href(RADAR_URI, BACKSTAGE_URI),
        svg=safe(render_svg(ctx, entries, layout)) if entries else "",
        legend=[(r, _shape(0, 8, RING_COLORS[r])) for r in RINGS],
        shapes=[_shape(m, 8, "currentColor") for m in (0, 1, -1)],
        overflow=[(config.quadrants[q].name, RINGS[k], n)
                  for (q, k), n in sorted(layout.overflow.items())],
        rings=[(ring, [row(n, e) for n, e in numbered if e.ring == ring])
               for ring in RINGS] if entries else [],
        ring_name=RING_NAMES, ring_order=RINGS, ring_help=RING_HELP, moved_words=MOVED_WORDS,
        moved_mark=MOVED_MARK, short_id=short_id)


# --- the JSON ---------------------------------------------------------------------------


def _url(ctx: RenderContext, record_id: str) -> str:
    return ctx.urls.absolute(JSON_URI, record_uri(record_id))


def _dump(data: object) -> str:
    # compact: these files are read by tools, and grow with every record
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def zalando_data(ctx: RenderContext, entries: list[RadarEntry]) -> dict[str, object]:
    config = _config(ctx)
    return {
        "title": TITLE,
        # the newest record's date, not today's: the same records give the same file
        "date": max((e.record.date for e in ctx.entries), default=ctx.today).isoformat(),
        "quadrants": [{"name": q.name} for q in config.quadrants],
        "rings": [{"name": RING_NAMES[r], "color": RING_COLORS[r]} for r in RINGS],
        "entries": [
            {"label": e.label, "quadrant": config.quadrant_index(e.quadrant),
             "ring": RINGS.index(e.ring), "moved": e.moved, "active": True,
             "link": _url(ctx, e.id)}
            for e in entries
        ],
    }


def render_radar_json(ctx: RenderContext, entries: list[RadarEntry]) -> str:
    """radar.json: the entries as Zalando's `radar_visualization` config reads them."""
    return _dump(zalando_data(ctx, entries))


def backstage_data(ctx: RenderContext, entries: list[RadarEntry]) -> dict[str, object]:
    config = _config(ctx)
    out = []
    for e in entries:
        timeline: list[dict[str, object]] = [{
            "moved": e.moved, "ringId": e.ring, "date": e.date.isoformat(),
            "description": f"{short_id(e.source)}: {e.reason}",
        }]
        for i, step in enumerate(e.history):
            older = e.history[i + 1].ring if i + 1 < len(e.history) else step.ring
            before, now = RINGS.index(older), RINGS.index(step.ring)
            timeline.append({"moved": (before > now) - (before < now), "ringId": step.ring,
                             "date": step.date.isoformat(),
                             "description": f"{short_id(step.record_id)}: {step.title}"})
        links = [{"url": _url(ctx, e.id), "title": f"{short_id(e.id)} {e.title}"}]
        if e.source != e.id:
            links.append({"url": _url(ctx, e.source),
                          "title": f"Retired by {short_id(e.source)}"})
        out.append({
            "key": e.id, "id": e.id, "quadrant": e.quadrant, "title": e.label,
            "url": _url(ctx, e.id),
            "description": f"{e.title} ({e.status}): {e.reason}.",
            "timeline": timeline, "links": links,
        })
    return {
        "quadrants": [{"id": q.id, "name": q.name} for q in config.quadrants],
        "rings": [{"id": r, "name": RING_NAMES[r], "color": RING_COLORS[r]} for r in RINGS],
        "entries": out,
    }


def render_backstage_json(ctx: RenderContext, entries: list[RadarEntry]) -> str:
    """radar-backstage.json: Backstage's TechRadarLoaderResponse."""
    return _dump(backstage_data(ctx, entries))

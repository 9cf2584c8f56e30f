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

import json
from typing import TYPE_CHECKING
from urllib.parse import urljoin

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
from .record import record_uri
from .text import esc, href

if TYPE_CHECKING:
    from ..site import Site

RADAR_URI = "radar.md"
JSON_URI = "radar.json"
BACKSTAGE_URI = "radar-backstage.json"
TITLE = "Technology radar"
VIEW = 430  # half the SVG's width: the radar's radius plus room for the quadrant names
MOVED_WORDS = {1: "moved in", -1: "moved out", 0: ""}
MOVED_MARK = {1: "▲", -1: "▼", 0: ""}


def radar_pages(site: Site, category_of: CategoryOf,
                base_url: str | None = None) -> dict[str, str]:
    """src_uri -> content of the radar page and its two JSON files."""
    entries = radar_entries(site.decisions, category_of)
    return {
        RADAR_URI: render_radar_page(site, entries),
        JSON_URI: render_radar_json(site, entries, base_url),
        BACKSTAGE_URI: render_backstage_json(site, entries, base_url),
    }


def _config(site: Site) -> RadarConfig:
    return site.decisions.config.radar


# --- the page ---------------------------------------------------------------------------


def _shape(moved: int, r: float, fill: str) -> str:
    """A circle, or a triangle pointing in or out, inscribed in the blip's circle."""
    if moved == 0:
        return f'<circle r="{r:g}" fill="{fill}"/>'
    h = r * 0.866  # half the side of the inscribed equilateral triangle
    tip, base = (-r, r / 2) if moved > 0 else (r, -r / 2)
    return (f'<path d="M0,{tip:g} L{h:.2f},{base:g} L{-h:.2f},{base:g} Z" '
            f'fill="{fill}"/>')


def _blip_title(n: int, e: RadarEntry, config: RadarConfig) -> str:
    text = (f"{n}. {e.label}: {RING_NAMES[e.ring]}, {config.quadrant_name(e.quadrant)}. "
            f"{short_id(e.id)} {e.title} ({e.status}).")
    if e.moved:
        prev = e.history[0]
        text += (f" {MOVED_WORDS[e.moved].capitalize()} from {RING_NAMES[prev.ring]} "
                 f"({short_id(prev.record_id)}, {prev.date.isoformat()}).")
    return text


def render_svg(site: Site, entries: list[RadarEntry], layout: Layout) -> str:
    """The radar as SVG: grid, ring and quadrant names, and one link per drawn blip."""
    config = _config(site)
    grid = []
    for ring, radius in reversed(list(zip(RINGS, RADII, strict=True))):
        grid.append(f'<circle class="dr-radar-ring dr-radar-ring-{ring}" r="{radius:g}" '
                    f'fill="none" stroke="#bbb"/>')
    outer = RADII[-1]
    grid.append(f'<line class="dr-radar-axis" x1="{-outer:g}" y1="0" x2="{outer:g}" y2="0" '
                f'stroke="#bbb"/><line class="dr-radar-axis" x1="0" y1="{-outer:g}" x2="0" '
                f'y2="{outer:g}" stroke="#bbb"/>')
    for i, ring in enumerate(RINGS):
        middle = ((RADII[i - 1] if i else 0) + RADII[i]) / 2
        for x in (middle, -middle):
            grid.append(f'<text class="dr-radar-ring-name" x="{x:g}" y="0" '
                        f'text-anchor="middle" dominant-baseline="central">'
                        f"{RING_NAMES[ring]}</text>")
    # Zalando's places: 0 bottom right, 1 bottom left, 2 top left, 3 top right
    corners = [(VIEW - 5, VIEW - 8, "end"), (5 - VIEW, VIEW - 8, "start"),
               (5 - VIEW, 18 - VIEW, "start"), (VIEW - 5, 18 - VIEW, "end")]
    for q, (x, y, anchor) in zip(config.quadrants, corners, strict=True):
        grid.append(f'<text class="dr-radar-quadrant" x="{x}" y="{y}" text-anchor="{anchor}">'
                    f"{esc(q.name)}</text>")
    blips = []
    for n, e in enumerate(entries, 1):
        blip = layout.blips.get(e.id)
        if blip is None:
            continue
        link = href(RADAR_URI, record_uri(e.id), site.directory_urls)
        number = ""
        if blip.r >= 9:  # small blips cannot hold a readable number; the title still names it
            small = " dr-radar-n-small" if n >= 100 else ""
            dy = {1: 2.5, -1: -1, 0: 0}[e.moved]
            number = (f'<text class="dr-radar-n{small}" y="{dy:g}" text-anchor="middle" '
                      f'dominant-baseline="central" aria-hidden="true">{n}</text>')
        moved = f" dr-blip-moved-{'in' if e.moved > 0 else 'out'}" if e.moved else ""
        blips.append(
            f'<a class="dr-blip dr-blip-{e.ring}{moved}" href="{esc(link)}" '
            f'transform="translate({blip.x:g},{blip.y:g})" data-entry="{esc(e.id)}" '
            f'data-r="{blip.r:g}"><title>{esc(_blip_title(n, e, config))}</title>'
            f"{_shape(e.moved, blip.r, RING_COLORS[e.ring])}{number}</a>")
    names = ", ".join(RING_NAMES[r] for r in RINGS)
    quadrants = ", ".join(q.name for q in config.quadrants)
    return (
        f'<svg class="dr-radar-svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{-VIEW} {-VIEW} {2 * VIEW} {2 * VIEW}" role="group" '
        f'aria-labelledby="dr-radar-title dr-radar-desc">'
        f'<title id="dr-radar-title">{TITLE}: {len(entries)} entries</title>'
        f'<desc id="dr-radar-desc">Rings from the centre out: {esc(names)}. Quadrants: '
        f"{esc(quadrants)}. Each blip links to its decision record; the tables below list "
        f"every entry.</desc>"
        f'<g class="dr-radar-grid" aria-hidden="true">{"".join(grid)}</g>'
        f'<g class="dr-radar-blips">{"".join(blips)}</g></svg>'
    )


def _key(moved: int, ring: str | None = None) -> str:
    fill = RING_COLORS[ring] if ring else "currentColor"
    return (f'<svg class="dr-radar-key" viewBox="-10 -10 20 20" aria-hidden="true">'
            f"{_shape(moved, 8, fill)}</svg>")


def _legend() -> str:
    rings = "".join(f"<li>{_key(0, r)} <b>{RING_NAMES[r]}</b>: {esc(RING_HELP[r])}</li>"
                    for r in RINGS)
    shapes = (f"<li>{_key(0)} in the same ring as before, or new</li>"
              f"<li>{_key(1)} moved in (towards Adopt) since the record it supersedes</li>"
              f"<li>{_key(-1)} moved out (towards Hold) since the record it supersedes</li>")
    return f'<ul class="dr-radar-legend" markdown="0">{rings}{shapes}</ul>\n\n'


def _record_link(site: Site, record_id: str, text: str) -> str:
    link = href(RADAR_URI, record_uri(record_id), site.directory_urls)
    return f'<a href="{esc(link)}">{esc(text)}</a>'


def _history(site: Site, e: RadarEntry) -> str:
    return "<br>".join(
        f"{RING_NAMES[s.ring]} in {_record_link(site, s.record_id, short_id(s.record_id))} "
        f'<span class="dr-muted">{s.date.isoformat()}</span>'
        for s in e.history)


def _ring_table(site: Site, rows: list[tuple[int, RadarEntry]], layout: Layout) -> str:
    config = _config(site)
    body = []
    for n, e in rows:
        mark = ""
        if e.moved:
            mark = (f' <span class="dr-radar-moved" title="{MOVED_WORDS[e.moved]}">'
                    f'{MOVED_MARK[e.moved]}<span class="dr-radar-sr">{MOVED_WORDS[e.moved]}</span>'
                    "</span>")
        undrawn = ("" if e.id in layout.blips else
                   ' <span class="dr-muted">(not drawn: its segment is full)</span>')
        record = _record_link(site, e.id, f"{short_id(e.id)} {e.title}")
        if e.source != e.id:
            record += f" (retired by {_record_link(site, e.source, short_id(e.source))})"
        body.append(
            f'<tr id="radar-{n}" data-ring="{e.ring}" data-quadrant="{esc(e.quadrant)}">'
            f'<td class="dr-num">{n}{mark}</td><td>{esc(e.label)}{undrawn}</td>'
            f"<td>{esc(config.quadrant_name(e.quadrant))}</td><td>{record}</td>"
            f'<td>{esc(e.reason)}</td><td class="dr-radar-date">{e.date.isoformat()}</td>'
            f"<td>{_history(site, e)}</td></tr>")
    return ('<div class="dr-table-wrap" markdown="0"><table class="dr-radar-table"><thead><tr>'
            "<th>No.</th><th>Technology</th><th>Quadrant</th><th>Record</th><th>Why here</th>"
            "<th>Since</th><th>Before</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>\n\n")


def _overflow(site: Site, layout: Layout) -> str:
    if not layout.overflow:
        return ""
    config = _config(site)
    items = "".join(
        f"<li>{esc(config.quadrants[q].name)}, {RING_NAMES[RINGS[k]]}: {n} more</li>"
        for (q, k), n in sorted(layout.overflow.items()))
    return ('<div class="dr-radar-overflow" markdown="0"><p>Some segments hold more entries '
            "than fit as blips. Their newest entries are drawn; the others are listed in the "
            f"tables below only:</p><ul>{items}</ul></div>\n\n")


def render_radar_page(site: Site, entries: list[RadarEntry]) -> str:
    """The Markdown source of /radar/: the SVG, its legend, and every entry by ring."""
    layout = place(entries, _config(site))
    json_link = esc(href(RADAR_URI, JSON_URI, site.directory_urls))
    backstage_link = esc(href(RADAR_URI, BACKSTAGE_URI, site.directory_urls))
    out = [
        "---\n" + json.dumps({"title": TITLE}) + "\n---\n\n",
        "Every blip is the technology a decision record chose, drawn from the records "
        "alone. Its **ring** follows the record: accepted and boring is Adopt, accepted but "
        "spending innovation tokens (or still emerging) is Trial, proposed is Assess, and "
        "rejected, deprecated or superseded is Hold; a record can set `ring:` itself. Its "
        "**quadrant** follows the record's category (set under `radar:` in "
        "`decisions/config.yaml`). When a record supersedes one about the same technology, "
        "the blip shows where it moved from.\n\n",
        f'<p class="dr-radar-data" markdown="0">The same entries for other radar tools: '
        f'<a href="{json_link}">radar.json</a> (Zalando tech-radar) and '
        f'<a href="{backstage_link}">radar-backstage.json</a> (Backstage Tech Radar).</p>\n\n',
    ]
    if not entries:
        out.append("There are no decisions on the radar yet.\n")
        return "".join(out)
    out.append(f'<div class="dr-radar" markdown="0">{render_svg(site, entries, layout)}'
               "</div>\n\n")
    out.append(_legend())
    out.append(_overflow(site, layout))
    numbered = list(enumerate(entries, 1))
    for ring in RINGS:
        rows = [(n, e) for n, e in numbered if e.ring == ring]
        out.append(f"## {RING_NAMES[ring]} ({len(rows)}) {{ #{ring} }}\n\n"
                   f"{esc(RING_HELP[ring])}\n\n")
        out.append(_ring_table(site, rows, layout) if rows else "Nothing in this ring.\n\n")
    return "".join(out)


# --- the JSON ---------------------------------------------------------------------------


def _url(site: Site, record_id: str, base_url: str | None) -> str:
    link = href(JSON_URI, record_uri(record_id), site.directory_urls)
    return urljoin(base_url.rstrip("/") + "/", link) if base_url else link


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def zalando_data(site: Site, entries: list[RadarEntry],
                 base_url: str | None = None) -> dict[str, object]:
    config = _config(site)
    return {
        "title": TITLE,
        # the newest record's date, not today's: the same records give the same file
        "date": max((e.record.date for e in site.decisions.entries),
                    default=site.today).isoformat(),
        "quadrants": [{"name": q.name} for q in config.quadrants],
        "rings": [{"name": RING_NAMES[r], "color": RING_COLORS[r]} for r in RINGS],
        "entries": [
            {"label": e.label, "quadrant": config.quadrant_index(e.quadrant),
             "ring": RINGS.index(e.ring), "moved": e.moved, "active": True,
             "link": _url(site, e.id, base_url)}
            for e in entries
        ],
    }


def render_radar_json(site: Site, entries: list[RadarEntry],
                      base_url: str | None = None) -> str:
    """radar.json: the entries as Zalando's `radar_visualization` config reads them."""
    return _dump(zalando_data(site, entries, base_url))


def backstage_data(site: Site, entries: list[RadarEntry],
                   base_url: str | None = None) -> dict[str, object]:
    config = _config(site)
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
        links = [{"url": _url(site, e.id, base_url), "title": f"{short_id(e.id)} {e.title}"}]
        if e.source != e.id:
            links.append({"url": _url(site, e.source, base_url),
                          "title": f"Retired by {short_id(e.source)}"})
        out.append({
            "key": e.id, "id": e.id, "quadrant": e.quadrant, "title": e.label,
            "url": _url(site, e.id, base_url),
            "description": f"{e.title} ({e.status}): {e.reason}.",
            "timeline": timeline, "links": links,
        })
    return {
        "quadrants": [{"id": q.id, "name": q.name} for q in config.quadrants],
        "rings": [{"id": r, "name": RING_NAMES[r], "color": RING_COLORS[r]} for r in RINGS],
        "entries": out,
    }


def render_backstage_json(site: Site, entries: list[RadarEntry],
                          base_url: str | None = None) -> str:
    """radar-backstage.json: Backstage's TechRadarLoaderResponse."""
    return _dump(backstage_data(site, entries, base_url))

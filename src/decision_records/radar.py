"""Decision records -> technology-radar entries, and where their blips go. Pure: no I/O.

How a record becomes an entry
-----------------------------
- **Technology**: the option the record chose. For a rejected record that is the option that
  was turned down; for a superseded record, the option it chose, which is now retired.
- **Ring**: the record's `ring:` when it sets one; otherwise from its status. proposed ->
  assess; rejected, deprecated, superseded -> hold; accepted -> trial when the chosen option
  spends innovation tokens (not given back) or its maturity is emerging or risky, else adopt.
  The maturity comes from `category_of`, which may know nothing (None): the tokens decide.
- **Quadrant**: the record's category through `RadarConfig.categories`, else the default.

Decision lines and "moved"
--------------------------
A record that supersedes another continues the same *line*. When both chose the same
technology (the same option name, ignoring case and punctuation, or a shared package), the
newer record's entry replaces the older one, which becomes its history; the blip is marked
moved when its ring differs from the ring the older record gave while it was in force (a
superseded record was accepted until then). When the newer record chose something else,
the older technology stays on the radar as retired (hold), moved out from the ring it had.

Placement
---------
Blips sit on a hexagonal lattice inside their ring-quadrant segment, so two blips are at
least a lattice step (2 * radius + GAP + 2 * JITTER) apart by construction; the segment
margins keep blips of neighbouring segments apart too. Targets come from a Halton sequence
(evenly spread, no randomness) and each blip takes the nearest free lattice point; the
only jitter is a small offset hashed from the entry id. A crowded segment uses smaller
blips (SIZES); when even the smallest do not fit, the newest entries are drawn and the rest
are counted in `Layout.overflow`: every entry stays in the table and the JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .config import RadarConfig
from .model import Entry, Option, Record
from .records import Decisions

RINGS: tuple[str, ...] = ("adopt", "trial", "assess", "hold")  # inside out, as Zalando counts
RING_NAMES = {"adopt": "Adopt", "trial": "Trial", "assess": "Assess", "hold": "Hold"}
# Dark enough for white numbers on top (WCAG AA contrast), in light and dark themes.
RING_COLORS = {"adopt": "#2e7d32", "trial": "#00838f", "assess": "#8d6e00", "hold": "#c62828"}
RING_HELP = {
    "adopt": "Accepted, and boring or established: spends no innovation tokens. The default "
             "choice for its job.",
    "trial": "Accepted, but new to us: it spends innovation tokens or is still emerging. Use "
             "it where its record says, and learn from it.",
    "assess": "Proposed in an open record: worth understanding, not yet decided.",
    "hold": "Rejected, deprecated or superseded: do not start anything new with it.",
}
MATURE = frozenset({"boring", "established"})
YOUNG = frozenset({"emerging", "risky"})
HISTORY_LIMIT = 20  # earlier positions kept per entry; a long line keeps its latest

CategoryOf = Callable[[Option], str | None]

# --- records -> entries ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """An earlier position of the technology: the ring a record gave it while in force."""

    ring: str
    record_id: str
    title: str
    date: dt.date


@dataclass(frozen=True)
class RadarEntry:
    """One blip: a technology, where it sits, and how it got there."""

    id: str  # the record the blip links to; a record gives at most one entry
    label: str  # the technology: the option's name
    quadrant: str  # quadrant id
    ring: str
    title: str  # the record's title
    status: str
    date: dt.date  # when the entry took its current ring
    reason: str  # why this ring, in words
    source: str  # the record that put it in this ring: `id`, or the one that retired it
    history: tuple[Step, ...] = ()  # earlier positions, newest first

    @property
    def moved(self) -> int:
        """1 moved in (towards adopt), -1 moved out, 0 not moved: Zalando's and Backstage's."""
        if not self.history:
            return 0
        before, now = RINGS.index(self.history[0].ring), RINGS.index(self.ring)
        return (before > now) - (before < now)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def same_technology(a: Record, b: Record) -> bool:
    """Whether two records chose the same thing: same option name, or a shared package."""
    if _key(a.decision.chosen) == _key(b.decision.chosen):
        return True
    ca, cb = a.chosen, b.chosen
    return bool(ca and cb and set(ca.packages) & set(cb.packages))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def ring_and_reason(record: Record, category_of: CategoryOf,
                    as_accepted: bool = False) -> tuple[str, str]:
    """The record's ring and why. `as_accepted`: the ring it had while it was accepted."""
    if record.ring is not None:
        return record.ring, "ring set in the record"
    means = "accepted" if as_accepted else record.means
    status = "accepted" if as_accepted else record.status  # the organisation's word for it
    if means == "proposed":
        return "assess", status
    if means != "accepted":
        return "hold", status
    chosen = record.chosen
    tokens = record.chosen_tokens
    maturity = category_of(chosen) if chosen else None
    released = record.tokens_released
    if as_accepted and released is not None and released.date >= record.date:
        released = None  # given back when it was retired: while in force it spent them
    if tokens and released is None:
        return "trial", f"{status}; spends {tokens} innovation token{_s(tokens)}"
    if maturity in YOUNG:
        return "trial", f"{status}; {maturity} technology"
    if tokens and released is not None:
        return "adopt", f"{status}; its tokens were given back on {released.date.isoformat()}"
    if maturity in MATURE:
        return "adopt", f"{status}; {maturity} technology, no innovation tokens"
    return "adopt", f"{status}; spends no innovation tokens"


def _standing(entry: Entry, category_of: CategoryOf) -> Step:
    """The position a record gave its technology while in force."""
    r = entry.record
    ring, _ = ring_and_reason(r, category_of, as_accepted=r.means == "superseded")
    return Step(ring, entry.id, r.title, r.date)


def _newest_first(steps: Sequence[Step]) -> list[Step]:
    return sorted(steps, key=lambda s: (s.date, s.record_id), reverse=True)


class _Lines:
    """Supersession between records, and the same-technology history of each."""

    def __init__(self, decisions: Decisions, category_of: CategoryOf) -> None:
        self.category_of = category_of
        self.by_id = decisions.by_id
        # a record naming itself is a cycle the rules report; here it is no successor
        self.successors = {
            target: [s for s in by if s.id != target]
            for target, by in decisions.superseded_by.items()}
        # same-technology predecessors: their entry is carried on by this one
        self.carried_by: dict[str, list[Entry]] = defaultdict(list)
        for target, succ in self.successors.items():
            for s in succ:
                if same_technology(self.by_id[target].record, s.record):
                    self.carried_by[s.id].append(self.by_id[target])
        self.carried = {p.id for ps in self.carried_by.values() for p in ps}
        self._break_cycles()
        self._history: dict[str, tuple[Step, ...]] = {}

    def _break_cycles(self) -> None:
        """Give a line caught in a supersession cycle a head, so it keeps its entry."""
        # rules.py rejects cycles; this only keeps every record on the radar regardless
        seen: set[str] = set()

        def walk(head: str) -> None:
            stack = [head]
            while stack:
                rid = stack.pop()
                if rid not in seen:
                    seen.add(rid)
                    stack.extend(p.id for p in self.carried_by.get(rid, []))

        for rid in self.by_id:
            if rid not in self.carried:
                walk(rid)
        stranded = sorted((rid for rid in self.carried if rid not in seen),
                          key=lambda rid: (self.by_id[rid].record.date, rid))
        while stranded:
            head = stranded.pop()
            if head not in seen:
                self.carried.discard(head)
                walk(head)

    def history(self, start: Entry) -> tuple[Step, ...]:
        """Earlier positions of start's technology along its line, newest first."""
        # iterative post-order: a line of thousands of records must not hit recursion limits
        stack: list[tuple[Entry, bool]] = [(start, False)]
        visiting: set[str] = set()
        while stack:
            entry, ready = stack.pop()
            if entry.id in self._history:
                continue
            preds = self.carried_by.get(entry.id, [])
            if not ready:
                visiting.add(entry.id)
                stack.append((entry, True))
                stack.extend((p, False) for p in preds
                             if p.id not in self._history and p.id not in visiting)
                continue
            # the direct predecessors first: `moved` compares with the newest of them
            direct = _newest_first([_standing(p, self.category_of) for p in preds])
            older = _newest_first([s for p in preds for s in self._history.get(p.id, ())])
            # a merge repeats steps; a cycle would bring the record itself back
            steps = [s for s in dict.fromkeys([*direct, *older]) if s.record_id != entry.id]
            self._history[entry.id] = tuple(steps[:HISTORY_LIMIT])
            visiting.discard(entry.id)
        return self._history[start.id]


def radar_entries(decisions: Decisions, category_of: CategoryOf) -> list[RadarEntry]:
    """One entry per decision line and retired technology, in the radar's numbering order."""
    config = decisions.config.radar
    lines = _Lines(decisions, category_of)
    out: list[RadarEntry] = []
    for e in decisions.entries:
        if e.id in lines.carried:  # a later record on the same technology speaks for it
            continue
        r = e.record
        label = r.chosen.name if r.chosen else r.decision.chosen
        quadrant = config.quadrant_for(r.category)
        successors = sorted(lines.successors.get(e.id, []), key=lambda s: (s.record.date, s.id))
        if r.means == "superseded" and successors and not any(
                same_technology(r, s.record) for s in successors):  # (only in a cycle)
            # its technology was replaced by another one: retired, moved out from its ring
            by = successors[0]
            ring: str = r.ring or "hold"
            reason = "ring set in the record" if r.ring else f"superseded by {by.id}"
            history = (_standing(e, category_of), *lines.history(e))[:HISTORY_LIMIT]
            out.append(RadarEntry(e.id, label, quadrant, ring, r.title, r.status,
                                  by.record.date, reason, by.id, history))
        else:
            ring, reason = ring_and_reason(r, category_of)
            out.append(RadarEntry(e.id, label, quadrant, ring, r.title, r.status, r.date,
                                  reason, e.id, lines.history(e)))
    order = {q.id: i for i, q in enumerate(config.quadrants)}
    out.sort(key=lambda x: (RINGS.index(x.ring), order[x.quadrant], x.label.casefold(), x.id))
    return out


# --- placement ----------------------------------------------------------------------------

RADII: tuple[float, ...] = (130.0, 220.0, 310.0, 400.0)  # outer edge of each ring, Zalando's
SIZES: tuple[float, ...] = (9.0, 6.0, 4.0)  # blip radii, tried largest first per segment
GAP = 2.0  # least space between two blips
JITTER = 1.5  # largest offset from the lattice point, hashed from the entry id
AXIS_CLEAR = 8.0  # room beside the axes for the ring names
ROUNDING = 0.05  # coordinates are written with two decimals: keep the spacing after that


@dataclass(frozen=True)
class Blip:
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class Layout:
    blips: Mapping[str, Blip]  # entry id -> blip; an entry missing here is in the table only
    overflow: Mapping[tuple[int, int], int]  # (quadrant, ring) index -> entries not drawn


@dataclass(frozen=True)
class _Grid:
    """The lattice points of one segment for one blip size."""

    step: float
    points: tuple[tuple[float, float], ...]
    cells: Mapping[tuple[int, int], int]  # lattice (row, column) -> index in points


def _quadrant_of(x: float, y: float) -> int:
    # SVG y grows downwards: 0 bottom right, 1 bottom left, 2 top left, 3 top right
    if y > 0:
        return 0 if x > 0 else 1
    return 2 if x < 0 else 3


@lru_cache(maxsize=len(SIZES))
def _lattice(size: float) -> dict[tuple[int, int], _Grid]:
    step = 2 * size + GAP + 2 * JITTER + ROUNDING
    height = step * math.sqrt(3) / 2
    axis = size + AXIS_CLEAR
    edge = size + GAP / 2 + JITTER + ROUNDING
    rows = math.ceil(RADII[-1] / height) + 1
    cols = math.ceil(RADII[-1] / step) + 1
    points: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    cells: dict[tuple[int, int], dict[tuple[int, int], int]] = defaultdict(dict)
    for row in range(-rows, rows + 1):
        for col in range(-cols, cols + 1):
            x = (col + (row % 2) / 2) * step
            y = row * height
            if abs(x) < axis or abs(y) < axis:
                continue
            rho = math.hypot(x, y)
            for ring, outer in enumerate(RADII):
                inner = RADII[ring - 1] if ring else -edge
                if inner + edge <= rho <= outer - edge:
                    seg = (_quadrant_of(x, y), ring)
                    cells[seg][(row, col)] = len(points[seg])
                    points[seg].append((x, y))
                    break
    return {seg: _Grid(step, tuple(pts), cells[seg]) for seg, pts in points.items()}


def capacity(size: float, quadrant: int, ring: int) -> int:
    """How many blips of this radius fit in a segment."""
    grid = _lattice(size).get((quadrant, ring))
    return len(grid.points) if grid else 0


def _halton(i: int, base: int) -> float:
    f, out = 1.0, 0.0
    while i > 0:
        f /= base
        out += f * (i % base)
        i //= base
    return out


def _target(quadrant: int, ring: int, i: int) -> tuple[float, float]:
    """The i-th point of an even, deterministic spread over the segment."""
    u = 0.04 + 0.92 * _halton(i + 1, 2)
    v = _halton(i + 1, 3)
    inner = RADII[ring - 1] if ring else 0.0
    rho = math.sqrt(inner**2 + v * (RADII[ring] ** 2 - inner**2))  # even over the area
    theta = (quadrant + u) * math.pi / 2
    return rho * math.cos(theta), rho * math.sin(theta)


def _window(row: int, col: int, k: int) -> Iterator[tuple[int, int]]:
    """Lattice cells on the border of the square of half-width k around (row, col)."""
    if k == 0:
        yield row, col
        return
    for dr in range(-k, k + 1):
        dcs = range(-k, k + 1) if abs(dr) == k else (-k, k)
        for dc in dcs:
            yield row + dr, col + dc


def _nearest_free(grid: _Grid, tx: float, ty: float, free: list[bool]) -> int:
    """Index of the free lattice point nearest the target (there must be one)."""
    height = grid.step * math.sqrt(3) / 2
    row = round(ty / height)
    col = round(tx / grid.step - (row % 2) / 2)
    best: tuple[float, int] | None = None
    found_at = -1
    limit = 2 * math.ceil(RADII[-1] / height) + 4  # the whole lattice
    for k in range(limit + 1):
        for cell in _window(row, col, k):
            i = grid.cells.get(cell)
            if i is not None and free[i]:
                x, y = grid.points[i]
                cand = ((x - tx) ** 2 + (y - ty) ** 2, i)
                if best is None or cand < best:
                    best = cand
        if best is not None:
            # one more window: rows are closer than columns, so it can hold a nearer point
            if found_at >= 0:
                break
            found_at = k
    assert best is not None, "no free point although the segment had room"
    return best[1]


def _jitter(entry_id: str) -> tuple[float, float]:
    # a stable hash, not hash(): the same id lands on the same spot in every build
    digest = hashlib.sha256(entry_id.encode("utf-8")).digest()
    scale = JITTER / math.sqrt(2)
    return ((digest[0] / 255 * 2 - 1) * scale, (digest[1] / 255 * 2 - 1) * scale)


def place(entries: Sequence[RadarEntry], config: RadarConfig) -> Layout:
    """Where each entry's blip goes. The same entries always give the same layout."""
    segments: dict[tuple[int, int], list[RadarEntry]] = defaultdict(list)
    for e in entries:
        segments[(config.quadrant_index(e.quadrant), RINGS.index(e.ring))].append(e)
    blips: dict[str, Blip] = {}
    overflow: dict[tuple[int, int], int] = {}
    for seg in sorted(segments):
        members = segments[seg]
        size = next((s for s in SIZES if capacity(s, *seg) >= len(members)), SIZES[-1])
        grid = _lattice(size)[seg]
        room = len(grid.points)
        if len(members) >= room:
            # full: the newest entries get every point, in reading order around the segment
            newest = {e.id for e in sorted(members, key=lambda e: (e.date, e.id),
                                           reverse=True)[:room]}
            drawn = [e for e in members if e.id in newest]
            spots = sorted(range(room), key=lambda i: (
                math.atan2(grid.points[i][1], grid.points[i][0]) % (2 * math.pi),
                math.hypot(*grid.points[i])))
            if len(members) > room:
                overflow[seg] = len(members) - room
        else:
            drawn = members
            free = [True] * room
            spots = []
            for i in range(len(members)):
                spot = _nearest_free(grid, *_target(*seg, i), free)
                free[spot] = False
                spots.append(spot)
        for e, spot in zip(drawn, spots, strict=True):
            x, y = grid.points[spot]
            jx, jy = _jitter(e.id)
            blips[e.id] = Blip(round(x + jx, 2), round(y + jy, 2), size)
    return Layout(blips, overflow)

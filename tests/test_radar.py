"""The technology radar: records -> entries, blip placement, the page and both JSON shapes."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from conftest import REPO, TODAY, TODAY_ENV, render_context, site_for_test
from decision_records.config import DEFAULT_QUADRANTS, Config, RadarConfig
from decision_records.model import Entry, Option, Record
from decision_records.radar import (
    GAP,
    RADII,
    RINGS,
    RadarEntry,
    capacity,
    place,
    radar_entries,
)
from decision_records.records import Decisions
from decision_records.render.context import RenderContext
from decision_records.render.radar import (
    BACKSTAGE_URI,
    JSON_URI,
    RADAR_URI,
    radar_pages,
    render_radar_page,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
QUADRANT_IDS = [q.id for q in DEFAULT_QUADRANTS]


def rec(rid: str, *, status: str = "accepted", chosen: str = "PagerDuty", tokens: int = 0,
        category: str = "alerting", date: str = "2024-01-01", supersedes: tuple[str, ...] = (),
        ring: str | None = None, packages: tuple[str, ...] = (),
        released: str | None = None) -> Entry:
    """An entry whose record chose `chosen` (spending `tokens`) over a fixed alternative."""
    data: dict[str, Any] = {
        "title": f"Decide on {chosen}", "status": status, "date": date, "team": "platform",
        "deciders": ["Ada"], "category": category, "context": "Why we decide.",
        "options": [
            {"name": chosen, "approach": "buy", "summary": "The chosen one.",
             "innovation_tokens": tokens, "packages": list(packages)},
            {"name": f"Not {chosen}", "approach": "build", "summary": "The other one."},
        ],
        "decision": {"chosen": chosen, "rationale": "Because."},
        "supersedes": list(supersedes),
    }
    if ring:
        data["ring"] = ring
    if released:
        data["tokens_released"] = {"date": released, "reason": "Boring now."}
    number = int(rid.split("-", 1)[0])
    return Entry(rid, number, Path(f"{rid}.yaml"), Record.model_validate(data))


def nothing(option: Option) -> str | None:
    return None


def decided(entries: list[Entry], config: Config | None = None) -> Decisions:
    return Decisions(Path("decisions"), config or Config(), entries)


def site_of(entries: list[Entry], config: Config | None = None, **urls: Any) -> RenderContext:
    return render_context(decided(entries, config), TODAY, **urls)


# A fixed set of records covering every mapping rule; the expected entry of each follows.
RECORDS = [
    rec("0001-boring-db", chosen="PostgreSQL", category="database"),
    rec("0002-new-queue", chosen="Kafka", tokens=1, category="messaging"),
    rec("0003-released", chosen="Redis", tokens=1, category="cache", released="2025-01-01"),
    rec("0004-proposal", status="proposed", chosen="Chaos Toolkit", tokens=1,
        category="reliability"),
    rec("0005-turned-down", status="rejected", chosen="MongoDB", tokens=1,
        category="database"),
    rec("0006-dropped", status="deprecated", chosen="Jenkins", category="ci"),
    rec("0007-unmapped", chosen="Stripe", category="billing"),
    rec("0008-pinned", status="proposed", chosen="Rust", category="language", ring="trial"),
    # a line on one technology: trial, then boring -> moved in
    rec("0009-try-elastic", status="superseded", chosen="Elasticsearch", tokens=1,
        category="search", date="2023-05-01"),
    rec("0010-elastic-is-boring", chosen="elasticsearch", category="search",
        date="2024-02-01", supersedes=("0009-try-elastic",)),
    # a line that replaced its technology: the old one is retired -> moved out
    rec("0011-self-run-mq", status="superseded", chosen="RabbitMQ", category="messaging",
        date="2024-03-01"),
    rec("0012-managed-sqs", chosen="Amazon SQS", tokens=1, category="messaging",
        date="2024-03-01", supersedes=("0011-self-run-mq",)),
    # the same technology under another name, recognised by a shared package; same ring
    rec("0013-grafana-oss", status="superseded", chosen="Self-run Grafana",
        category="observability", packages=("github:grafana/grafana",), date="2022-01-01"),
    rec("0014-grafana-cloud", chosen="Grafana Cloud", category="observability",
        packages=("github:grafana/grafana",), date="2024-06-01",
        supersedes=("0013-grafana-oss",)),
    # three records on one technology: the history keeps both earlier ones
    rec("0015-k8s-assess", status="superseded", chosen="Kubernetes", tokens=2,
        category="compute", date="2021-01-01", ring="assess"),
    rec("0016-k8s-trial", status="superseded", chosen="Kubernetes", tokens=2,
        category="compute", date="2022-01-01", supersedes=("0015-k8s-assess",)),
    rec("0017-k8s-adopt", chosen="Kubernetes", category="compute", date="2023-01-01",
        supersedes=("0016-k8s-trial",)),
]

# id -> (label, ring, quadrant, moved, [(earlier ring, record id)], source)
EXPECTED: dict[str, tuple[str, str, str, int, list[tuple[str, str]], str]] = {
    "0001-boring-db": ("PostgreSQL", "adopt", "platforms", 0, [], "0001-boring-db"),
    "0002-new-queue": ("Kafka", "trial", "platforms", 0, [], "0002-new-queue"),
    "0003-released": ("Redis", "adopt", "platforms", 0, [], "0003-released"),
    "0004-proposal": ("Chaos Toolkit", "assess", "techniques", 0, [], "0004-proposal"),
    "0005-turned-down": ("MongoDB", "hold", "platforms", 0, [], "0005-turned-down"),
    "0006-dropped": ("Jenkins", "hold", "tools", 0, [], "0006-dropped"),
    "0007-unmapped": ("Stripe", "adopt", "tools", 0, [], "0007-unmapped"),
    "0008-pinned": ("Rust", "trial", "languages-and-frameworks", 0, [], "0008-pinned"),
    "0010-elastic-is-boring": ("elasticsearch", "adopt", "platforms", 1,
                               [("trial", "0009-try-elastic")], "0010-elastic-is-boring"),
    "0011-self-run-mq": ("RabbitMQ", "hold", "platforms", -1,
                         [("adopt", "0011-self-run-mq")], "0012-managed-sqs"),
    "0012-managed-sqs": ("Amazon SQS", "trial", "platforms", 0, [], "0012-managed-sqs"),
    "0014-grafana-cloud": ("Grafana Cloud", "adopt", "tools", 0,
                           [("adopt", "0013-grafana-oss")], "0014-grafana-cloud"),
    "0017-k8s-adopt": ("Kubernetes", "adopt", "platforms", 1,
                       [("trial", "0016-k8s-trial"), ("assess", "0015-k8s-assess")],
                       "0017-k8s-adopt"),
}


def test_mapping_of_a_fixed_set_of_records() -> None:
    entries = radar_entries(decided(RECORDS), nothing)
    got = {e.id: (e.label, e.ring, e.quadrant, e.moved,
                  [(s.ring, s.record_id) for s in e.history], e.source) for e in entries}
    assert got == EXPECTED


def test_entries_come_in_numbering_order_ring_then_quadrant_then_label() -> None:
    entries = radar_entries(decided(RECORDS), nothing)
    keys = [(RINGS.index(e.ring), QUADRANT_IDS.index(e.quadrant), e.label.casefold())
            for e in entries]
    assert keys == sorted(keys)


@pytest.mark.parametrize(("maturity", "tokens", "ring"), [
    ("boring", 0, "adopt"),
    ("established", 0, "adopt"),
    ("emerging", 0, "trial"),
    ("risky", 0, "trial"),
    ("unknown", 0, "adopt"),
    (None, 0, "adopt"),
    ("boring", 1, "trial"),  # new to us, however mature elsewhere
    (None, 2, "trial"),
])
def test_accepted_ring_follows_maturity_and_tokens(maturity: str | None, tokens: int,
                                                    ring: str) -> None:
    record = rec("0001-x", chosen="Thing", tokens=tokens)

    def category_of(option: Option) -> str | None:
        assert option.name == "Thing"  # asked about the chosen option
        return maturity

    [entry] = radar_entries(decided([record]), category_of)
    assert entry.ring == ring


def test_maturity_does_not_move_other_statuses_or_an_explicit_ring() -> None:
    records = [rec("0001-a", status="proposed", chosen="A"),
               rec("0002-b", status="rejected", chosen="B"),
               rec("0003-c", chosen="C", ring="hold")]
    entries = {e.id: e.ring for e in radar_entries(decided(records), lambda o: "boring")}
    assert entries == {"0001-a": "assess", "0002-b": "hold", "0003-c": "hold"}


def test_a_proposal_does_not_yet_supersede() -> None:
    # the older record stays in force until the proposal is accepted: two entries, no move
    records = [rec("0001-old", chosen="Vault", tokens=1),
               rec("0002-new", status="proposed", chosen="Vault", supersedes=("0001-old",))]
    entries = {e.id: (e.ring, e.moved) for e in radar_entries(decided(records), nothing)}
    assert entries == {"0001-old": ("trial", 0), "0002-new": ("assess", 0)}


def test_a_supersession_cycle_keeps_every_line_on_the_radar() -> None:
    # rules.py rejects cycles; the radar must still neither loop nor lose the records
    records = [rec("0001-a", status="superseded", chosen="X", supersedes=("0002-b",)),
               rec("0002-b", status="superseded", chosen="X", supersedes=("0001-a",))]
    entries = radar_entries(decided(records), nothing)
    assert [e.id for e in entries] == ["0002-b"]
    assert [s.record_id for s in entries[0].history] == ["0001-a"]


def test_a_long_line_has_no_recursion_trouble_and_keeps_its_latest_history() -> None:
    n = 3000
    records = [rec(f"{i:04d}-v", status="superseded" if i < n else "accepted", chosen="Same",
                   date=(dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat(),
                   supersedes=(f"{i - 1:04d}-v",) if i > 1 else ())
               for i in range(1, n + 1)]
    [entry] = radar_entries(decided(records), nothing)
    assert entry.id == f"{n:04d}-v"
    assert entry.history[0].record_id == f"{n - 1:04d}-v"
    assert len(entry.history) == 20


# --- the config --------------------------------------------------------------------------


def test_config_defaults_and_merged_category_map() -> None:
    config = Config().radar
    assert [q.id for q in config.quadrants] == ["languages-and-frameworks", "platforms",
                                                "techniques", "tools"]
    assert config.default_quadrant == "tools"
    assert config.quadrant_for("database") == "platforms"
    assert config.quadrant_for("architecture") == "techniques"
    assert config.quadrant_for("something-else") == "tools"
    custom = Config.model_validate({"radar": {"categories": {"database": "tools",
                                                             "billing": "platforms"}}}).radar
    assert custom.quadrant_for("database") == "tools"  # the config wins
    assert custom.quadrant_for("billing") == "platforms"
    assert custom.quadrant_for("messaging") == "platforms"  # the built-in map stays


def test_renamed_quadrants_keep_only_the_built_in_entries_that_still_fit() -> None:
    config = RadarConfig.model_validate({
        "quadrants": [{"id": "data", "name": "Data"}, {"id": "platforms", "name": "Platforms"},
                      {"id": "ways", "name": "Ways of working"}, {"id": "tools", "name": "Tools"}],
        "categories": {"database": "data", "architecture": "ways"},
    })
    assert config.quadrant_for("database") == "data"
    assert config.quadrant_for("hosting") == "platforms"
    assert config.quadrant_for("language") == "tools"  # its built-in quadrant is gone


@pytest.mark.parametrize(("radar", "message"), [
    ({"default_quadrant": "nowhere"}, "default_quadrant 'nowhere' is not a quadrant id"),
    ({"categories": {"database": "nowhere"}}, "categories database map to no quadrant"),
    ({"quadrants": [{"id": "a", "name": "A"}] * 4}, "quadrant ids must differ"),
    ({"quadrants": [{"id": "a", "name": "A"}]}, "at least 4 items"),
    ({"colour": "red"}, "Extra inputs are not permitted"),
])
def test_config_mistakes_are_reported(radar: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Config.model_validate({"radar": radar})


def test_config_is_strict_frozen_and_documented() -> None:
    config = RadarConfig()
    with pytest.raises(ValidationError):
        config.default_quadrant = "platforms"  # type: ignore[misc]
    schema = Config.model_json_schema()
    assert schema["properties"]["radar"]["description"]
    for name in ("RadarConfig", "RadarQuadrant"):
        props = schema["$defs"][name]["properties"]
        assert all(p.get("description") for p in props.values()), name
        assert schema["$defs"][name]["additionalProperties"] is False


# --- placement and the SVG ----------------------------------------------------------------


def svg_blips(svg: str) -> list[dict[str, Any]]:
    """Each blip's link, title, centre and radius, read back from the SVG text."""
    root = ET.fromstring(svg)
    out = []
    for a in root.iter(f"{SVG}a"):
        transform = a.attrib["transform"]
        assert transform.startswith("translate(") and transform.endswith(")")
        x, y = (float(v) for v in transform[len("translate("):-1].split(","))
        title = a.find(f"{SVG}title")
        out.append({"href": a.attrib["href"], "entry": a.attrib["data-entry"], "x": x, "y": y,
                    "r": float(a.attrib["data-r"]), "classes": a.attrib["class"].split(),
                    "title": title.text if title is not None else None})
    return out


def overlapping(blips: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs closer than their radii plus GAP, checked through a grid of neighbouring cells."""
    cell = 2 * max(b["r"] for b in blips) + GAP
    grid: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for b in blips:
        grid[(math.floor(b["x"] / cell), math.floor(b["y"] / cell))].append(b)
    bad = []
    for (cx, cy), members in grid.items():
        near = [o for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for o in grid.get((cx + dx, cy + dy), [])]
        for b in members:
            for o in near:
                if b["entry"] < o["entry"] and (math.dist((b["x"], b["y"]), (o["x"], o["y"]))
                                                < b["r"] + o["r"] + GAP - 1e-9):
                    bad.append((b["entry"], o["entry"]))
    return bad


def test_the_svg_has_one_titled_link_per_entry_and_no_overlap() -> None:
    site = site_of(RECORDS)
    entries = radar_entries(decided(RECORDS), nothing)
    svg = render_svg(site, entries, place(entries, RadarConfig()))
    blips = svg_blips(svg)
    assert sorted(b["entry"] for b in blips) == sorted(e.id for e in entries)
    for b in blips:
        assert b["href"] == f"../decisions/{b['entry']}/"
        assert b["title"]
    # every pair, directly: the figure is small
    for i, b in enumerate(blips):
        for o in blips[i + 1:]:
            assert math.dist((b["x"], b["y"]), (o["x"], o["y"])) >= b["r"] + o["r"] + GAP
    by_id = {b["entry"]: b for b in blips}
    assert "dr-blip-moved-in" in by_id["0010-elastic-is-boring"]["classes"]
    assert "dr-blip-moved-out" in by_id["0011-self-run-mq"]["classes"]
    assert "Moved in from Trial (0009, 2023-05-01)" in by_id["0010-elastic-is-boring"]["title"]
    assert "dr-blip-moved-in" not in by_id["0014-grafana-cloud"]["classes"]


def test_blips_sit_inside_their_ring_and_quadrant() -> None:
    entries = radar_entries(decided(RECORDS), nothing)
    layout = place(entries, RadarConfig())
    signs = [(1, 1), (-1, 1), (-1, -1), (1, -1)]  # Zalando's places, SVG y downwards
    for e in entries:
        b = layout.blips[e.id]
        ring = RINGS.index(e.ring)
        inner = RADII[ring - 1] if ring else 0.0
        assert inner + b.r <= math.hypot(b.x, b.y) <= RADII[ring] - b.r, e.id
        sx, sy = signs[QUADRANT_IDS.index(e.quadrant)]
        assert b.x * sx > b.r and b.y * sy > b.r, e.id


def many(n: int, seed: int = 0) -> list[RadarEntry]:
    """n entries spread over the segments, unevenly (some far over capacity)."""
    out = []
    for i in range(n):
        ring = RINGS[(i * 7 + seed) % 4 if i % 3 else 0]
        quadrant = QUADRANT_IDS[(i // 3 + seed) % 4 if i % 5 else 1]
        rid = f"{i:05d}-entry"
        out.append(RadarEntry(rid, f"Tech {i}", quadrant, ring, f"Title {i}", "accepted",
                              dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500), "why", rid))
    return out


@pytest.mark.parametrize("n", [1, 40, 300, 2000])
def test_no_overlap_at_any_size(n: int) -> None:
    entries = many(n)
    layout = place(entries, RadarConfig())
    blips = [{"entry": k, "x": b.x, "y": b.y, "r": b.r} for k, b in layout.blips.items()]
    assert overlapping(blips) == []
    assert len(layout.blips) + sum(layout.overflow.values()) == n


def test_placement_is_identical_across_runs() -> None:
    entries = many(500)
    assert place(entries, RadarConfig()) == place(list(entries), RadarConfig())


def test_the_page_is_identical_across_processes() -> None:
    # a different PYTHONHASHSEED would change anything that leans on hash() or set order
    script = ("import sys; sys.path.insert(0, 'tests'); import test_radar as t; "
              "s = t.site_of(t.RECORDS); from decision_records.render.radar import radar_pages; "
              "p = radar_pages(s, t.nothing); print(p['radar.md'] + p['radar.json'])")
    outs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "DECISIONS_TODAY": TODAY_ENV}
        done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                              capture_output=True, text=True, encoding="utf-8", check=True,
                              timeout=120)
        outs.add(done.stdout)
    assert len(outs) == 1


def test_a_crowded_segment_shrinks_then_overflows_into_the_table_only() -> None:
    config = RadarConfig()
    big, small = capacity(9.0, 1, 0), capacity(4.0, 1, 0)
    assert small > big
    fits = [RadarEntry(f"{i:05d}-e", f"T{i}", "platforms", "adopt", "t", "accepted",
                       dt.date(2020, 1, 1), "r", f"{i:05d}-e") for i in range(big + 1)]
    assert {b.r for b in place(fits, config).blips.values()} == {6.0}
    crowded = [RadarEntry(f"{i:05d}-e", f"T{i}", "platforms", "adopt", "t", "accepted",
                          dt.date(2020, 1, 1) + dt.timedelta(days=i), "r", f"{i:05d}-e")
               for i in range(small + 25)]
    layout = place(crowded, config)
    assert layout.overflow == {(1, 0): 25}
    # the newest are drawn; the oldest wait in the table
    assert all(f"{i:05d}-e" not in layout.blips for i in range(25))
    page = render_radar_page(site_of([]), crowded)
    assert page.count("(not drawn: its segment is full)") == 25
    assert page.count('<tr id="radar-') == len(crowded)
    assert "Platforms, Adopt: 25 more" in page


def test_ten_thousand_records_stay_fast_and_complete() -> None:
    records = [rec(f"{i:05d}-r", chosen=f"Tech {i}", tokens=i % 2,
                   status=["accepted", "proposed", "rejected", "accepted"][i % 4],
                   category=["database", "alerting", "architecture", "language", "x"][i % 5],
                   supersedes=(f"{i - 1:05d}-r",) if i % 10 == 9 else ())
               for i in range(1, 10_001)]
    # supersession needs the superseded record's status to follow
    fixed = [rec(e.id, status="superseded", chosen=e.record.decision.chosen)
             if i % 10 == 7 else e for i, e in enumerate(records, 1)]
    site = site_of(fixed)
    start = time.perf_counter()
    pages = radar_pages(site, nothing)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"{elapsed:.1f}s"
    zalando = json.loads(pages[JSON_URI])
    assert len(zalando["entries"]) == len(fixed)
    assert pages[RADAR_URI].count('<tr id="radar-') == len(fixed)
    body = pages[RADAR_URI]
    svg = body[body.index("<svg class=\"dr-radar-svg\""):body.index("</svg></div>") + 6]
    blips = svg_blips(svg)
    assert 0 < len(blips) < len(fixed)
    assert overlapping(blips) == []


# --- the page ------------------------------------------------------------------------------


def test_the_page_is_finished_html_that_needs_no_script() -> None:
    html = render_radar_page(site_of(RECORDS), radar_entries(decided(RECORDS), nothing))
    assert "<script" not in html
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert len(svg_blips(svg)) == len(EXPECTED)
    for ring in RINGS:
        assert f'id="{ring}"' in html
    # the table: history of a moved entry, a retired one with the record that retired it
    assert 'Trial in <a href="../decisions/0009-try-elastic/">0009</a>' in html
    assert 'retired by <a href="../decisions/0012-managed-sqs/">0012</a>' in html
    assert html.count("<tr id=\"radar-") == len(EXPECTED)


def test_user_text_is_escaped_everywhere() -> None:
    evil = '<img src=x onerror=alert(1)> & "quotes"'
    records = [rec("0001-evil", chosen=evil)]
    site = site_of(records)
    pages = radar_pages(site, nothing)
    page = pages[RADAR_URI]
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;" in page
    svg = page[page.index("<svg class=\"dr-radar-svg\""):page.index("</svg></div>") + 6]
    [blip] = svg_blips(svg)  # still well-formed XML
    assert evil in blip["title"]
    assert json.loads(pages[JSON_URI])["entries"][0]["label"] == evil


def test_an_empty_radar_says_so() -> None:
    pages = radar_pages(site_of([]), nothing)
    assert "There are no decisions on the radar yet." in pages[RADAR_URI]
    assert json.loads(pages[JSON_URI])["entries"] == []
    assert json.loads(pages[BACKSTAGE_URI])["entries"] == []


# --- the JSON --------------------------------------------------------------------------------


def check_zalando(data: Any) -> None:
    """Zalando tech-radar's `radar_visualization` config: the keys it documents."""
    assert set(data) == {"title", "date", "quadrants", "rings", "entries"}
    assert isinstance(data["title"], str) and isinstance(data["date"], str)
    assert len(data["quadrants"]) == 4
    assert all(set(q) == {"name"} and isinstance(q["name"], str) for q in data["quadrants"])
    assert len(data["rings"]) == 4
    assert all(set(r) == {"name", "color"} for r in data["rings"])
    for e in data["entries"]:
        assert set(e) == {"label", "quadrant", "ring", "moved", "active", "link"}
        assert isinstance(e["label"], str) and e["label"]
        assert e["quadrant"] in (0, 1, 2, 3) and type(e["quadrant"]) is int
        assert e["ring"] in (0, 1, 2, 3) and type(e["ring"]) is int
        assert e["moved"] in (-1, 0, 1) and type(e["moved"]) is int
        assert e["active"] is True
        assert isinstance(e["link"], str) and e["link"]


def check_backstage(data: Any) -> None:
    """Backstage's TechRadarLoaderResponse: quadrants, rings and entries as its types say."""
    assert set(data) == {"quadrants", "rings", "entries"}
    assert len(data["quadrants"]) == 4
    assert all(set(q) == {"id", "name"} for q in data["quadrants"])
    assert all(set(r) == {"id", "name", "color"} for r in data["rings"])
    quadrants = {q["id"] for q in data["quadrants"]}
    rings = {r["id"] for r in data["rings"]}
    keys = set()
    for e in data["entries"]:
        assert {"key", "id", "quadrant", "title", "url", "timeline"} <= set(e)
        assert set(e) <= {"key", "id", "quadrant", "title", "url", "timeline", "description",
                          "links"}
        assert e["quadrant"] in quadrants
        assert all(isinstance(e[k], str) and e[k] for k in ("key", "id", "title", "url"))
        keys.add(e["key"])
        assert e["timeline"], "the first snapshot is the current ring"
        for snap in e["timeline"]:
            assert {"ringId", "date"} <= set(snap) <= {"ringId", "date", "description", "moved"}
            assert snap["ringId"] in rings
            dt.date.fromisoformat(snap["date"])
            assert snap.get("moved", 0) in (-1, 0, 1)
        for link in e.get("links", []):
            assert set(link) == {"url", "title"}
    assert len(keys) == len(data["entries"]), "keys are React keys: unique"


def test_both_json_files_have_the_shapes_their_readers_load() -> None:
    site = site_of(RECORDS)
    pages = radar_pages(site, nothing)
    zalando = json.loads(pages[JSON_URI])
    backstage = json.loads(pages[BACKSTAGE_URI])
    check_zalando(zalando)
    check_backstage(backstage)
    entries = radar_entries(decided(RECORDS), nothing)
    assert [e["label"] for e in zalando["entries"]] == [e.label for e in entries]
    z = {e["label"]: e for e in zalando["entries"]}
    assert (z["elasticsearch"]["moved"], z["RabbitMQ"]["moved"], z["Kafka"]["moved"]) == (1, -1, 0)
    assert z["Kafka"] | {} == {"label": "Kafka", "quadrant": 1, "ring": 1, "moved": 0,
                                "active": True, "link": "decisions/0002-new-queue/"}
    b = {e["id"]: e for e in backstage["entries"]}
    assert b["0017-k8s-adopt"]["timeline"] == [
        {"moved": 1, "ringId": "adopt", "date": "2023-01-01",
         "description": "0017: accepted; spends no innovation tokens"},
        {"moved": 1, "ringId": "trial", "date": "2022-01-01",
         "description": "0016: Decide on Kubernetes"},
        {"moved": 0, "ringId": "assess", "date": "2021-01-01",
         "description": "0015: Decide on Kubernetes"},
    ]
    assert b["0011-self-run-mq"]["timeline"][0]["moved"] == -1
    assert b["0011-self-run-mq"]["quadrant"] == "platforms"


def test_links_become_absolute_with_a_base_url() -> None:
    pages = radar_pages(site_of(RECORDS[:1], site_url="https://tech.example.com/adr"), nothing)
    assert json.loads(pages[JSON_URI])["entries"][0]["link"] == (
        "https://tech.example.com/adr/decisions/0001-boring-db/")
    assert json.loads(pages[BACKSTAGE_URI])["entries"][0]["url"] == (
        "https://tech.example.com/adr/decisions/0001-boring-db/")


def test_links_follow_directory_urls_off() -> None:
    pages = radar_pages(site_of(RECORDS[:1], directory_urls=False), nothing)
    assert 'href="decisions/0001-boring-db.html"' in pages[RADAR_URI]
    assert json.loads(pages[JSON_URI])["entries"][0]["link"] == "decisions/0001-boring-db.html"


# --- the shipped records ----------------------------------------------------------------------


def test_the_shipped_records_give_entries_in_every_ring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECISIONS_TODAY", TODAY_ENV)
    site = site_for_test(REPO / "decisions")
    category_of: Callable[[Option], str | None] = lambda o: None  # noqa: E731
    pages = radar_pages(site.context, category_of)
    zalando = json.loads(pages[JSON_URI])
    check_zalando(zalando)
    check_backstage(json.loads(pages[BACKSTAGE_URI]))
    rings = {e["ring"] for e in zalando["entries"]}
    assert rings == {0, 1, 2, 3}
    body = pages[RADAR_URI]
    svg = body[body.index("<svg class=\"dr-radar-svg\""):body.index("</svg></div>") + 6]
    assert len(svg_blips(svg)) == len(zalando["entries"])


def test_tokens_given_back_at_retirement_still_count_for_the_ring_it_had() -> None:
    records = [rec("0001-old", status="superseded", chosen="Old", tokens=1, date="2024-05-01",
                   released="2024-05-01"),
               rec("0002-new", chosen="New", date="2024-05-01", supersedes=("0001-old",))]
    entries = {e.id: e for e in radar_entries(decided(records), nothing)}
    assert [(s.ring, s.record_id) for s in entries["0001-old"].history] == [("trial", "0001-old")]
    assert entries["0001-old"].moved == -1

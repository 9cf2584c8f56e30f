"""The baseline: the same records as a plain MkDocs + Material site, hand-written Markdown.

This is what a team would otherwise run: one Markdown page per decision, written by hand,
with the record's words (the title as `# heading`, a few `##` sections, paragraphs, bullet
lists and one table of the options), front-matter tags, built by MkDocs with the same
theme, `search` and `tags` plugins and Markdown extensions as this project's mkdocs.yml, no
decisions plugin, no extra CSS or JavaScript, and the pages out of the navigation
(`not_in_nav`).
A page sits at docs/decisions/<id>.md, so it is served at /decisions/<id>/ as ours is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

INDEX = """# Decisions

Build-vs-buy and technology decisions, one page each. Use the search box to find one, or
browse them by [tag](tags.md).
"""
TAGS = """# Tags

Every tag used by a decision record, with the records that carry it.

<!-- material/tags -->
"""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _bullets(items: list[Any]) -> list[str]:
    return [f"- {' '.join(str(i).split())}" for i in items] + [""]


def page(r: dict[str, Any]) -> str:
    """A hand-written Markdown page holding the record's words."""
    out = ["---"]
    if r.get("tags"):
        out += ["tags:", *(f"  - {t}" for t in r["tags"])]
    out += ["---", "", f"# {r['title']}", ""]
    out += [f"**Status:** {r['status']} · **Date:** {r['date']} · **Team:** {r['team']} · "
            f"**Category:** {r['category']}", ""]
    people = f"**Deciders:** {', '.join(r['deciders'])}."
    if r.get("consulted"):
        people += f" **Consulted:** {', '.join(r['consulted'])}."
    out += [people, "", "## Context", "", r["context"].strip(), ""]
    if r.get("drivers"):
        out += ["## Drivers", "", *_bullets(r["drivers"])]
    out += ["## Options", "", "| Option | Approach | Tokens | Summary |",
            "| --- | --- | --: | --- |"]
    out += [f"| {_cell(o['name'])} | {o['approach']} | {o.get('innovation_tokens', 0)} | "
            f"{_cell(o['summary'])} |" for o in r["options"]]
    out.append("")
    for o in r["options"]:
        out += [f"### {o['name']}", ""]
        if o.get("pros"):
            out += ["Pros:", "", *_bullets(o["pros"])]
        if o.get("cons"):
            out += ["Cons:", "", *_bullets(o["cons"])]
        if o.get("packages"):
            out += ["Packages: " + ", ".join(f"`{p}`" for p in o["packages"]), ""]
        cost = o.get("cost") or {}
        figures = [f"{k.replace('_', ' ')} {v}" for k, v in cost.items() if k != "notes"]
        if figures or cost.get("notes"):
            out += ["Cost: " + "; ".join(figures) + (f". {cost['notes']}" if cost.get("notes")
                                                     else ""), ""]
        for key in ("why_not_existing_stack", "replaces"):
            if o.get(key):
                out += [f"{key.replace('_', ' ').capitalize()}: {o[key].strip()}", ""]
    d = r["decision"]
    out += ["## Decision", "", f"**Chosen:** {d['chosen']}", "", d["rationale"].strip(), ""]
    if d.get("exit_plan"):
        out += ["**Exit plan:** " + d["exit_plan"].strip(), ""]
    if d.get("why_not_buy"):
        out += ["**Why not buy:** " + d["why_not_buy"].strip(), ""]
    c = r.get("consequences") or {}
    if c.get("good") or c.get("bad"):
        out += ["## Consequences", ""]
        if c.get("good"):
            out += ["Good:", "", *_bullets(c["good"])]
        if c.get("bad"):
            out += ["Bad:", "", *_bullets(c["bad"])]
    extra = []
    if r.get("on_call"):
        extra.append(f"On call: {r['on_call']}.")
    if r.get("review_by"):
        extra.append(f"Review by {r['review_by']}.")
    if r.get("tokens_released"):
        rel = r["tokens_released"]
        extra.append(f"Tokens released on {rel['date']}: {rel['reason'].strip()}")
    if r.get("supersedes"):
        extra.append("Supersedes " + ", ".join(r["supersedes"]) + ".")
    if extra:
        out += [" ".join(extra), ""]
    if r.get("links"):
        out += ["## Links", "", *(f"- [{link['title']}]({link['url']})" for link in r["links"]),
                ""]
    if r.get("waivers"):
        out += ["## Waivers", "", *_bullets([f"**{w['rule']}**: {w['reason']}"
                                              for w in r["waivers"]])]
    return "\n".join(out)


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def page_words(markdown: str) -> int:
    """Words a reader sees on a page: tokens with a letter or digit, front matter left out."""
    return sum(1 for t in _FRONT.sub("", markdown).split() if any(c.isalnum() for c in t))


def text_words(value: object) -> int:
    """The same count over a record's text values."""
    if isinstance(value, str):
        return sum(1 for t in value.split() if any(c.isalnum() for c in t))
    if isinstance(value, dict):
        return sum(text_words(v) for v in value.values())
    if isinstance(value, list):
        return sum(text_words(v) for v in value)
    return 0


def config() -> dict[str, Any]:
    """The project's mkdocs.yml without the decisions plugin, theme additions, assets or the
    project's navigation: plain MkDocs + Material."""
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for key in ("hooks", "extra_css", "extra_javascript"):
        cfg.pop(key, None)
    cfg["theme"].pop("custom_dir", None)
    cfg["plugins"] = [p for p in cfg["plugins"] if p != "decisions"]  # it brings the rest
    cfg["nav"] = [{"Home": "index.md"}, {"Tags": "tags.md"}]
    cfg["not_in_nav"] = "/decisions/*.md\n"
    return cfg


def write_site(folder: Path, records: list[Path]) -> tuple[Path, dict[str, int]]:
    """Write folder/mkdocs.yml and folder/docs/; (config path, word counts)."""
    docs = folder / "docs" / "decisions"
    docs.mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    (folder / "docs" / "tags.md").write_text(TAGS, encoding="utf-8")
    record_w = page_w = 0
    for path in records:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        markdown = page(data)
        (docs / f"{path.stem}.md").write_text(markdown, encoding="utf-8")
        record_w += text_words(data)
        page_w += page_words(markdown)
    cfg = folder / "mkdocs.yml"
    cfg.write_text(yaml.safe_dump(config(), sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    n = max(len(records), 1)
    return cfg, {"record_words": round(record_w / n), "page_words": round(page_w / n)}


def page_path(folder: Path, record_id: str) -> Path:
    return folder / "docs" / "decisions" / f"{record_id}.md"

"""Synthetic but realistic decision records for the benchmarks (about 300 words, 2-4 options)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

TEAMS = ["platform", "commerce", "data", "sre", "devex"]
CATEGORIES = ["database", "alerting", "observability", "hosting", "messaging", "search"]
APPROACHES = ["buy", "adopt", "build"]
WORDS = """latency budget vendor migration replica failover schema tenant queue retention
throughput contract pager rotation runbook dashboard capacity region backup audit licence
upgrade cluster index shard cache deploy rollback canary incident review owner support
roadmap integration export compliance cost staffing training""".split()

TEAM_LINES = "".join(f"  - name: {t}\n    tokens: 30000\n" for t in TEAMS)
CONFIG = f"default_tokens: 3\nteams:\n{TEAM_LINES}categories: [{', '.join(CATEGORIES)}]\n"


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(sentences))


def record(i: int, rng: random.Random) -> str:
    n_options = rng.randint(2, 4)
    day = dt.date(2020, 1, 1) + dt.timedelta(days=i % 2000)
    chosen = rng.randrange(n_options)
    lines = [
        "# yaml-language-server: $schema=../docs/decision.schema.json",
        f"title: Decision {i} on {rng.choice(WORDS)} {rng.choice(WORDS)}",
        "status: accepted",
        f"date: {day.isoformat()}",
        f"team: {TEAMS[i % len(TEAMS)]}",
        "deciders: [Ada Lovelace, Grace Hopper]",
        f"category: {CATEGORIES[i % len(CATEGORIES)]}",
        f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
        "context: |",
        f"  {_paragraph(rng, 5)}",
        "",
        f"  - {_sentence(rng, 8)}",
        f"  - {_sentence(rng, 8)}",
        "drivers:",
        *(f"  - {_sentence(rng, 6)}" for _ in range(3)),
        "options:",
    ]
    for k in range(n_options):
        lines += [
            f"  - name: Option {k} {rng.choice(WORDS)}",
            f"    approach: {APPROACHES[(i + k) % 3]}",
            f"    summary: {_sentence(rng, 10)}",
            "    pros:",
            f"      - {_sentence(rng, 6)}",
            f"      - {_sentence(rng, 6)}",
            "    cons:",
            f"      - {_sentence(rng, 6)}",
            "    packages: [pypi:requests, github:psf/requests]",
            "    cost: {licence_per_year: 12000, run_hours_per_month: 4}",
            "    innovation_tokens: 0",
        ]
    chosen_name = lines[[j for j, line in enumerate(lines) if "- name: Option" in line][chosen]]
    lines += [
        "decision:",
        f"  chosen: {chosen_name.split('name: ', 1)[1]}",
        "  rationale: |",
        f"    {_paragraph(rng, 4)}",
        "  exit_plan: Export the data and move to the next option.",
        "  why_not_buy: No product covers the contract terms we need.",
        "consequences:",
        f"  good: [{_sentence(rng, 6)}]",
        f"  bad: [{_sentence(rng, 6)}]",
        "on_call: the-owning-team",
        f"review_by: {(day + dt.timedelta(days=3650)).isoformat()}",
    ]
    return "\n".join(lines) + "\n"


def write(root: Path, count: int, seed: int = 1) -> list[Path]:
    """Write `count` valid records and a config into root (a decisions folder)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    rng = random.Random(seed)
    paths = []
    for i in range(1, count + 1):
        path = root / f"{i:05d}-synthetic-decision-{i}.yaml"
        path.write_text(record(i, rng), encoding="utf-8")
        paths.append(path)
    return paths

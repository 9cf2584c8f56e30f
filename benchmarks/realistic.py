"""Realistic decision records for the benchmarks: copies of the records this repository ships.

    python benchmarks/realistic.py --records 200 [--out DIR]

Record k (numbered from 1, file `0000k-<slug>.yaml`, five digits so 10,000 fit) is a copy of
shipped record ((k - 1) mod 15) + 1, so it has that record's length, options, packages,
waivers and Markdown. Only these change:

- title: the shipped title with an adjective, a noun and k woven in, "... (amber harbour 42)";
- id: `0000k-<adjective>-<noun>-<shipped slug>`;
- date: spread over the ten years before TODAY (never after it); proposals within the last
  year; review_by one to three years later (for most accepted records whose review would be
  overdue, within the next 18 months instead); a tokens_released date keeps its distance;
- status: about 75 % accepted, 12 % proposed, 8 % rejected, 5 % deprecated, limited to the
  statuses under which that shipped record passes the policies; every 37th record (k >= 74)
  is accepted and supersedes record k - 5, which becomes superseded. The shipped
  `supersedes` values are dropped;
- team (from ten) and category (half the time the shipped one);
- decision.rationale gains a sentence, "Ticket zq002ax tracks this.", whose made-up word
  only this record has, `unique_word(k)`: "zq", k in base 36 on four digits, and "x". Every
  such word has the same length and an ending no English stemmer touches, so a search for
  it (a prefix search too) can only match this record.

Everything about record k depends only on k and the seed, so the other benchmarks can name
a record's id, title and word without reading the files back. config.yaml lists the teams
with budgets no benchmark can overdraw; signals.json is the shipped snapshot.

Run as a script, it generates the records, runs `decisions validate` on them with
DECISIONS_TODAY pinned, and compares their words with the shipped records'. Exit status 1
when validation finds an error or the words differ by more than 3 %.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHIPPED = ROOT / "decisions"
TODAY = dt.date(2026, 11, 26)
TODAY_ENV = TODAY.isoformat()
YEARS = 10

ADJECTIVES = """amber brisk calm dusky eager fallow gentle hardy ivory jolly keen lucid mellow
nimble olive placid quiet russet sober tawny umber vivid wistful young zesty azure bold cobalt
dapper frosty""".split()
NOUNS = """harbour meadow lantern orchard falcon glacier quarry beacon thicket canyon willow
harvest compass ferry granite kestrel lagoon marble nectar otter pebble quill rampart summit
tundra valley walrus yarrow zephyr badger""".split()
TEAMS = ["platform", "commerce", "data", "sre", "devex",
         "payments", "identity", "mobile", "growth", "insights"]
BUDGET = 1000  # tokens a team has (the most config.yaml takes): budget rules never fire
STATUS_MIX = [("accepted", 0.75), ("proposed", 0.87), ("rejected", 0.95), ("deprecated", 1.0)]
CANDIDATES = ("accepted", "proposed", "rejected", "deprecated")
SUPERSEDE_EVERY = 37  # record k (a multiple, k >= 2 * 37) supersedes record k - SUPERSEDE_BACK
SUPERSEDE_BACK = 5


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def unique_word(number: int) -> str:
    """The made-up word only record `number` has (in its decision.rationale)."""
    return f"zq{base36(number):0>4}x"


@dataclass(frozen=True)
class Source:
    slug: str
    title: str
    status: str
    date: dt.date
    text: str
    data: dict[str, Any]
    allowed: tuple[str, ...]  # statuses under which it still passes every rule


@dataclass(frozen=True)
class Plan:
    """Everything about generated record `number`, without its text."""

    number: int
    id: str
    title: str
    word: str
    adjective: str
    status: str
    date: dt.date
    review_by: dt.date
    team: str
    category: str
    supersedes: str | None
    source: Source

    @property
    def file_name(self) -> str:
        return f"{self.id}.yaml"


def _set_line(text: str, key: str, value: str) -> str:
    new, n = re.subn(rf"^{key}: .*$", lambda _: f"{key}: {value}", text, count=1, flags=re.M)
    if n != 1:
        raise ValueError(f"no top-level '{key}:' line to replace")
    return new


def _drop_block(text: str, key: str) -> str:
    return re.sub(rf"^{key}:\n(?:[ -].*\n)*", "", text, flags=re.M)


def config_text(categories: list[str]) -> str:
    teams = "".join(f"  - name: {t}\n    tokens: {BUDGET}\n" for t in TEAMS)
    return ("# Generated for the benchmarks: budgets no mix of records can overdraw.\n"
            f"default_tokens: 3\nteams:\n{teams}categories: [{', '.join(categories)}]\n"
            "currency: USD\ncosts: {person_week: 4000, run_hour: 100}\nrules: {}\n")


def shipped_categories() -> list[str]:
    config = yaml.safe_load((SHIPPED / "config.yaml").read_text(encoding="utf-8"))
    return list(config["categories"])


def _allowed_statuses(raw: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, ...]]:
    """For each shipped record, the statuses under which the project's own checks pass it.

    Each record is written once per candidate status into one scratch folder and the whole
    folder goes through the loader once: the policies apply to accepted and proposed records
    only, so turning a rejected record into an accepted one may break one.
    """
    from decision_records.loader import display, load_decisions

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "config.yaml").write_text(config_text(shipped_categories()), encoding="utf-8")
        shutil.copy(SHIPPED / "signals.json", root / "signals.json")
        paths: dict[tuple[int, str], Path] = {}
        number = 0
        for i, (slug, text, _) in enumerate(raw):
            text = _drop_block(text, "supersedes")
            for status in CANDIDATES:
                number += 1
                path = root / f"{number:05d}-{slug}.yaml"
                path.write_text(_set_line(text, "status", status), encoding="utf-8")
                paths[i, status] = path
        result = load_decisions(root, TODAY)
        bad = {f.path for f in result.errors}
        return [tuple(s for s in CANDIDATES if display(paths[i, s]) not in bad)
                for i in range(len(raw))]


@functools.cache
def sources() -> tuple[Source, ...]:
    files = sorted(p for p in SHIPPED.glob("[0-9][0-9][0-9][0-9]-*.yaml"))
    raw = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        slug = path.stem.split("-", 1)[1]
        raw.append((slug, text, yaml.safe_load(text)))
    allowed = _allowed_statuses(raw)
    return tuple(Source(slug, str(data["title"]), str(data["status"]), data["date"], text, data,
                        ok) for (slug, text, data), ok in zip(raw, allowed, strict=True))


def _rng(number: int, seed: int) -> random.Random:
    return random.Random(number * 1_000_003 + seed)


def _status(number: int, source: Source, rng: random.Random) -> str:
    roll = rng.random()
    wanted = next(s for s, bound in STATUS_MIX if roll < bound)
    if wanted in source.allowed:
        return wanted
    return next(s for s in ("accepted", "rejected", "deprecated", "proposed")
                if s in source.allowed)


def _supersedes(number: int) -> int | None:
    if number % SUPERSEDE_EVERY == 0 and number >= 2 * SUPERSEDE_EVERY:
        return number - SUPERSEDE_BACK
    return None


def _superseded_by(number: int) -> int | None:
    later = number + SUPERSEDE_BACK
    return later if _supersedes(later) == number else None


@functools.cache
def _base(number: int, seed: int) -> tuple[str, str, str, dt.date, str, str]:
    """(adjective, noun, status, date, team, category): the parts not tied to another record."""
    src = sources()
    source = src[(number - 1) % len(src)]
    rng = _rng(number, seed)
    adjective = rng.choice(ADJECTIVES)
    noun = rng.choice(NOUNS)
    status = _status(number, source, rng)
    if status == "proposed":
        day = TODAY - dt.timedelta(days=rng.randint(0, 365))
    else:
        day = TODAY - dt.timedelta(days=rng.randint(0, YEARS * 365 + 2))
    team = rng.choice(TEAMS)
    category = source.data["category"] if rng.random() < 0.5 else rng.choice(
        shipped_categories())
    return adjective, noun, status, day, team, category


def plan(number: int, seed: int = 1) -> Plan:
    src = sources()
    source = src[(number - 1) % len(src)]
    adjective, noun, status, day, team, category = _base(number, seed)
    target = _supersedes(number)
    supersedes = None
    if target is not None and "accepted" in source.allowed:
        status = "accepted"
        day = max(day, _base(target, seed)[3])  # a replacement comes after what it replaces
        supersedes = plan_id(target, seed)
    by = _superseded_by(number)
    if by is not None and "accepted" in src[(by - 1) % len(src)].allowed:
        status = "superseded"
    rng = _rng(number, seed + 7)
    review = day + dt.timedelta(days=rng.randint(365, 3 * 365))
    if status == "accepted" and review < TODAY and rng.random() < 0.8:
        review = TODAY + dt.timedelta(days=rng.randint(30, 540))  # reviewed, and due again
    return Plan(number=number, id=plan_id(number, seed),
                title=f"{source.title} ({adjective} {noun} {number})", word=unique_word(number),
                adjective=adjective, status=status, date=day, review_by=review, team=team,
                category=category, supersedes=supersedes, source=source)


def plan_id(number: int, seed: int = 1) -> str:
    src = sources()
    source = src[(number - 1) % len(src)]
    adjective, noun = _base(number, seed)[:2]
    return f"{number:05d}-{adjective}-{noun}-{source.slug}"


def render(p: Plan) -> str:
    """The YAML text of a planned record: the shipped text with its fields replaced."""
    source = p.source
    text = _drop_block(source.text, "supersedes")
    text = _set_line(text, "title", p.title)
    text = _set_line(text, "status", p.status)
    text = _set_line(text, "date", p.date.isoformat())
    text = _set_line(text, "team", p.team)
    text = _set_line(text, "category", p.category)
    text = _set_line(text, "review_by", p.review_by.isoformat())
    released = source.data.get("tokens_released")
    if released:
        offset = released["date"] - source.date
        when = min(max(p.date + offset, p.date), TODAY)
        text = re.sub(r"^(tokens_released:\n  date: ).*$", lambda m: m[1] + when.isoformat(),
                      text, count=1, flags=re.M)
    if p.supersedes:
        text = re.sub(r"^(core: .*\n)", lambda m: f"{m[1]}supersedes:\n  - {p.supersedes}\n",
                      text, count=1, flags=re.M)
    # a sentence closing the rationale's first paragraph holds the word between spaces:
    # Material's search splits on whitespace and hyphens only, so "(word)" or "word." would
    # be indexed with the punctuation and never match
    text, n = re.subn(r"^(  rationale: [|>][-+]?\n(?:    .+\n)*?    .+?)(\n(?:\n|(?!    )))",
                      lambda m: f"{m[1]} Ticket {p.word} tracks this.{m[2]}", text, count=1,
                      flags=re.M)
    if n != 1:
        raise ValueError(f"{source.slug}: no block rationale to put the word in")
    return text


def write(root: Path, count: int, seed: int = 1) -> list[Path]:
    """Write `count` records, config.yaml and signals.json into root (a decisions folder)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(config_text(shipped_categories()), encoding="utf-8")
    shutil.copy(SHIPPED / "signals.json", root / "signals.json")
    paths = []
    for number in range(1, count + 1):
        p = plan(number, seed)
        path = root / p.file_name
        path.write_text(render(p), encoding="utf-8")
        paths.append(path)
    return paths


def words(value: object) -> int:
    """Words in every text value of a record (keys, dates and numbers do not count)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, dict):
        return sum(words(v) for v in value.values())
    if isinstance(value, list):
        return sum(words(v) for v in value)
    return 0


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    """`decisions validate` on a folder, as a user runs it, with today pinned."""
    exe = Path(sys.executable).parent / "decisions"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "decision_records"]
    env = {**os.environ, "DECISIONS_TODAY": TODAY_ENV}
    return subprocess.run([*cmd, "--dir", str(root), "validate"], capture_output=True,
                          text=True, env=env)


def self_test(root: Path, count: int) -> int:
    paths = write(root, count)
    result = validate(root)
    summary = (result.stderr.strip().splitlines() or ["(no summary)"])[-1]
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    print(f"decisions validate: {summary} (exit {result.returncode})")
    for line in errors[:10]:
        print("  ", line)
    shipped = [s.data for s in sources()]
    generated = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths]
    ship_w = sum(words(d) for d in shipped) / len(shipped)
    gen_w = sum(words(d) for d in generated) / len(generated)
    diff = gen_w / ship_w - 1
    print(f"words per record:   shipped {ship_w:.0f}, generated {gen_w:.0f} ({diff:+.1%})")
    opts = sum(len(d["options"]) for d in generated) / len(generated)
    pkgs = sum(len(o.get("packages", [])) for d in generated for o in d["options"])
    print(f"options per record: {opts:.2f}; packages per option: "
          f"{pkgs / (opts * len(generated)):.2f}")
    statuses: dict[str, int] = {}
    for d in generated:
        statuses[d["status"]] = statuses.get(d["status"], 0) + 1
    print("statuses:          ", ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    titles = {d["title"] for d in generated}
    word_hits = sum(sum(w == unique_word(i + 1) for w in re.findall(r"zq\w+", p.read_text()))
                    for i, p in enumerate(paths))
    dates = [d["date"] for d in generated]
    print(f"titles distinct:     {len(titles) == len(generated)}; unique words in place: "
          f"{word_hits}/{len(paths)}; dates {min(dates)} .. {max(dates)}")
    ok = (result.returncode == 0 and not errors and " 0 errors" in summary
          and abs(diff) <= 0.03 and len(titles) == len(generated) and word_hits == len(paths)
          and max(dates) <= TODAY)
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--out", type=Path, help="keep the records in this folder")
    args = parser.parse_args()
    if args.out:
        return self_test(args.out, args.records)
    with tempfile.TemporaryDirectory() as tmp:
        return self_test(Path(tmp) / "decisions", args.records)


if __name__ == "__main__":
    sys.exit(main())

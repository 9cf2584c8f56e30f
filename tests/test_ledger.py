"""The innovation-token ledger: exact figures for each rule, and the budget checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import TODAY, MakeDecisions, run_cli
from decision_records.config import Config
from decision_records.ledger import compute
from decision_records.loader import load_decisions
from decision_records.model import Entry, Record

CONFIG = Config.model_validate({
    "default_tokens": 3,
    "teams": [{"name": "platform", "tokens": 3}, {"name": "commerce", "tokens": 2},
              {"name": "data"}],
})


def entry(number: int, team: str, status: str, tokens: int, date: str = "2025-01-10",
          released: str | None = None, supersedes: tuple[str, ...] = ()) -> Entry:
    data: dict[str, Any] = {
        "title": f"Decision {number}", "status": status, "date": date, "team": team,
        "deciders": ["Ada"], "category": "database", "context": "Why.",
        "options": [
            {"name": "New", "approach": "adopt", "summary": "New tech.",
             "innovation_tokens": tokens},
            {"name": "Old", "approach": "buy", "summary": "What we run."},
        ],
        "decision": {"chosen": "New", "rationale": "Because."},
        "supersedes": list(supersedes),
    }
    if released:
        data["tokens_released"] = {"date": released, "reason": "boring now"}
    rid = f"{number:04d}-decision-{number}"
    return Entry(rid, number, Path(f"decisions/{rid}.yaml"), Record.model_validate(data))


def figures(entries: list[Entry], team: str) -> tuple[int, int, int, int, int]:
    t = compute(entries, CONFIG.budgets).team(team)
    assert t is not None
    return t.budget, t.spent, t.pending, t.released, t.remaining


CASES = [
    ("nothing", [], "platform", (3, 0, 0, 0, 3)),
    ("accepted spends", [entry(1, "platform", "accepted", 1)], "platform", (3, 1, 0, 0, 2)),
    ("boring spends nothing", [entry(1, "platform", "accepted", 0)], "platform",
     (3, 0, 0, 0, 3)),
    ("proposed is pending", [entry(1, "platform", "proposed", 2)], "platform", (3, 0, 2, 0, 3)),
    ("rejected spends nothing", [entry(1, "platform", "rejected", 2)], "platform",
     (3, 0, 0, 0, 3)),
    ("release gives back", [entry(1, "platform", "accepted", 2, released="2025-06-01")],
     "platform", (3, 0, 0, 2, 3)),
    ("superseded no longer spends",
     [entry(1, "platform", "superseded", 1), entry(2, "platform", "accepted", 1,
                                                  supersedes=("0001-decision-1",))],
     "platform", (3, 1, 0, 0, 2)),
    ("deprecated no longer spends", [entry(1, "platform", "deprecated", 2)], "platform",
     (3, 0, 0, 0, 3)),
    ("overdraft", [entry(1, "commerce", "accepted", 2), entry(2, "commerce", "accepted", 1)],
     "commerce", (2, 3, 0, 0, -1)),
    ("listed without tokens takes the default", [entry(1, "data", "accepted", 1)], "data",
     (3, 1, 0, 0, 2)),
    ("unlisted team takes the default", [entry(1, "search", "accepted", 2)], "search",
     (3, 2, 0, 0, 1)),
    ("mixed", [entry(1, "platform", "accepted", 1), entry(2, "platform", "proposed", 1),
               entry(3, "platform", "accepted", 1, released="2025-03-01"),
               entry(4, "commerce", "accepted", 2)], "platform", (3, 1, 1, 1, 2)),
]


@pytest.mark.parametrize(("entries", "team", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_team_figures(entries: list[Entry], team: str, expected: tuple[int, ...]) -> None:
    assert figures(entries, team) == expected


def test_every_figure_is_traceable_and_totals_add_up() -> None:
    entries = [entry(1, "platform", "accepted", 1, "2024-01-01"),
               entry(2, "platform", "proposed", 1, "2025-02-01"),
               entry(3, "commerce", "accepted", 2, "2023-05-01", released="2025-03-01")]
    ledger = compute(entries, CONFIG.budgets)
    platform = ledger.team("platform")
    assert platform is not None
    assert [(x.id, x.effect, x.tokens, x.date.isoformat()) for x in platform.lines] == [
        ("0001-decision-1", "spent", 1, "2024-01-01"),
        ("0002-decision-2", "pending", 1, "2025-02-01"),
    ]
    commerce = ledger.team("commerce")
    assert commerce is not None
    assert [(x.effect, x.date.isoformat()) for x in commerce.lines] == [
        ("released", "2025-03-01")]
    assert ledger.total == {"budget": 8, "spent": 1, "pending": 1, "released": 2,
                            "remaining": 7}
    # in use over time: commerce's 2 from 2023-05 until released in 2025-03
    assert ledger.history == ((dt.date(2023, 5, 1), 2), (dt.date(2024, 1, 1), 3),
                              (dt.date(2025, 3, 1), 1))


BUDGET_CONFIG = """\
teams:
  - name: platform
    tokens: 1
  - name: commerce
    tokens: 2
"""


def _yaml(number: int, team: str, status: str, tokens: int, extra: str = "") -> str:
    return f"""\
title: Decision number {number}
status: {status}
date: 2025-01-10
team: {team}
deciders: [Ada]
category: database
context: Why.
options:
  - name: New
    approach: buy
    summary: New tech.
    innovation_tokens: {tokens}
    why_not_existing_stack: Nothing does it.
    replaces: Nothing yet.
  - name: Old
    approach: buy
    summary: What we run.
decision:
  chosen: New
  rationale: Because.
  exit_plan: Export and leave.
{extra}"""


def test_overdraft_is_an_error_naming_team_and_records(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-a.yaml": _yaml(1, "platform", "accepted", 1),
                           "0002-b.yaml": _yaml(2, "platform", "accepted", 1)},
                          config=BUDGET_CONFIG)
    found = load_decisions(root, TODAY).findings
    assert [f.format() for f in found if f.rule.startswith("budget")] == [
        f"{found[0].path.replace('0001-a', '0002-b')}:4:7: error: team: team platform spends 2 "
        "innovation tokens but has 1 (records 0001, 0002); release tokens, supersede a record, "
        "or raise the team's budget in config.yaml [budget-overdrawn]"]


def test_proposal_that_would_overdraw_is_a_warning(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-a.yaml": _yaml(1, "commerce", "accepted", 1),
                           "0002-b.yaml": _yaml(2, "commerce", "proposed", 3)},
                          config=BUDGET_CONFIG)
    (finding,) = [f for f in load_decisions(root, TODAY).findings if f.rule.startswith("budget")]
    assert (finding.severity, finding.rule, finding.line, finding.col) == (
        "warning", "budget-proposal", 19, 11)
    assert finding.message == ("accepting this would spend 3 tokens and overdraw team commerce "
                               "by 2 (1 of 2 left)")


def test_team_without_budget_uses_default_and_says_so(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-a.yaml": _yaml(1, "search", "accepted", 1)}, config=None)
    (finding,) = load_decisions(root, TODAY).findings
    assert finding.rule == "budget-default"
    assert finding.message == ("team search has no token budget in config.yaml; using "
                               "default_tokens (3)")


def test_proposal_that_fits_gives_no_finding(make_decisions: MakeDecisions) -> None:
    root = make_decisions({"0001-a.yaml": _yaml(1, "commerce", "proposed", 2)},
                          config=BUDGET_CONFIG)
    assert load_decisions(root, TODAY).findings == []


def test_budget_cli_formats_and_exit_codes(make_decisions: MakeDecisions, tmp_path: Path) -> None:
    make_decisions({"0001-a.yaml": _yaml(1, "platform", "accepted", 1),
                    "0002-b.yaml": _yaml(2, "commerce", "proposed", 1)}, config=BUDGET_CONFIG)
    result = run_cli("budget", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(t["team"], t["budget"], t["spent"], t["pending"], t["released"], t["remaining"])
            for t in data["teams"]] == [("commerce", 2, 0, 1, 0, 2), ("platform", 1, 1, 0, 0, 0)]
    assert data["teams"][1]["records"] == [{
        "id": "0001-a", "title": "Decision number 1", "status": "accepted", "means": "accepted",
        "tokens": 1, "date": "2025-01-10", "effect": "spent"}]
    assert data["total"] == {"budget": 3, "spent": 1, "pending": 1, "released": 0,
                             "remaining": 2}

    text = run_cli("budget", "--team", "platform", cwd=tmp_path)
    assert text.returncode == 0
    assert "platform              1      1        0         0          0  (at its limit)" in (
        text.stdout)
    assert "spends    1  2025-01-10  0001-a" in text.stdout

    md = run_cli("budget", "--format", "markdown", cwd=tmp_path)
    assert "| platform | 1 | 1 | 0 | 0 | **0** (at its limit) |" in md.stdout
    assert "| **Total** | 3 | 1 | 1 | 0 | 2 |" in md.stdout

    unknown = run_cli("budget", "--team", "nope", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no team 'nope'; teams: commerce, platform" in unknown.stderr


def test_budget_cli_exits_1_when_overdrawn(make_decisions: MakeDecisions, tmp_path: Path) -> None:
    make_decisions({"0001-a.yaml": _yaml(1, "platform", "accepted", 2)}, config=BUDGET_CONFIG)
    result = run_cli("budget", cwd=tmp_path)
    assert result.returncode == 1
    assert "OVERDRAWN by 1" in result.stdout

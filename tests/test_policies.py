"""Each policy rule passes and fails on a variant of the valid record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, TODAY, VALID_RECORD, MakeDecisions, variant
from decision_records.findings import Loc
from decision_records.loader import load_decisions
from decision_records.plugin import DOCS as PACKAGE_DOCS
from decision_records.review import review
from decision_records.rules import RULES, costs, policies
from decision_records.rules import signals as signal_rules
from decision_records.yamlfile import Locator

# the policies are the rules with a page of their own that a config or a waiver can relax,
# less those that read the signals snapshot (end-of-life)
POLICY_IDS = {r.id for r in RULES.values() if r.doc.endswith(f"/{r.id}.md") and r.configurable
              and r.id.replace("-", "_") not in vars(signal_rules)}
CHOOSE_BUILD = ("  chosen: PagerDuty\n", "  chosen: Build our own\n")
WHY_NOT_BUY = ("  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n",
               "  why_not_buy: No product pages through our radio network.\n")


def _apply(*changes: tuple[str, str]) -> str:
    text = VALID_RECORD
    for old, new in changes:
        text = variant(old, new, text)
    return text


CASES = [
    ("valid record passes every policy", [], []),
    ("build without why_not_buy", [CHOOSE_BUILD], [("buy-before-build", 51, 11)]),
    ("build with why_not_buy", [CHOOSE_BUILD, WHY_NOT_BUY], []),
    ("build of a core capability", [CHOOSE_BUILD, ("core: false\n", "core: true\n")], []),
    ("build with no buy or adopt option",
     [CHOOSE_BUILD, WHY_NOT_BUY, ("    approach: buy\n", "    approach: build\n")],
     [("buy-before-build", 21, 1)]),
    ("tokens without replaces", [CHOOSE_BUILD, WHY_NOT_BUY,
                                 ("    replaces: The e-mail alerts, retired once the pager is "
                                  "live.\n", "")], [("boring-first", 47, 24)]),
    ("tokens on an option not chosen need nothing",
     [("    replaces: The e-mail alerts, retired once the pager is live.\n", "")], []),
    ("adopt without on_call",
     [CHOOSE_BUILD, WHY_NOT_BUY, ("on_call: platform-primary\n", "")],
     [("operate-what-you-own", 5, 7)]),
    ("proposed build needs no on_call yet",
     [CHOOSE_BUILD, WHY_NOT_BUY, ("on_call: platform-primary\n", ""),
      ("status: accepted\n", "status: proposed\n")], []),
    ("buy without exit plan",
     [("  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n", "")],
     [("exit-plan", 51, 11)]),
    ("review date passed", [("review_by: 2027-03-02\n", "review_by: 2026-11-01\n")],
     [("review-due", 61, 12)]),
    ("review date passed on a superseded record is history",
     [("review_by: 2027-03-02\n", "review_by: 2026-11-01\n"),
      ("status: accepted\n", "status: rejected\n")], []),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_policy(make_decisions: MakeDecisions, changes: list[tuple[str, str]],
                expected: list[tuple[str, int, int]]) -> None:
    root = make_decisions({"0001-buy-paging.yaml": _apply(*changes)})
    found = load_decisions(root, TODAY).findings
    assert [(f.rule, f.line, f.col) for f in found if f.rule in POLICY_IDS] == expected
    assert not [f for f in found if f.rule not in POLICY_IDS]


def test_severity_comes_from_config(make_decisions: MakeDecisions) -> None:
    record = _apply(("review_by: 2027-03-02\n", "review_by: 2026-11-01\n"))
    config = "rules:\n  review-due: error\n  exit-plan: off\n"
    root = make_decisions({"0001-buy-paging.yaml": record}, config=config)
    (finding,) = load_decisions(root, TODAY).findings
    assert (finding.rule, finding.severity) == ("review-due", "error")
    assert finding.message == ("review was due on 2026-11-01 (25 days ago): revisit the "
                               "decision, then set a new review_by or change its status")


# (status, review_by) of records dated 2026-03-02, reviewed on TODAY (2026-11-26)
DUE_CASES = {
    "0001-passed.yaml": ("accepted", "2026-11-01"),  # due, and the rule says so
    "0002-yesterday.yaml": ("accepted", "2026-11-25"),
    "0003-today.yaml": ("accepted", "2026-11-26"),  # due tomorrow, not today
    "0004-later.yaml": ("accepted", "2027-03-02"),
    "0005-proposed.yaml": ("proposed", "2026-11-01"),  # not decided: nothing to review
    "0006-retired.yaml": ("rejected", "2026-11-01"),
    "0007-before-its-date.yaml": ("accepted", "2025-01-01"),  # listed; a review-date error
}


def test_the_review_due_rule_reports_what_the_review_lists(make_decisions: MakeDecisions) -> None:
    """One definition of "due": the rule reports the review's due list, less the records whose
    review_by falls before their own date, which review-date reports instead."""
    files = {name: _apply(("status: accepted\n", f"status: {status}\n"),
                          ("review_by: 2027-03-02\n", f"review_by: {review_by}\n"))
             for name, (status, review_by) in DUE_CASES.items()}
    decisions = load_decisions(make_decisions(files), TODAY)
    listed = [d.entry.path.name for d in review(decisions, TODAY).due]
    assert listed == ["0007-before-its-date.yaml", "0001-passed.yaml", "0002-yesterday.yaml"]
    by_rule = {rule: sorted(Path(f.path).name for f in decisions.findings if f.rule == rule)
               for rule in ("review-due", "review-date")}
    assert by_rule == {"review-due": ["0001-passed.yaml", "0002-yesterday.yaml"],
                       "review-date": ["0007-before-its-date.yaml"]}


def test_every_policy_rule_has_a_page_with_an_example() -> None:
    checks = [name for module in (policies, costs) for name in vars(module)
              if not name.startswith("_") and callable(getattr(module, name))
              and name.replace("_", "-") in RULES]
    assert {c.replace("_", "-") for c in checks} == POLICY_IDS
    for rule in (RULES[i] for i in sorted(POLICY_IDS)):
        page = PACKAGE_DOCS / rule.doc.removeprefix("docs/")  # shipped in the package
        assert page.is_file(), rule.id
        text = page.read_text(encoding="utf-8")
        assert rule.id in text and "```yaml" in text, rule.id


def test_shipped_records_pass_every_policy_at_default_severity() -> None:
    found = load_decisions(REPO / "decisions", TODAY).findings
    assert [f.format() for f in found if f.rule in POLICY_IDS] == []


def test_a_waived_finding_does_not_read_its_file_again(make_decisions: MakeDecisions,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Placing a finding composes its file again; one the record waives is never shown."""
    record = _apply(("  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n",
                     ""))
    waived = record + "waivers:\n  - rule: exit-plan\n    reason: We would never leave.\n"
    root = make_decisions({"0001-buy-paging.yaml": waived, "0002-buy-paging.yaml": record})
    placed: list[Path] = []
    real = Locator._node

    def node(self: Locator, loc: Loc, key: bool) -> Any:
        placed.append(self.path)
        return real(self, loc, key)

    monkeypatch.setattr(Locator, "_node", node)
    found = load_decisions(root, TODAY).findings
    assert [(Path(f.path).name, f.rule) for f in found] == [("0002-buy-paging.yaml", "exit-plan")]
    assert {p.name for p in placed} == {"0002-buy-paging.yaml"}


@pytest.mark.parametrize(("waivers", "expected"), [
    ("waivers:\n  - rule: exit-plan\n    reason: We would never leave.\n", []),
    ("waivers:\n  - rule: review-due\n    reason: Wrong rule.\n", [("exit-plan", "error")]),
    ("waivers:\n  - rule: exit-plans\n    reason: Typo.\n",
     [("exit-plan", "error"), ("waiver", "error")]),
    ("waivers:\n  - rule: schema\n    reason: Not waivable.\n",
     [("exit-plan", "error"), ("waiver", "error")]),
], ids=["waived", "other-rule", "unknown-rule", "fixed-rule"])
def test_a_record_can_waive_a_rule_with_a_reason(
        make_decisions: MakeDecisions, waivers: str, expected: list[tuple[str, str]]) -> None:
    record = _apply(("  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n",
                     "")) + waivers
    root = make_decisions({"0001-buy-paging.yaml": record})
    found = load_decisions(root, TODAY).findings
    assert [(f.rule, f.severity) for f in found] == expected
    if ("waiver", "error") in expected:
        (waiver,) = [f for f in found if f.rule == "waiver"]
        assert waiver.field == "waivers[0].rule"
        assert "did you mean 'exit-plan'?" in waiver.message or "cannot be waived" in (
            waiver.message)

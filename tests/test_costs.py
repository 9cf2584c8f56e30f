"""Cost of ownership and weighted scores: the arithmetic against figures worked out by hand,
the fragile-winner check on constructed close and clear cases, the findings, the bad figures
and `decisions costs` (its JSON shape and its Markdown)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from conftest import CONFIG, REPO, TODAY, VALID_RECORD, MakeDecisions, run_cli, variant
from decision_records.costs import (
    Flip,
    Rates,
    break_even,
    money,
    ownership,
    percent,
    quantity,
    rank,
)
from decision_records.loader import ConfigError, load_decisions
from decision_records.model import Option, Record

RATES = Rates.of(4000, 100, 3, 0.2)
COSTS = "costs:\n  person_week: 4000\n  run_hour: 100\n  horizon_years: 3\n  build_upkeep: 0.2\n"


def _option(cost: dict[str, Any] | None, approach: str = "buy") -> Option:
    data: dict[str, Any] = {"name": "X", "approach": approach, "summary": "An option."}
    if cost is not None:
        data["cost"] = cost
    return Option.model_validate(data)


# (case, cost, rates, parts (one_off, build, upkeep, licence, run) or None, per year, complete)
ARITHMETIC = [
    ("decision 0005's managed database, 3 years",
     {"licence_per_year": 42000, "build_person_weeks": 4, "run_hours_per_month": 6}, RATES,
     ("0", "16000", "6400", "126000", "21600"), ["65200", "117600", "170000"], True),
    ("the self-run database beside it",
     {"licence_per_year": 20000, "build_person_weeks": 8, "run_hours_per_month": 25}, RATES,
     ("0", "32000", "12800", "60000", "90000"), ["82000", "138400", "194800"], True),
    ("one-off fees and cents",
     {"one_off": 5000, "licence_per_year": 1200.5, "build_person_weeks": 0.5,
      "run_hours_per_month": 1.5}, RATES,
     ("5000", "2000", "800", "3601.5", "5400"), ["10000.5", "13401.0", "16801.5"], True),
    ("a horizon of 1: no upkeep",
     {"licence_per_year": 42000, "build_person_weeks": 4, "run_hours_per_month": 6},
     RATES.over(1), ("0", "16000", "0", "42000", "7200"), ["65200"], True),
    ("twenty years",
     {"licence_per_year": 1000, "build_person_weeks": 1, "run_hours_per_month": 1},
     RATES.over(20), ("0", "4000", "15200", "20000", "24000"),
     [str(6200 + 3000 * k) for k in range(20)], True),
    ("a figure left out counts as 0 and is incomplete",
     {"build_person_weeks": 10}, RATES, ("0", "40000", "16000", "0", "0"),
     ["40000", "48000", "56000"], False),
    ("zeros written are complete",
     {"licence_per_year": 0, "build_person_weeks": 0, "run_hours_per_month": 0}, RATES,
     ("0", "0", "0", "0", "0"), ["0", "0", "0"], True),
    ("decimals stay exact: 0.1 a year for 3 years is 0.3",
     {"licence_per_year": 0.1, "build_person_weeks": 0.1, "run_hours_per_month": 0.1},
     Rates.of(0.7, 0.3, 3, 0.1), ("0", "0.07", "0.014", "0.3", "1.08"),
     ["0.53", "0.997", "1.464"], True),
]


@pytest.mark.parametrize(("cost", "rates", "parts", "per_year", "complete"),
                         [c[1:] for c in ARITHMETIC], ids=[c[0] for c in ARITHMETIC])
def test_cost_of_ownership_matches_the_hand_computed_sum(
        cost: dict[str, Any], rates: Rates, parts: tuple[str, ...], per_year: list[str],
        complete: bool) -> None:
    own = ownership(_option(cost), rates)
    assert own.parts is not None
    got = (own.parts.one_off, own.parts.build, own.parts.upkeep, own.parts.licence,
           own.parts.run)
    assert got == tuple(Decimal(p) for p in parts)
    assert own.tco == sum((Decimal(p) for p in parts), Decimal(0)) == Decimal(per_year[-1])
    assert list(own.per_year) == [Decimal(v) for v in per_year]
    assert own.complete is complete and own.costed


@pytest.mark.parametrize(("cost", "why"), [
    (None, "no cost at all"),
    ({"notes": "Ask the vendor."}, "notes without a figure"),
])
def test_an_option_without_figures_is_not_costed_never_free(
        cost: dict[str, Any] | None, why: str) -> None:
    own = ownership(_option(cost), RATES)
    assert (own.costed, own.tco, own.per_year, own.complete) == (False, None, (), False), why


def test_without_rates_figures_are_kept_and_nothing_is_priced() -> None:
    own = ownership(_option({"licence_per_year": 42000, "build_person_weeks": 4,
                             "run_hours_per_month": 6}), None)
    assert own.costed and own.complete and own.parts is None and own.tco is None
    assert own.figures is not None and own.figures.licence_per_year == Decimal(42000)


@pytest.mark.parametrize(("a", "b", "year"), [
    ([10, 20, 30], [15, 18, 21], 2),  # a cheaper after year 1, dearer from year 2
    ([15, 18, 21], [10, 20, 30], 2),  # the same pair the other way round
    ([10, 15, 20], [12, 15, 18], 2),  # equal at the end of year 2: that is break-even
    ([10, 20, 30], [11, 21, 31], None),  # parallel: they never cross
    ([10, 20, 30], [10, 15, 20], None),  # equal at year 1, then apart: no crossing
    ([10, 20, 30], [20, 24, 28], 3),
    ([10, 20, 30], [30, 32, 34], None),  # the dearer start is never caught up
    ([5], [6], None),  # one year: nothing to cross
])
def test_break_even_is_the_first_year_end_where_the_order_flips(
        a: list[int], b: list[int], year: int | None) -> None:
    assert break_even([Decimal(x) for x in a], [Decimal(x) for x in b]) == year


@pytest.mark.parametrize(("value", "money_text", "quantity_text"), [
    ("12400", "12,400", "12,400"), ("12400.5", "12,400.50", "12,400.5"),
    ("0.005", "0.01", "0.005"), ("1E+16", "10,000,000,000,000,000", "10,000,000,000,000,000"),
    ("0", "0", "0"), ("4.0", "4", "4"),
])
def test_figures_are_shown_to_the_cent(value: str, money_text: str, quantity_text: str) -> None:
    assert money(Decimal(value)) == money_text
    assert quantity(Decimal(value)) == quantity_text


# --- weighted drivers and the fragile-winner check ---------------------------------------


def _record(weights: dict[str, int], scores: dict[str, dict[str, int]]) -> Record:
    return Record.model_validate({
        "title": "A choice", "status": "accepted", "date": "2026-01-01", "team": "platform",
        "deciders": ["Ada"], "category": "alerting", "context": "Why.",
        "drivers": ["Plain text", *({"name": n, "weight": w} for n, w in weights.items())],
        "options": [{"name": name, "approach": "buy", "summary": "An option.",
                     "scores": s} for name, s in scores.items()],
        "decision": {"chosen": next(iter(scores)), "rationale": "Because."},
    })


# (case, weights, scores by option, order with percents, close, flip sentence or None)
SENSITIVITY = [
    ("clear: far ahead, and no single change flips it", {"A": 3, "B": 2},
     {"X": {"A": 5, "B": 5}, "Y": {"A": 2, "B": 2}}, [("X", "100.0 %"), ("Y", "40.0 %")],
     False, None),
    ("close but firm: 7.4 points, no single change flips it (decision 0014)",
     {"T": 5, "L": 4, "R": 3, "I": 2, "X": 2, "C": 3},
     {"OpenSearch": {"T": 5, "L": 5, "R": 3, "I": 5, "X": 5, "C": 3},
      "PostgreSQL": {"T": 2, "L": 3, "R": 1, "I": 5, "X": 5, "C": 5},
      "Algolia": {"T": 5, "L": 5, "R": 5, "I": 4, "X": 1, "C": 2}},
     [("OpenSearch", "87.4 %"), ("Algolia", "80.0 %"), ("PostgreSQL", "63.2 %")], True, None),
    ("13.3 points ahead, but raising one score overtakes", {"A": 5, "B": 1},
     {"X": {"A": 5, "B": 1}, "Y": {"A": 4, "B": 2}}, [("X", "86.7 %"), ("Y", "73.3 %")],
     False, "raising Y's score for 'A' from 4 to 5 makes Y the winner"),
    ("13.3 points ahead, but lowering the winner's score hands it over", {"A": 5, "B": 1},
     {"X": {"A": 5, "B": 5}, "Y": {"A": 5, "B": 1}}, [("X", "100.0 %"), ("Y", "86.7 %")],
     False, "lowering X's score for 'A' from 5 to 4 makes Y the winner"),
    ("one change only levels them", {"A": 5, "B": 1},
     {"X": {"A": 5, "B": 0}, "Y": {"A": 4, "B": 0}}, [("X", "83.3 %"), ("Y", "66.7 %")],
     False, "raising Y's score for 'A' from 4 to 5 makes Y tie with the winner"),
    ("level at the top", {"A": 1},
     {"X": {"A": 3}, "Y": {"A": 3}}, [("X", "60.0 %"), ("Y", "60.0 %")], True,
     "raising Y's score for 'A' from 3 to 4 makes Y the winner"),
    ("a missing score counts as 0 and is never changed", {"A": 5, "B": 5},
     {"X": {"A": 5, "B": 5}, "Y": {"A": 5}}, [("X", "100.0 %"), ("Y", "50.0 %")],
     False, None),
    ("halves round up when shown", {"A": 4, "B": 4},
     {"X": {"A": 5, "B": 5}, "Y": {"A": 5, "B": 1}, "Z": {"A": 1, "B": 2}},
     [("X", "100.0 %"), ("Y", "60.0 %"), ("Z", "30.0 %")], False, None),
]


@pytest.mark.parametrize(("weights", "scores", "order", "close", "flip"),
                         [c[1:] for c in SENSITIVITY], ids=[c[0] for c in SENSITIVITY])
def test_the_fragile_winner_check(weights: dict[str, int], scores: dict[str, dict[str, int]],
                                  order: list[tuple[str, str]], close: bool,
                                  flip: str | None) -> None:
    ranking = rank(_record(weights, scores))
    assert ranking is not None
    assert [(s.name, percent(ranking.percent(s))) for s in ranking.order] == order
    assert ranking.close is close
    found = ranking.flip
    assert (found.sentence() if found else None) == flip
    assert ranking.fragile is (close or flip is not None)


def test_a_flip_found_is_a_real_flip() -> None:
    """Apply the change the check names and rank again: the winner really changes."""
    weights = {"A": 5, "B": 1}
    scores = {"X": {"A": 5, "B": 1}, "Y": {"A": 4, "B": 2}}
    ranking = rank(_record(weights, scores))
    assert ranking is not None
    flip = ranking.flip
    assert flip == Flip("Y", "A", 4, 5, "Y", False)
    scores[flip.option][flip.driver] = flip.after
    again = rank(_record(weights, scores))
    assert again is not None and again.leaders == ["Y"]


def test_percent_is_exact() -> None:
    ranking = rank(_record({"A": 3}, {"X": {"A": 1}, "Y": {"A": 0}}))
    assert ranking is not None
    assert ranking.percent(ranking.options[0]) == Fraction(20)
    assert percent(Fraction(265, 4)) == "66.3 %"  # 66.25: half up, not half to even


@pytest.mark.parametrize(("weights", "scores"), [
    ({}, {"X": {}, "Y": {}}),  # no weighted driver
    ({"A": 3}, {"X": {}, "Y": {}}),  # weights, but nothing scored
])
def test_no_ranking_without_weights_and_scores(weights: dict[str, int],
                                               scores: dict[str, dict[str, int]]) -> None:
    assert rank(_record(weights, scores)) is None


# --- findings in files ---------------------------------------------------------------------

WEIGHTED = ("drivers:\n  - Time to value\n  - Operating load\n",
            "drivers:\n  - Time to value\n  - name: Operating load\n    weight: 4\n"
            "  - {name: Cost over three years, weight: 2}\n")
# scores go after each option's innovation_tokens line
PD_TOKENS = "      notes: Twenty seats.\n    innovation_tokens: 0\n"
OWN_TOKENS = "      - npm:react\n    innovation_tokens: 1\n"


def _scored(pd: str, own: str) -> tuple[tuple[str, str], ...]:
    return (WEIGHTED, (PD_TOKENS, PD_TOKENS + f"    scores: {{{pd}}}\n"),
            (OWN_TOKENS, OWN_TOKENS + f"    scores: {{{own}}}\n"))


def _apply(*changes: tuple[str, str]) -> str:
    text = VALID_RECORD
    for old, new in changes:
        text = variant(old, new, text)
    return text


CHOOSE_BUILD = ("  chosen: PagerDuty\n", "  chosen: Build our own\n")
OWN_COST = (OWN_TOKENS, "      - npm:react\n    cost:\n      licence_per_year: 500\n"
            "      build_person_weeks: 20\n      run_hours_per_month: 10\n"
            "    innovation_tokens: 1\n")
WHY_NOT_BUY = ("  exit_plan: Schedules export as iCal and alerts are plain webhooks.\n",
               "  why_not_buy: No product pages through our radio network.\n")
CORE = ("core: false\n", "core: true\n")
NUMBER_RULES = {"driver-score", "scores-incomplete", "chosen-not-top-scored", "fragile-winner",
                "not-costed", "buy-before-build"}

# (case, changes, with costs: in config.yaml, findings (rule, line, col, message))
FINDINGS: list[tuple[str, list[tuple[str, str]], bool, list[tuple[str, int, int, str]]]] = [
    ("clear winner, chosen: nothing", list(_scored(
        "Operating load: 5, Cost over three years: 4", "Operating load: 1, Cost over three "
        "years: 2")), True, []),
    ("the chosen option scores lower", [*_scored(
        "Operating load: 1, Cost over three years: 1",
        "Operating load: 5, Cost over three years: 5")], True,
     [("chosen-not-top-scored", 55, 11,
       "'PagerDuty' scores 20.0 % against the weighted drivers, 'Build our own' 100.0 %: say "
       "in the rationale why it is chosen all the same and waive this rule for the record, "
       "or correct the scores")]),
    ("a close call names how close and what flips it", [*_scored(
        "Operating load: 4, Cost over three years: 3",
        "Operating load: 4, Cost over three years: 2")], True,
     [("fragile-winner", 18, 1,
       "'PagerDuty' leads 'Build our own' by 6.7 points of 100 (73.3 % against 66.7 %), less "
       "than 10; raising Build our own's score for 'Operating load' from 4 to 5 makes Build "
       "our own the winner; check the weights and scores, and say in the rationale why the "
       "choice holds")]),
    ("a missing score", [*_scored("Operating load: 5", "Operating load: 1, Cost over three "
                                                        "years: 0")], True,
     [("scores-incomplete", 40, 5,
       "'PagerDuty' has no score for 'Cost over three years', which counts as 0; score it "
       "from 0 to 5 against every weighted driver")]),
    ("a score for a driver the record does not list", [*_scored(
        "Operating load: 5, Cost over three years: 4, Cost: 3",
        "Operating load: 1, Cost over three years: 0")], True,
     [("driver-score", 40, 65,
       "'Cost' is not a weighted driver of this record (they are 'Cost over three years', "
       "'Operating load')")]),
    ("a score for a driver without a weight", [*_scored(
        "Operating load: 5, Cost over three years: 4, Time to value: 3",
        "Operating load: 1, Cost over three years: 0")], True,
     [("driver-score", 40, 74,
       "'Time to value' is a driver without a weight: write it as {name: ..., weight: 1 to "
       "5} to score options against it")]),
    ("a weighted driver listed twice", [(WEIGHTED[0], WEIGHTED[1] + "  - name: Operating load\n"
                                         "    weight: 1\n")], True,
     [("driver-score", 23, 11,
       "'Operating load' is listed twice as a weighted driver; give each a name of its own")]),
    ("an accepted build option without figures", [CHOOSE_BUILD, WHY_NOT_BUY], True,
     [("not-costed", 38, 11,
       "'Build our own' is built but gives no cost figures: add its cost (licence_per_year, "
       "build_person_weeks, run_hours_per_month, and one_off where it applies) so its cost of "
       "ownership can be counted")]),
    ("no costs: section, no cost rule", [CHOOSE_BUILD, WHY_NOT_BUY], False, []),
    ("a proposal without figures is not reported",
     [CHOOSE_BUILD, WHY_NOT_BUY, ("status: accepted\n", "status: proposed\n"),
      ("on_call: platform-primary\n", "")], True, []),
    ("building what is not core names the cheaper product", [CHOOSE_BUILD, OWN_COST], True,
     [("buy-before-build", 55, 11,
       "'Build our own' builds a capability that is not core; 'PagerDuty' (buy) costs "
       "100,700 USD less over 3 years: say in decision.why_not_buy why no product can be "
       "bought or adopted")]),
    ("building a core capability while a product costs less",
     [CHOOSE_BUILD, OWN_COST, CORE], True,
     [("buy-before-build", 55, 11,
       "'Build our own' is built; 'PagerDuty' (buy) costs 100,700 USD less over 3 years: say "
       "in decision.why_not_buy why the product will not do")]),
    ("a core build that says why not buy", [CHOOSE_BUILD, OWN_COST, CORE, WHY_NOT_BUY], True,
     []),
    ("a core build without costs: in config.yaml", [CHOOSE_BUILD, OWN_COST, CORE], False, []),
    ("a core build that is cheaper", [CHOOSE_BUILD, CORE, (
        OWN_TOKENS, "      - npm:react\n    cost:\n      licence_per_year: 0\n"
        "      build_person_weeks: 1\n      run_hours_per_month: 1\n    innovation_tokens: 1\n")],
     True, []),
]


@pytest.mark.parametrize(("changes", "costs", "expected"), [c[1:] for c in FINDINGS],
                         ids=[c[0] for c in FINDINGS])
def test_findings_about_the_numbers(make_decisions: MakeDecisions,
                                    changes: list[tuple[str, str]], costs: bool,
                                    expected: list[tuple[str, int, int, str]]) -> None:
    root = make_decisions({"0001-buy-paging.yaml": _apply(*changes)},
                          config=CONFIG + (COSTS if costs else ""))
    found = load_decisions(root, TODAY).findings
    assert [f for f in found if f.rule not in NUMBER_RULES] == []
    assert [(f.rule, f.line, f.col, f.message) for f in found] == expected


# --- bad figures: an error at path:line:col each, never a traceback or a silent zero ----------

BAD_RECORD = [
    ("negative", ("licence_per_year: 12000", "licence_per_year: -1"), 33, 25,
     "options[0].cost.licence_per_year: Input should be greater than or equal to 0 (got -1)"),
    ("not a number", ("licence_per_year: 12000", "licence_per_year: .nan"), 33, 25,
     "options[0].cost.licence_per_year: Input should be a finite number (got nan)"),
    ("infinite", ("build_person_weeks: 1", "build_person_weeks: .inf"), 34, 27,
     "options[0].cost.build_person_weeks: Input should be a finite number (got inf)"),
    ("minus infinite", ("run_hours_per_month: 2", "run_hours_per_month: -.Inf"), 35, 28,
     "options[0].cost.run_hours_per_month: Input should be a finite number (got -inf)"),
    ("huge", ("licence_per_year: 12000", "licence_per_year: 1.0e+13"), 33, 25,
     "options[0].cost.licence_per_year: Input should be less than or equal to 1000000000000 "
     "(got 10000000000000.0)"),
    ("huge integer", ("build_person_weeks: 1", "build_person_weeks: " + "9" * 40), 34, 27,
     "options[0].cost.build_person_weeks: Input should be less than or equal to 100000 (got "
     "9999999999999999999999999999999999999999)"),
    ("a boolean", ("run_hours_per_month: 2", "run_hours_per_month: yes"), 35, 28,
     "options[0].cost.run_hours_per_month: expected a number, but YAML reads this as true "
     "(yes, no, on, off, true and false are booleans); write the figure"),
    ("a negative one-off", ("      notes: Twenty seats.", "      one_off: -5"), 36, 16,
     "options[0].cost.one_off: Input should be greater than or equal to 0 (got -5)"),
    ("weight 0", (*WEIGHTED[:1], "drivers:\n  - {name: Cost, weight: 0}\n"), 19, 26,
     "drivers[0].weight: Input should be greater than or equal to 1 (got 0)"),
    ("weight 6", (*WEIGHTED[:1], "drivers:\n  - {name: Cost, weight: 6}\n"), 19, 26,
     "drivers[0].weight: Input should be less than or equal to 5 (got 6)"),
    ("a fractional weight", (*WEIGHTED[:1], "drivers:\n  - {name: Cost, weight: 2.5}\n"), 19,
     26, "drivers[0].weight: Input should be a valid integer (got 2.5)"),
    ("a boolean weight", (*WEIGHTED[:1], "drivers:\n  - {name: Cost, weight: on}\n"), 19, 26,
     "drivers[0].weight: expected a number, but YAML reads this as true (yes, no, on, off, "
     "true and false are booleans); write the figure"),
    ("a driver of neither form", (*WEIGHTED[:1], "drivers:\n  - [Cost, 3]\n"), 19, 5,
     "drivers[0]: a driver is a line of text, or a mapping {name: ..., weight: 1 to 5}"),
    ("a weighted driver without a weight", (*WEIGHTED[:1], "drivers:\n  - {name: Cost}\n"),
     19, 5, "drivers[0].weight: missing required field 'weight'"),
    ("score 6", (PD_TOKENS, PD_TOKENS + "    scores: {Operating load: 6}\n"), 38, 30,
     "options[0].scores.Operating load: Input should be less than or equal to 5 (got 6)"),
    ("score -1", (PD_TOKENS, PD_TOKENS + "    scores: {Operating load: -1}\n"), 38, 30,
     "options[0].scores.Operating load: Input should be greater than or equal to 0 (got -1)"),
]


@pytest.mark.parametrize(("change", "line", "col", "message"), [c[1:] for c in BAD_RECORD],
                         ids=[c[0] for c in BAD_RECORD])
def test_a_bad_figure_is_an_error_at_its_place(make_decisions: MakeDecisions,
                                               change: tuple[str, str], line: int, col: int,
                                               message: str) -> None:
    root = make_decisions({"0001-buy-paging.yaml": variant(*change)},
                          config=CONFIG + COSTS)
    (finding,) = load_decisions(root, TODAY).findings
    assert (finding.severity, finding.rule, finding.line, finding.col) == (
        "error", "schema", line, col)
    assert finding.format().split(": ", 2)[2] == message + " [schema]"


BAD_CONFIG = [
    ("horizon 0", "horizon_years: 0", 14, 18,
     "costs.horizon_years: Input should be greater than or equal to 1 (got 0)"),
    ("horizon 21", "horizon_years: 21", 14, 18,
     "costs.horizon_years: Input should be less than or equal to 20 (got 21)"),
    ("horizon 2.5", "horizon_years: 2.5", 14, 18,
     "costs.horizon_years: Input should be a valid integer (got 2.5)"),
    ("a negative rate", "run_hour: -100", 13, 13,
     "costs.run_hour: Input should be greater than or equal to 0 (got -100)"),
    ("an infinite rate", "run_hour: .inf", 13, 13,
     "costs.run_hour: Input should be a finite number (got inf)"),
    ("upkeep over 1", "build_upkeep: 1.5", 14, 17,
     "costs.build_upkeep: Input should be less than or equal to 1 (got 1.5)"),
    ("a boolean rate", "run_hour: off", 13, 13,
     "costs.run_hour: expected a number, but YAML reads this as false (yes, no, on, off, true "
     "and false are booleans); write the figure"),
    ("rates missing", None, 11, 1, "costs.person_week: missing required field 'person_week'"),
]


@pytest.mark.parametrize(("line_text", "line", "col", "message"), [c[1:] for c in BAD_CONFIG],
                         ids=[c[0] for c in BAD_CONFIG])
def test_a_bad_rate_is_a_config_error_at_its_place(make_decisions: MakeDecisions,
                                                   line_text: str | None, line: int, col: int,
                                                   message: str) -> None:
    lines = ["person_week: 4000", "run_hour: 100"]
    if line_text is None:
        lines = lines[1:]
    elif line_text.startswith("run_hour:"):
        lines[1] = line_text
    else:
        lines.append(line_text)
    costs = "costs:\n" + "".join(f"  {line}\n" for line in lines)
    root = make_decisions({"0001-buy-paging.yaml": VALID_RECORD}, config=CONFIG + costs)
    with pytest.raises(ConfigError) as caught:
        load_decisions(root, TODAY)
    (finding,) = caught.value.findings
    assert (finding.rule, finding.line, finding.col) == ("config", line, col)
    assert finding.format().split(": ", 2)[2] == message + " [config]"
    result = run_cli("costs", cwd=root.parent)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


# --- decisions costs -------------------------------------------------------------------------

BUILD_CHOSEN = _apply(CHOOSE_BUILD, WHY_NOT_BUY, OWN_COST,
                      ("title: Buy a paging service\n", "title: Build a pager\n"))
PROPOSED = _apply(("status: accepted\n", "status: proposed\n"),
                  ("team: platform\n", "team: commerce\n"))


def _folder(make_decisions: MakeDecisions, costs: str = COSTS) -> Path:
    return make_decisions({"0001-buy-paging.yaml": VALID_RECORD,
                           "0002-build-a-pager.yaml": BUILD_CHOSEN,
                           "0003-propose-paging.yaml": PROPOSED}, config=CONFIG + costs)


PD = {"name": "PagerDuty", "approach": "buy", "tco": 48800,
      "per_year": [18400, 33600, 48800], "complete": True}
OWN: dict[str, object] = {"name": "Build our own", "approach": "build", "tco": None, "per_year": [],
       "complete": False}
OWN_PRICED = {"name": "Build our own", "approach": "build", "tco": 149500,
              "per_year": [92500, 121000, 149500], "complete": True}


def test_costs_json_has_the_shape_other_tools_rely_on(make_decisions: MakeDecisions) -> None:
    root = _folder(make_decisions)
    result = run_cli("costs", "--format", "json", cwd=root.parent)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "currency": "USD", "horizon_years": 3,
        "records": [
            {"id": "0001-buy-paging", "team": "platform", "status": "accepted",
             "means": "accepted", "chosen": "PagerDuty", "cheapest": "PagerDuty",
             "options": [PD, OWN]},
            {"id": "0002-build-a-pager", "team": "platform", "status": "accepted",
             "means": "accepted", "chosen": "Build our own", "cheapest": "PagerDuty",
             "options": [PD, OWN_PRICED]},
            {"id": "0003-propose-paging", "team": "commerce", "status": "proposed",
             "means": "proposed", "chosen": "PagerDuty", "cheapest": "PagerDuty",
             "options": [PD, OWN]},
        ],
        # the chosen options of the accepted records: PagerDuty and the pager built
        "teams": [
            {"team": "commerce", "licence_per_year": 0, "build_person_weeks": 0,
             "run_hours_per_month": 0, "tco": 0},
            {"team": "platform", "licence_per_year": 12500, "build_person_weeks": 21,
             "run_hours_per_month": 12, "tco": 198300},
        ],
        "total": {"licence_per_year": 12500, "build_person_weeks": 21,
                  "run_hours_per_month": 12, "tco": 198300},
    }
    assert result.stderr == ""


def test_costs_json_over_one_year_for_one_team(make_decisions: MakeDecisions) -> None:
    root = _folder(make_decisions)
    result = run_cli("costs", "--format", "json", "--horizon", "1", "--team", "platform",
                     cwd=root.parent)
    data = json.loads(result.stdout)
    assert data["horizon_years"] == 1
    assert [r["id"] for r in data["records"]] == ["0001-buy-paging", "0002-build-a-pager"]
    assert data["records"][1]["options"][1] == {**OWN_PRICED, "tco": 92500,
                                                "per_year": [92500]}
    assert data["teams"] == [{"team": "platform", "licence_per_year": 12500,
                              "build_person_weeks": 21, "run_hours_per_month": 12,
                              "tco": 18400 + 92500}]


def test_costs_without_a_costs_section_sums_figures_and_prices_nothing(
        make_decisions: MakeDecisions) -> None:
    root = _folder(make_decisions, costs="")
    result = run_cli("costs", "--format", "json", cwd=root.parent)
    data = json.loads(result.stdout)
    assert data["horizon_years"] == 3
    assert data["records"][1]["options"] == [
        {**PD, "tco": None, "per_year": []}, {**OWN_PRICED, "tco": None, "per_year": []}]
    assert data["total"] == {"licence_per_year": 12500, "build_person_weeks": 21,
                             "run_hours_per_month": 12, "tco": None}
    assert "no costs: section" in result.stderr


def test_costs_markdown(make_decisions: MakeDecisions) -> None:
    root = _folder(make_decisions)
    result = run_cli("costs", "--format", "markdown", cwd=root.parent)
    assert result.stdout == """\
Cost of ownership over 3 years, in USD (person-week 4,000 USD, run hour 100 USD, build upkeep \
0.2 of the build a year after the first), of the chosen options of accepted records:

| Team | Licence a year | Build person-weeks | Run hours a month | Cost over 3 years |
|---|--:|--:|--:|--:|
| commerce | 0 | 0 | 0 | 0 |
| platform | 12,500 | 21 | 12 | 198,300 |
| **Total** | 12,500 | 21 | 12 | 198,300 |

<details><summary>Records behind the figures</summary>

| Record | Status | Chosen | Over 3 years | Cheapest | Chosen costs more by |
|---|---|---|--:|---|--:|
| 0001 Buy a paging service | accepted | PagerDuty | 48,800 | PagerDuty | 0 |
| 0002 Build a pager | accepted | Build our own | 149,500 | PagerDuty | 100,700 |
| 0003 Buy a paging service | proposed | PagerDuty | 48,800 | PagerDuty | 0 |

</details>
"""


def test_costs_text(make_decisions: MakeDecisions) -> None:
    root = _folder(make_decisions)
    result = run_cli("costs", cwd=root.parent)
    assert result.returncode == 0
    assert """\
0002-build-a-pager (accepted, team platform)
    buy           48,800  PagerDuty
  * build        149,500  Build our own
    The chosen option costs 100,700 USD more than the cheapest, PagerDuty, over 3 years.
""" in result.stdout
    assert "    build     not costed  Build our own\n" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--horizon", "0"], "--horizon must be 1 to 20 years, not 0"),
    (["--horizon", "21"], "--horizon must be 1 to 20 years, not 21"),
    (["--team", "nobody"], "no team 'nobody'; teams: commerce, platform"),
])
def test_costs_usage_errors_exit_2(make_decisions: MakeDecisions, args: list[str],
                                   message: str) -> None:
    root = _folder(make_decisions)
    result = run_cli("costs", *args, cwd=root.parent)
    assert result.returncode == 2 and message in result.stderr


# --- the rules' pages show what validate prints ---------------------------------------------

PAGE_EXAMPLES = {  # rule page -> the case of FINDINGS its "Fails" example comes from
    "scores-incomplete": "a missing score",
    "chosen-not-top-scored": "the chosen option scores lower",
    "fragile-winner": "a close call names how close and what flips it",
    "not-costed": "an accepted build option without figures",
    "buy-before-build": "building what is not core names the cheaper product",
}


@pytest.mark.parametrize("rule", sorted(PAGE_EXAMPLES))
def test_each_rule_page_shows_the_line_validate_prints(make_decisions: MakeDecisions,
                                                       rule: str) -> None:
    changes, costs = next((c[1], c[2]) for c in FINDINGS if c[0] == PAGE_EXAMPLES[rule])
    root = make_decisions({"0018-page-the-on-call-engineer.yaml": _apply(*changes)},
                          config=CONFIG + (COSTS if costs else ""))
    result = run_cli("validate", cwd=root.parent)
    (line,) = [x for x in result.stdout.splitlines() if x.endswith(f"[{rule}]")]
    page = REPO / "src" / "decision_records" / "docs" / "rules" / f"{rule}.md"
    assert line in page.read_text(encoding="utf-8"), line

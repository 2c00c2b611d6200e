"""Clinical invariants that are not a phrase: each a small function over one rendered scenario.

Each invariant says in one line what must hold, applies to some scenarios (counted in the report),
and returns "" when it holds or what is wrong. Phrase rules live in phrases.csv; the guideline's
minimum levels for combinations in level_floors.csv; the words for each item in item_words.csv.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from backcare_nb import Scenario, build_plan
from backcare_nb.content import LEVELS
from backcare_nb.quiz import ASSESSMENT_FIRST, ASSESSMENT_FIRST_RANK, BED_REST, ITEMS, NONE_OF_THESE, questions_for

from .space import Rendered

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Invariant:
    id: str
    says: str
    applies: Callable[[Rendered], bool]
    check: Callable[[Rendered], str]


INVARIANTS: list[Invariant] = []


def invariant(says: str, applies: Callable[[Rendered], bool] = lambda rendered: True):
    def register(check: Callable[[Rendered], str]) -> Callable[[Rendered], str]:
        INVARIANTS.append(Invariant(check.__name__, says, applies, check))
        return check

    return register


def rank(level: str) -> int:
    return LEVELS.index(level)


def _first(problems) -> str:
    return next((problem for problem in problems if problem), "")


# --- the plan itself ---------------------------------------------------------------------------------


@invariant("Bed rest is never advised: it appears only in the avoid category, never as something to do")
def bed_rest_never_advised(rendered: Rendered) -> str:
    for item in rendered.plan.items:
        if item.id == BED_REST and (item.category != "avoid" or item.id in rendered.patient_items("what-to-do")):
            return "bed rest offered as something to do"
    return ""


@invariant(
    "Only the emergency replaces the self-care plan, and then nothing but the emergency is shown",
    lambda rendered: rendered.plan.gate.replaces_plan,
)
def emergency_replaces_the_plan(rendered: Rendered) -> str:
    plan = rendered.plan
    if plan.item_ids != (f"gate_{plan.gate.level}",) or plan.takeaways or plan.related:
        return f"emergency plan also shows {plan.item_ids}"
    if [item["id"] for item in rendered.json["items"]] != [f"gate_{plan.gate.level}"]:
        return "the JSON lists self-care items at an emergency"
    return ""


@invariant(
    "Printed reasons come only from the rules at the winning level, so none contradicts it",
    lambda rendered: rendered.plan.gate.level != "clear",
)
def reasons_fit_the_level(rendered: Rendered) -> str:
    gate = rendered.plan.gate
    rules = {row["id"]: row for row in rendered.content.records["concern_rules"]}
    if not gate.reasons or len(gate.reasons) != len(gate.rule_ids):
        return "a level without its reasons"
    lower = [rule_id for rule_id in gate.rule_ids if rules[rule_id]["level"] != gate.level]
    return f"reasons from lower rules {lower}" if lower else ""


@invariant(
    "Adding a red flag never lowers the level: a pair is at least as high as each flag alone",
    lambda rendered: len(rendered.scenario.red_flags) == 2,
)
def levels_never_fall(rendered: Rendered) -> str:
    scenario = rendered.scenario
    for flag in scenario.red_flags:
        alone = build_plan(
            Scenario(scenario.days_since_onset, scenario.episode, scenario.pain, (flag,), scenario.cautions),
            rendered.content,
        ).gate.level
        if rank(rendered.plan.gate.level) < rank(alone):
            return f"{flag} alone is {alone}, with another flag {rendered.plan.gate.level}"
    return ""


@cache
def _floors() -> tuple[dict, ...]:
    with (HERE / "level_floors.csv").open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


def _floors_for(rendered: Rendered) -> list[dict]:
    flags, cautions = set(rendered.scenario.red_flags), set(rendered.scenario.cautions)
    return [
        floor
        for floor in _floors()
        if set(floor["flags"].split(";")) <= flags and set(filter(None, floor["cautions"].split(";"))) <= cautions
    ]


@invariant(
    "Every combination in level_floors.csv reaches at least its guideline level, whatever else is ticked",
    lambda rendered: bool(_floors_for(rendered)),
)
def guideline_floors(rendered: Rendered) -> str:
    for floor in _floors_for(rendered):
        if rank(rendered.plan.gate.level) < rank(floor["at_least"]):
            return f"{floor['id']}: {rendered.plan.gate.level}, below {floor['at_least']} ({floor['source']})"
    return ""


def _nets_covering(rendered: Rendered, flag: str) -> list[dict]:
    cautions, flags = set(rendered.scenario.cautions), set(rendered.scenario.red_flags)
    return [
        net
        for net in rendered.content.records["safety_nets"]
        if flag in net["covers"]
        and (not net["when_caution"] or cautions.intersection(net["when_caution"]))
        and (not net["when_flag"] or flags.intersection(net["when_flag"]))
        and not cautions.intersection(net["unless_caution"])
        and not flags.intersection(net["unless_flag"])
    ]


@invariant(
    "No safety net tells the person to act faster for a sign they have than the plan's level does",
    lambda rendered: bool(rendered.scenario.red_flags),
)
def nets_never_outrun_the_level(rendered: Rendered) -> str:
    for flag in rendered.scenario.red_flags:
        for net in _nets_covering(rendered, flag):
            if rank(net["level"]) > rank(rendered.plan.gate.level):
                return f"net {net['id']} ({net['level']}) covers {flag}; the plan says {rendered.plan.gate.level}"
    return ""


def _conditioning_flags(content) -> set[str]:
    """Flags that decide whether a net is shown at all (a history of cancer, say)."""
    rows = content.records["safety_nets"]
    return {flag for row in rows for flag in (*row["when_flag"], *row["unless_flag"])}


@invariant(
    "Two-way: every net on the sheet that covers a sign the person has gives that sign's own urgency (the level "
    "of the sign alone, with the same cautions and the same history of cancer), so no sign gets two destinations",
    lambda rendered: bool(rendered.scenario.red_flags),
)
def each_sign_has_one_urgency(rendered: Rendered) -> str:
    scenario, content = rendered.scenario, rendered.content
    conditioning = _conditioning_flags(content) & set(scenario.red_flags)
    for flag in scenario.red_flags:
        alone = Scenario(
            scenario.days_since_onset, scenario.episode, scenario.pain, tuple({flag, *conditioning}), scenario.cautions
        )
        level = build_plan(alone, content).gate.level
        for net in _nets_covering(rendered, flag):
            if net["level"] != level:
                return f"net {net['id']} says {net['level']} for {flag}; that sign alone is {level}"
    return ""


@invariant("Every plan carries the cauda equina net first; pregnancy the maternity net; past cancer the cancer nets")
def nets_every_plan_needs(rendered: Rendered) -> str:
    ids = [net.id for net in rendered.plan.safety_nets]
    scenario = rendered.scenario
    if not ids or ids[0] != "cauda_equina":
        return f"nets {ids}"
    if any(caution.startswith("pregnancy") for caution in scenario.cautions) and "pregnancy" not in ids:
        return "pregnant without the maternity net"
    if "cancer_history" in scenario.red_flags and not {"cancer_now", "cancer_today"} <= set(ids):
        return "past cancer without the cancer team's nets"
    return ""


def _caution_effects(rendered: Rendered) -> dict[str, str]:
    """Item id -> the strongest effect the ticked cautions (alone or together) have on it."""
    content, ticked = rendered.content, set(rendered.scenario.cautions)
    strength = {"note": 0, "check_first": 1, "avoid": 2}
    rows = [row for row in content.records["cautions"] if row["id"] in ticked]
    rows += [
        row
        for row in content.records["caution_combinations"]
        if len(ticked.intersection(row["any_of"])) >= row["at_least"]
    ]
    effects: dict[str, str] = {}
    for item in rendered.plan.items:
        for row in rows:
            if row["applies_to"] not in (item.id, item.medicine):
                continue
            if item.id not in effects or strength[row["effect"]] > strength[effects[item.id]]:
                effects[item.id] = row["effect"]
    return effects


@invariant(
    "No item the cautions rule out is advised anywhere: plan, JSON and the patient's 'What to do'",
    lambda rendered: bool(rendered.scenario.cautions),
)
def cautions_rule_items_out(rendered: Rendered) -> str:
    statuses = {item["id"]: item["status"] for item in rendered.json["items"]}
    todo = rendered.patient_items("what-to-do")
    for item_id, effect in _caution_effects(rendered).items():
        item = rendered.plan.item(item_id)
        if effect == "avoid" and (item.status != "avoid" or statuses[item_id] != "avoid" or item_id in todo):
            return f"{item_id} is {item.status} despite a caution that rules it out"
        if effect == "check_first" and item.status == "advised":
            return f"{item_id} is advised without the check a caution asks for"
    return ""


@invariant(
    "The patient handout says what the plan says: every usable item under 'What to do', every item "
    "ruled out or held under 'Not for now', and nothing else"
)
def handout_matches_the_plan(rendered: Rendered) -> str:
    plan = rendered.plan
    if plan.gate.replaces_plan:
        return ""
    todo = set(rendered.patient_items("what-to-do"))
    not_now = set(rendered.patient_items("not-now"))
    gate_item = f"gate_{plan.gate.level}"
    for item in plan.items:
        if not item.for_patients or item.id == gate_item:
            if item.id in todo:
                return f"{item.id} (for the clinician) on the patient's sheet"
            continue
        if item.category == "outlook":
            continue
        if item.usable and item.category != "avoid" and item.id not in todo:
            return f"{item.id} is in the plan but not under 'What to do'"
        if not item.usable and item.id not in not_now:
            return f"{item.id} is {item.status} but not under 'Not for now'"
        if not item.usable and item.id in todo:
            return f"{item.id} is {item.status} but under 'What to do'"
    return ""


@invariant("The JSON says what the plan says: the same items in the same order with the same statuses and level")
def json_matches_the_plan(rendered: Rendered) -> str:
    data, plan = rendered.json, rendered.plan
    if [(item["id"], item["status"]) for item in data["items"]] != [(item.id, item.status) for item in plan.items]:
        return "items or statuses differ"
    if data["gate"]["level"] != plan.gate.level or data["gate"]["action"] != plan.gate.action:
        return "the level differs"
    return ""


@invariant(
    "Every exercise on the patient handout carries its stop rule",
    lambda rendered: any(item.category == "exercise" and item.usable for item in rendered.plan.items),
)
def exercises_have_a_stop_rule(rendered: Rendered) -> str:
    for item_id, words in rendered.patient_items("what-to-do").items():
        item = rendered.plan.item(item_id)
        if item.category == "exercise" and "stop and get advice" not in words.lower():
            return f"{item_id} has no stop rule on the handout"
    return ""


@cache
def _item_words() -> dict[str, re.Pattern[str]]:
    """Item id -> a pattern of the words that name it, whole words only ("ice" is not in "practice")."""
    with (HERE / "item_words.csv").open(encoding="utf-8", newline="") as file:
        return {
            row["item_id"]: re.compile("|".join(rf"\b{re.escape(word)}\b" for word in row["words"].split("|")))
            for row in csv.DictReader(file)
        }


@invariant("The level's words and the takeaways never name an item the plan does not give now")
def words_name_only_usable_items(rendered: Rendered) -> str:
    usable = rendered.plan.usable_ids()
    texts = [rendered.level_words, *(note.text for note in rendered.plan.takeaways)]
    for item_id, words in _item_words().items():
        if item_id in usable:
            continue
        for text in texts:
            if found := words.search(text.lower()):
                return f"{found.group()!r} named, but {item_id} is not usable: {text[:80]!r}"
    return ""


@invariant(
    "An item that waits (for the pain to come down, or while a sign such as sciatica is ticked) is in the plan "
    "only when it need not wait, and otherwise the plan says why it waits"
)
def waiting_items_wait(rendered: Rendered) -> str:
    scenario = rendered.scenario
    notes = {note.text for note in rendered.plan.warnings}
    for row in rendered.content.records["interventions"]:
        if row["pain_max"] is None and not row["waits_while"]:
            continue
        waits = (row["pain_max"] is not None and scenario.pain > row["pain_max"]) or bool(
            set(scenario.red_flags).intersection(row["waits_while"])
        )
        if waits and row["id"] in rendered.plan.item_ids:
            return f"{row['id']} shown although it waits (pain {scenario.pain}, flags {scenario.red_flags})"
        applies = (
            rendered.plan.stage.id in row["stages"]
            and scenario.episode in row["episodes"]
            and not rendered.plan.gate.replaces_plan
        )
        if applies and waits and row["wait_note"] not in notes:
            return f"{row['id']} waits without saying so"
    return ""


@invariant(
    "A ticked sign that needs more days of pain than the scenario has is pointed out",
    lambda rendered: bool(rendered.scenario.red_flags),
)
def day_contradictions_are_flagged(rendered: Rendered) -> str:
    flags = {row["id"]: row for row in rendered.content.records["red_flags"]}
    warnings = " ".join(note.text for note in rendered.plan.warnings)
    for flag in rendered.scenario.red_flags:
        minimum = flags[flag]["min_days"]
        if (
            minimum is not None
            and rendered.scenario.days_since_onset < minimum
            and flags[flag]["label"] not in warnings
        ):
            return f"{flag} needs {minimum} days; no warning on day {rendered.scenario.days_since_onset}"
    return ""


@invariant("Every source the plan cites is in its list of sources, and every item, note and net has an origin")
def every_statement_has_its_source(rendered: Rendered) -> str:
    plan = rendered.plan
    sources = {source.id for source in plan.sources}
    origins = [item.origin for item in plan.items]
    origins += [note.origin for item in plan.items for note in (*item.caution_notes, *item.alternatives)]
    origins += [origin for item in plan.items for origin in (item.stop_origin, item.safety_origin) if origin]
    origins += [note.origin for note in (*plan.takeaways, *plan.warnings, *plan.gate.reasons)]
    origins += [net.origin for net in plan.safety_nets]
    missing = [origin.source_id for origin in origins if origin.source_id not in sources]
    return f"{missing[0]} cited but not listed" if missing else ""


# --- the quiz -----------------------------------------------------------------------------------------


@invariant(
    "The quiz never marks right an item the plan rules out, holds or never advises, and from "
    "'within a week' up it asks for getting assessed first"
)
def quiz_rewards_only_the_plan(rendered: Rendered) -> str:
    plan = rendered.plan
    question = next(question for question in questions_for(plan, rendered.content) if question.id == ITEMS)
    usable = plan.usable_ids()
    for key in question.answer - {NONE_OF_THESE, ASSESSMENT_FIRST}:
        if key not in usable or key == BED_REST:
            status = plan.item(key).status if key in plan.item_ids else "absent"
            return f"quiz marks {key} right, but the plan has it as {status}"
    unscored = {row["id"] for row in rendered.content.records["interventions"] if row["quiz"] == "unscored"}
    listed = {option.key for option in question.options}
    if listed & unscored:
        return f"the prescription-only {sorted(listed & unscored)[0]} is on the checklist"
    for key in listed - question.answer:
        row = next((row for row in rendered.content.records["interventions"] if row["id"] == key), None)
        if row and row["quiz"] == "not_a_distractor" and key not in plan.item_ids:
            return f"{key}, which guidelines support at every stage, is offered as a wrong answer"
    if plan.gate.replaces_plan:
        wrong_notes = [question.option_notes[key] for key in listed - question.answer if key in question.option_notes]
        if any(plan.gate.action not in note for note in wrong_notes if note.startswith("There is no self-care plan")):
            return "the emergency feedback names another place than the level's action"
    wants_assessment = plan.gate.rank >= ASSESSMENT_FIRST_RANK
    if wants_assessment != (ASSESSMENT_FIRST in question.answer):
        return f"getting assessed first is {'not ' if wants_assessment else ''}rewarded at {plan.gate.level}"
    if plan.gate.replaces_plan and NONE_OF_THESE not in question.answer:
        return "an emergency quiz rewards self-care"
    return ""


@invariant("The quiz's reason for an item not being in the plan is true for this day and this pain")
def quiz_feedback_true_for_the_day(rendered: Rendered) -> str:
    plan = rendered.plan
    if plan.gate.replaces_plan:
        return ""
    question = next(question for question in questions_for(plan, rendered.content) if question.id == ITEMS)
    rows = {row["id"]: row for row in rendered.content.records["interventions"]}
    day = rendered.scenario.days_since_onset
    for key, note in question.option_notes.items():
        row = rows.get(key)
        if row is None or key in plan.item_ids or not note.startswith("Not in this plan"):
            continue
        in_stage = plan.stage.id in row["stages"] and rendered.scenario.episode in row["episodes"]
        if in_stage and "the article places it in the" in note:
            return f"{key}: {note!r} on day {day}, though its stage applies"
    return ""

"""The net catches the next one: each mutation below re-creates a fault the second clinical review
found (or one like it) in a copy of data/, and the rule named beside it must catch it.

These run each rule over a small part of the space, on the broken copy: the full pass over the
shipped content is test_invariants.py.
"""

from __future__ import annotations

import pytest

from backcare_nb import Scenario

from .invariants import INVARIANTS
from .phrases import load_phrase_rules
from .space import render

PHRASES = {f"phrase:{rule.id}": rule for rule in load_phrase_rules()}
CHECKS = {f"invariant:{check.id}": check for check in INVARIANTS}


def broken_by(rule_name: str, content, scenarios) -> list[str]:
    """What ``rule_name`` says is wrong in each of ``scenarios`` it applies to, on ``content``."""
    problems = []
    for scenario in scenarios:
        rendered = render(scenario, content)
        if rule_name in PHRASES:
            rule = PHRASES[rule_name]
            problem = rule.problem(rendered) if rule.applies(rendered) else ""
        else:
            check = CHECKS[rule_name]
            problem = check.check(rendered) if check.applies(rendered) else ""
        if problem:
            problems.append(problem)
    return problems


def _cancer_with_sciatica_within_a_week(copy):
    line = copy.line_of("concern_rules", "mscc_suspected")
    copy.set_cell("concern_rules", line, "level", "soon")
    return "invariant:guideline_floors", [Scenario(12, red_flags=("cancer_history", "sciatica_one_leg"))]


def _major_trauma_to_the_gp(copy):
    line = copy.line_of("concern_rules", "major_trauma")
    copy.set_cell("concern_rules", line, "level", "urgent")
    copy.set_cell("concern_rules", line, "action", "")
    return "phrase:major_trauma_999", [Scenario(1, red_flags=("major_trauma",))]


def _return_to_work_at_soon(copy):
    line = copy.line_of("concern_levels", "soon")
    copy.set_cell("concern_levels", line, "holds", "exercise;get_help;imaging;prognosis;walking_programme")
    return "phrase:no_work_at_soon", [Scenario(10, red_flags=("cancer_history",))]


def _nsaid_sheet_forgets_asthma(copy):
    line = copy.line_of("interventions", "nsaids")
    words = copy.cell("interventions", line, "patient_safety").replace("have asthma, ", "")
    copy.set_cell("interventions", line, "patient_safety", words)
    return "phrase:nsaid_who_asks_first", [Scenario(3)]


def _three_infection_risks_watched(copy):
    line = copy.line_of("concern_rules", "several_infection_risks")
    copy.set_cell("concern_rules", line, "level", "watchful")
    flags = ("immunosuppression", "iv_drug_use", "recent_infection")
    return "invariant:guideline_floors", [Scenario(10, red_flags=flags[:2])]


def _pregnancy_keeps_the_weak_opioid(copy):
    line = copy.line_of("alternatives", "weak_opioids_short")
    copy.set_cell("alternatives", line, "unless_caution", "")
    return "phrase:pregnancy_no_contradicting_alternatives_clinician", [Scenario(4, cautions=("pregnancy_20_weeks",))]


def _meanwhile_promises_heat(copy):
    line = copy.line_of("concern_levels", "urgent")
    copy.set_cell("concern_levels", line, "meanwhile", "Keep using heat for comfort while you wait.")
    return "invariant:words_name_only_usable_items", [Scenario(20, red_flags=("fever",))]


def _net_says_same_day_for_an_emergency(copy):
    line = copy.line_of("safety_nets", "same_day")
    copy.set_cell("safety_nets", line, "covers", "new_leg_weakness;major_trauma")
    return "invariant:each_sign_has_one_urgency", [Scenario(3, red_flags=("major_trauma",))]


def _two_destinations_in_pregnancy(copy):
    # The review's F1: the general same-day box also sent a pregnant person's fever to the GP.
    line = copy.line_of("safety_nets", "same_day_infection")
    copy.set_cell("safety_nets", line, "unless_caution", "")
    return "invariant:each_sign_has_one_urgency", [Scenario(5, red_flags=("fever",), cautions=("pregnancy_20_weeks",))]


def _prescriber_lines_on_the_sheet(copy):
    # The review's F5: "a weak opioid is an option" printed for a person on an SSRI.
    line = copy.line_of("alternatives", "weak_opioids_short")
    copy.set_cell("alternatives", line, "for_patients", "yes")
    return "phrase:no_prescriber_lines_on_the_sheet", [Scenario(3, cautions=("antiplatelet", "ssri"))]


def _lifts_on_day_8_of_a_bad_episode(copy):
    line = copy.line_of("interventions", "bent_over_row")
    copy.set_cell("interventions", line, "pain_max", "")
    copy.set_cell("interventions", line, "waits_while", "")
    copy.set_cell("interventions", line, "wait_note", "")
    return "phrase:lifts_once_symptoms_down", [Scenario(8, "recurrent", pain=8)]


MUTATIONS = {
    "cancer with sciatica rated within a week": _cancer_with_sciatica_within_a_week,
    "major trauma sent to the GP": _major_trauma_to_the_gp,
    "return to work advised at 'within a week'": _return_to_work_at_soon,
    "the NSAID sheet forgets asthma": _nsaid_sheet_forgets_asthma,
    "two infection risks only watched": _three_infection_risks_watched,
    "pregnancy keeps the weak opioid": _pregnancy_keeps_the_weak_opioid,
    "the meanwhile promises heat after day 7": _meanwhile_promises_heat,
    "a same-day net for an emergency sign": _net_says_same_day_for_an_emergency,
    "two destinations for a fever in pregnancy": _two_destinations_in_pregnancy,
    "prescriber-level lines on the patient's sheet": _prescriber_lines_on_the_sheet,
    "loaded lifts at pain 8": _lifts_on_day_8_of_a_bad_episode,
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_named_rule_catches_the_fault(content_copy, mutation):
    rule_name, scenarios = MUTATIONS[mutation](content_copy)
    broken = content_copy.load()
    assert broken_by(rule_name, broken, scenarios), f"{rule_name} missed: {mutation}"


def test_the_patient_handout_losing_ask_first_is_caught(content, monkeypatch):
    # The review found 21 of 21 check-first handouts saying "you can take an anti-inflammatory".
    from backcare_nb import handout

    monkeypatch.setattr(handout, "ASK_FIRST", "You can take an anti-inflammatory.")
    scenario = Scenario(3, cautions=("age_65_plus",))
    assert broken_by("phrase:ask_first_nsaids", content, [scenario])


def test_the_quiz_marking_a_ruled_out_press_up_right_is_caught(content_copy):
    line = next(
        number
        for number, text in enumerate(content_copy.lines("cautions"), start=1)
        if text.startswith("pregnancy_20_weeks,") and ",prone_press_up," in text
    )
    content_copy.set_cell("cautions", line, "effect", "note")
    broken = content_copy.load()
    # With the caution softened the plan advises the press-up at 24 weeks again: the floor table's
    # phrase rule sees the face-down exercise back on the sheet.
    assert broken_by("phrase:no_face_down_from_20_weeks", broken, [Scenario(4, cautions=("pregnancy_20_weeks",))])

"""The plan engine: stage and band by day, the red-flag gate, cautions, and properties over every scenario."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_nb import Scenario, build_plan, compare_plans, load_content, plan_to_html, plan_to_markdown, plan_to_text
from backcare_nb.render import DISCLAIMER

ACUTE_ONLY = {"heat", "ice", "nsaids", "muscle_relaxants"}
MOBILITY = {"childs_pose", "prone_press_up", "thread_the_needle"}
STRENGTHENING = ["bent_over_row", "good_morning", "superman", "romanian_deadlift"]


def plan_for(content, days=2, episode="first", pain=5, flags=(), cautions=()):
    return build_plan(Scenario(days, episode, pain, tuple(flags), tuple(cautions)), content)


# --- stages and items by day -------------------------------------------------------------------------


def test_day_2_first_episode_is_the_acute_self_care_plan(content):
    plan = plan_for(content, days=2)
    assert (plan.stage.id, plan.stage.label) == ("acute", "Acute stage (0-7 days)")
    assert (plan.guideline_band.id, plan.guideline_band.label) == ("guideline_acute", "Acute (under 4 weeks)")
    assert plan.gate.level == "clear"
    assert set(plan.item_ids) >= ACUTE_ONLY | MOBILITY | {"bed_rest", "prognosis", "imaging"}
    assert not set(plan.item_ids) & {*STRENGTHENING, "stay_active", "physical_therapist"}
    assert plan.item("heat").dose.startswith("20 minutes at a time")
    assert plan.item("childs_pose").dose.startswith("3 sets of 5-10 reps")
    assert plan.item("childs_pose").how_to.startswith("Kneel, sit back towards the heels")


def test_items_come_in_category_order_with_labels(content):
    plan = plan_for(content, days=2)
    assert [label for label, _ in plan.by_category()] == [
        "Symptom relief",
        "Medicines",
        "Exercise",
        "Movement",
        "What to expect",
        "Avoid",
        "For the clinician",
    ]


def test_day_10_is_past_the_articles_acute_stage_but_still_acute_by_the_guidelines(content):
    plan = plan_for(content, days=10)
    assert plan.stage.id == "subacute_chronic"
    assert plan.stage.label == "Sub-acute and chronic stage (1 week to 3+ months)"
    assert plan.guideline_band.id == "guideline_acute"
    assert "stay_active" in plan.item_ids
    assert not set(plan.item_ids) & ACUTE_ONLY
    assert set(plan.item_ids) >= MOBILITY


def test_day_40_recurrent_adds_the_strengthening_block_and_a_physical_therapist(content):
    plan = plan_for(content, days=40, episode="recurrent")
    assert (plan.stage.id, plan.guideline_band.id) == ("subacute_chronic", "guideline_subacute")
    exercise_ids = [item.id for item in plan.items if item.category == "exercise"]
    assert exercise_ids[-4:] == STRENGTHENING
    for item_id in STRENGTHENING:
        assert plan.item(item_id).dose.startswith("2-3 times a week, 2-3 sets of 10 reps")
    assert plan.item("physical_therapist").category == "get_help"
    assert plan.item("physical_therapist").title == "See a physical therapist"


def test_day_40_first_episode_has_no_strengthening_block(content):
    plan = plan_for(content, days=40, episode="first")
    assert not set(plan.item_ids) & {*STRENGTHENING, "physical_therapist"}


def test_recurrent_acute_plan_refers_to_a_physical_therapist_but_waits_for_strengthening(content):
    plan = plan_for(content, days=3, episode="recurrent")
    assert "physical_therapist" in plan.item_ids
    assert not set(plan.item_ids) & set(STRENGTHENING)


def test_day_100_is_chronic_by_the_guidelines(content):
    plan = plan_for(content, days=100)
    assert (plan.stage.id, plan.guideline_band.id) == ("subacute_chronic", "guideline_chronic")
    assert plan.guideline_band.label == "Chronic (over 12 weeks)"


@pytest.mark.parametrize(
    ("days", "stage", "band"),
    [
        (0, "acute", "guideline_acute"),
        (7, "acute", "guideline_acute"),
        (8, "subacute_chronic", "guideline_acute"),
        (27, "subacute_chronic", "guideline_acute"),
        (28, "subacute_chronic", "guideline_subacute"),
        (84, "subacute_chronic", "guideline_subacute"),
        (85, "subacute_chronic", "guideline_chronic"),
        (365, "subacute_chronic", "guideline_chronic"),
    ],
)
def test_stage_boundaries(content, days, stage, band):
    plan = plan_for(content, days=days)
    assert (plan.stage.id, plan.guideline_band.id) == (stage, band)


def test_stages_and_bands_never_go_backwards_day_by_day(content):
    for episode in ("first", "recurrent"):
        plans = [plan_for(content, days=day, episode=episode) for day in range(366)]
        stage_starts = [plan.stage.day_min for plan in plans]
        band_starts = [plan.guideline_band.day_min for plan in plans]
        assert stage_starts == sorted(stage_starts)
        assert band_starts == sorted(band_starts)
        assert [plan.stage.id for plan in plans].count("acute") == 8


# --- the level of concern -------------------------------------------------------------------------------

WEAK_SINGLE_FLAGS = (
    "first_onset_over_50",
    "no_improvement_month",
    "night_pain",
    "recent_infection",
    "immunosuppression",
    "iv_drug_use",
    "sciatica_one_leg",
)
NG65_CRITERIA = ("onset_before_35", "night_waking", "buttock_pain", "better_with_movement", "nsaid_response")


def level_rank(content, level):
    return {row["level"]: row["rank"] for row in content.records["concern_levels"]}[level]


def test_emergency_flag_replaces_the_plan_with_the_emergency_message(content):
    plan = plan_for(content, days=3, flags=["saddle_numbness"])
    assert plan.gate.level == "emergency"
    assert plan.gate.replaces_plan
    assert plan.item_ids == ("gate_emergency",)
    gate_item = plan.items[0]
    assert gate_item.title == "Emergency: get help now"
    assert "Go to the emergency department now" in gate_item.dose
    assert gate_item.timing == "Now"
    assert "cauda equina" in gate_item.rationale
    assert gate_item.origin.label == "Added from GIRFT 2023"
    assert plan.takeaways == ()
    assert plan.related == ()


def test_urgent_level_keeps_gentle_movement_and_holds_exercise_and_medicines(content):
    plan = plan_for(content, days=3, flags=["fever"])
    assert plan.gate.level == "urgent"
    assert not plan.gate.replaces_plan
    assert plan.item("gate_urgent").timing == "Today"
    assert plan.item("walking").status == "advised"
    assert plan.item("heat").status == "advised"
    assert plan.item("childs_pose").status == "held"
    assert plan.item("nsaids").status == "held"
    assert plan.item("childs_pose").status_text == "Wait until a clinician has assessed the person"
    assert "keep gently moving" in plan.gate.meanwhile
    assert "bed" in plan.gate.meanwhile  # "do not take to bed": waiting never invites bed rest
    assert all("NSAID" not in note.text for note in plan.takeaways)


def test_routine_level_keeps_the_plan_and_adds_a_referral(content):
    clear = plan_for(content, days=120)
    flags = ["long_standing_before_45", *NG65_CRITERIA[:4]]
    plan = plan_for(content, days=120, flags=flags)
    assert plan.gate.level == "routine"
    assert plan.item_ids == (*clear.item_ids, "gate_routine")
    referral = plan.item("gate_routine")
    assert referral.category == "get_help"
    assert "routine referral" in referral.dose
    assert referral.origin.label == "Added from NICE NG65"
    assert plan.takeaways == clear.takeaways


@pytest.mark.parametrize("flag", WEAK_SINGLE_FLAGS)
def test_a_single_weak_flag_stays_below_urgent(content, flag):
    plan = plan_for(content, days=10, flags=[flag])
    assert plan.gate.level == "watchful"
    assert level_rank(content, plan.gate.level) < level_rank(content, "urgent")
    assert not any(item.status == "held" for item in plan.items)


def test_several_cancer_indicators_or_a_cancer_history_mean_assessment_within_a_week(content):
    assert plan_for(content, days=20, flags=["night_pain", "weight_loss"]).gate.level == "soon"
    assert plan_for(content, days=20, flags=["cancer_history"]).gate.level == "soon"
    plan = plan_for(content, days=20, flags=["cancer_history"])
    assert plan.gate.time_frame == "Within about a week"
    assert plan.item("imaging").status == "held"  # "a scan is not usually needed" never meets NG234's MRI


@pytest.mark.parametrize("flag", ["progressive_deficit", "leg_weakness_both", "bilateral_sciatica"])
def test_worsening_or_two_sided_nerve_signs_are_always_an_emergency(content, flag):
    assert plan_for(content, flags=[flag]).gate.level == "emergency"


def test_ng65_criteria_are_counted_as_the_guideline_counts_them(content):
    base = ["long_standing_before_45"]
    assert plan_for(content, days=120, flags=[*base, *NG65_CRITERIA[:3]]).gate.level == "clear"
    assert plan_for(content, days=120, flags=[*base, *NG65_CRITERIA[:4]]).gate.level == "routine"
    assert plan_for(content, days=120, flags=[*base, "hla_b27_positive", *NG65_CRITERIA[:3]]).gate.level == "routine"
    assert plan_for(content, days=120, flags=[*base, "hla_b27_positive", *NG65_CRITERIA[:2]]).gate.level == "clear"
    assert plan_for(content, days=120, flags=list(NG65_CRITERIA)).gate.level == "clear"  # no long-standing pain
    below = plan_for(content, days=120, flags=[*base, *NG65_CRITERIA[:3]]).gate.below_threshold
    assert len(below) == 4


RULE_IDS = [row["id"] for row in load_content().records["concern_rules"]]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_of_the_concern_table_matches_exactly_at_its_threshold(content, rule_id):
    rule = next(row for row in content.records["concern_rules"] if row["id"] == rule_id)
    enough = [*rule["all_of"], *rule["any_of"][: rule["at_least"]], *rule["and_any_of"][:1]]
    cautions = rule["with_caution"][:1]
    plan = plan_for(content, days=120, flags=enough, cautions=cautions)
    # The rule decides the level with the fewest flags it needs (a higher rule would hide its reason).
    assert plan.gate.level == rule["level"]
    assert rule["reason"] in [note.text for note in plan.gate.reasons]
    if rule["at_least"]:
        short = [*rule["all_of"], *rule["any_of"][: rule["at_least"] - 1], *rule["and_any_of"][:1]]
        assert rule["reason"] not in [
            note.text for note in plan_for(content, days=120, flags=short, cautions=cautions).gate.reasons
        ]
    if rule["and_any_of"] or rule["with_caution"]:
        without = [*rule["all_of"], *rule["any_of"][: rule["at_least"]]]
        assert rule["reason"] not in [note.text for note in plan_for(content, days=120, flags=without).gate.reasons]


@pytest.mark.parametrize(
    ("flags", "level"),
    [
        (["sciatica_one_leg", "fever"], "urgent"),
        (["night_pain", "weight_loss", "incontinence"], "emergency"),
        (["fever", "saddle_numbness"], "emergency"),
        (["night_pain", "cancer_history"], "urgent"),
        (["sciatica_one_leg", "cancer_history"], "emergency"),
        ([], "clear"),
    ],
)
def test_the_highest_matching_level_wins(content, flags, level):
    plan = plan_for(content, flags=flags)
    assert plan.gate.level == level
    assert len(plan.gate.flags) == len(flags)


def test_gate_lists_every_ticked_flag_with_its_group(content):
    plan = plan_for(content, flags=["night_pain", "weight_loss"])
    assert plan.gate.flags == (
        ("Possible cancer", "Weight loss without a known reason"),
        ("Possible cancer", "Pain at night that stops sleep and does not ease with a change of position"),
    )


def test_ticked_flags_cite_their_source(content):
    plan = plan_for(content, flags=["long_standing_before_45", *NG65_CRITERIA[:4]])
    assert "NICE-NG65" in {source.id for source in plan.sources}


# --- medicine cautions ----------------------------------------------------------------------------------


def test_age_65_plus_makes_nsaids_check_first_and_muscle_relaxants_avoid(content):
    plan = plan_for(content, days=3, cautions=["age_65_plus"])
    nsaids, relaxants = plan.item("nsaids"), plan.item("muscle_relaxants")
    assert nsaids.status == "check_first"
    assert nsaids.status_text == "Check with a prescriber or pharmacist first"
    assert nsaids.dose.startswith("Check with a prescriber or pharmacist first. As needed, at the lowest dose")
    assert nsaids.caution_notes[0].text.startswith("Aged 65 or over: Stomach bleeding, kidney and heart risks")
    assert nsaids.caution_notes[0].origin.label == "Added from NICE CKS NSAIDs"
    assert relaxants.status == "avoid"
    assert relaxants.dose.startswith("Not advised for this person")
    assert "anticholinergic" in relaxants.caution_notes[0].text
    assert {"NICE-CKS-NSAIDS", "BEERS2023"} <= {source.id for source in plan.sources}


def test_an_anticoagulant_rules_nsaids_out_and_names_the_alternatives(content):
    plan = plan_for(content, days=3, cautions=["anticoagulant"])
    nsaids = plan.item("nsaids")
    assert nsaids.status == "avoid"
    assert "bleeding" in nsaids.caution_notes[0].text
    alternatives = {note.text: note for note in nsaids.alternatives}
    # With an anticoagulant the NHS makes paracetamol the usual painkiller: "paracetamol alone is not
    # offered" (NG59) would contradict it; the weak-opioid line is for the prescriber only.
    assert not any("Paracetamol on its own is not offered" in text for text in alternatives)
    assert any("paracetamol is the usual painkiller" in text for text in alternatives)
    opioid = next(note for text, note in alternatives.items() if "opioids are not offered for chronic" in text)
    assert not opioid.for_patients
    assert all(not note.origin.from_article for note in nsaids.alternatives)


@pytest.mark.parametrize("caution", ["antiplatelet", "oral_steroid", "ssri"])
def test_one_stomach_bleeding_risk_means_check_first_with_stomach_protection(content, caution):
    nsaids = plan_for(content, days=3, cautions=[caution]).item("nsaids")
    assert nsaids.status == "check_first"
    assert "stomach protection" in nsaids.caution_notes[0].text


@pytest.mark.parametrize("pair", [("age_65_plus", "ssri"), ("antiplatelet", "oral_steroid"), ("ssri", "oral_steroid")])
def test_two_stomach_bleeding_risks_together_rule_nsaids_out(content, pair):
    nsaids = plan_for(content, days=3, cautions=list(pair)).item("nsaids")
    assert nsaids.status == "avoid"
    assert any("Two or more stomach-bleeding risks" in note.text for note in nsaids.caution_notes)


@pytest.mark.parametrize("caution", ["pregnancy_under_20_weeks", "pregnancy_20_weeks"])
def test_pregnancy_at_any_stage_rules_out_nsaids_and_muscle_relaxants(content, caution):
    plan = plan_for(content, days=4, cautions=[caution])
    assert plan.item("nsaids").status == "avoid"
    assert plan.item("muscle_relaxants").status == "avoid"
    # Lying face down: a note before 20 weeks, not advised from 20 weeks with the NHS alternative.
    press_up = plan.item("prone_press_up")
    assert "face down" in press_up.caution_notes[0].text
    if caution == "pregnancy_20_weeks":
        assert press_up.status == "avoid"
        assert "hands-and-knees back exercise" in press_up.alternatives[0].text
    else:
        assert press_up.status == "advised"
    net = next(net for net in plan.safety_nets if net.id == "pregnancy")
    assert "maternity unit" in net.action
    assert "Pain or burning when you pass urine" in net.signs
    assert all("NSAID" not in note.text for note in plan.takeaways)


def test_pregnancy_from_20_weeks_gives_the_fda_reason(content):
    plan = plan_for(content, days=4, cautions=["pregnancy_20_weeks"])
    assert "baby's kidneys" in plan.item("nsaids").caution_notes[0].text
    assert "FDA2020" in {source.id for source in plan.sources}


def test_avoid_beats_check_first_for_the_same_medicine(content):
    plan = plan_for(content, days=2, cautions=["heart_disease", "stomach_ulcer"])
    assert plan.item("nsaids").status == "avoid"
    assert len(plan.item("nsaids").caution_notes) == 2


def test_cautions_change_only_the_items_they_apply_to(content):
    plain = plan_for(content, days=2)
    cautious = plan_for(content, days=2, cautions=["age_65_plus", "opioids", "kidney_disease"])
    changed = [a.id for a, b in zip(plain.items, cautious.items, strict=True) if a != b]
    assert changed == ["nsaids", "muscle_relaxants"]


def test_cautions_do_nothing_once_the_medicines_are_out_of_the_plan(content):
    assert plan_for(content, days=30, cautions=["age_65_plus"]).items == plan_for(content, days=30).items


# --- timing -----------------------------------------------------------------------------------------------


def test_easier_days_are_days_0_to_2_only_and_walking_carries_on(content):
    assert "easy_days" in plan_for(content, days=2).item_ids
    assert "easy_days" not in plan_for(content, days=3).item_ids
    assert "walking" in plan_for(content, days=10).item_ids
    assert "walking" in plan_for(content, days=200).item_ids


def test_walkback_belongs_to_recurrence_prevention_and_is_labelled_as_added(content):
    assert "walking_programme" not in plan_for(content, days=40, episode="first").item_ids
    # WalkBack enrolled people who had recovered: the programme waits until the episode has settled.
    waiting = plan_for(content, days=40, episode="recurrent", pain=5)
    assert "walking_programme" not in waiting.item_ids
    assert any("WalkBack trial enrolled people" in note.text for note in waiting.warnings)
    item = plan_for(content, days=40, episode="recurrent", pain=2).item("walking_programme")
    assert item.origin.label == "Added from WalkBack 2024"
    assert item.dose.startswith("30 minutes at a time, 5 times a week")
    assert item.schedule == "none"  # built up over months, not a week's target


def test_guidelines_after_12_weeks_appear_from_day_85(content):
    assert "after_12_weeks" not in plan_for(content, days=84).item_ids
    assert "after_12_weeks" in plan_for(content, days=85).item_ids


# --- warnings -------------------------------------------------------------------------------------------


def test_severe_pain_brings_a_warning_but_not_a_gate(content):
    plan = plan_for(content, pain=8)
    assert plan.gate.level == "clear"
    assert plan.warnings[0].text.startswith("Pain is 8/10. Severe pain alone is not a red flag")
    assert plan_for(content, pain=7).warnings == ()


def test_a_month_of_high_pain_suggests_the_no_improvement_flag(content):
    plan = plan_for(content, days=30, pain=7)
    assert [note.text for note in plan.warnings] == [
        "Still in a lot of pain after a month: if it has not improved, tick the red flag "
        "'No improvement after a month'."
    ]
    assert plan_for(content, days=29, pain=7).warnings == ()
    assert plan_for(content, days=30, pain=6).warnings == ()


# --- bed rest is only ever something to avoid --------------------------------------------------------------


def test_bed_rest_appears_only_as_something_to_avoid(content):
    mentions = 0
    for days in (0, 2, 7, 8, 14, 28, 40, 85, 200, 365):
        for episode in ("first", "recurrent"):
            for flags in ((), ("fever",), ("night_pain",)):
                plan = plan_for(content, days=days, episode=episode, flags=flags)
                for item in plan.items:
                    text = " ".join([item.title, item.dose, item.timing, item.rationale, item.how_to])
                    if re.search(r"\bbed\b", text, re.IGNORECASE):
                        mentions += 1
                        assert item.category == "avoid", item
                        assert "not advised" in item.title.lower()
                for takeaway in plan.takeaways:
                    if "bed rest" in takeaway.text.lower():
                        assert "bed rest is not advised" in takeaway.text.lower()
                if re.search(r"\bbed\b", plan.gate.meanwhile):
                    assert "do not take to bed" in plan.gate.meanwhile
    assert mentions == 10 * 2 * 3  # bed rest is in every self-care plan, always under Avoid


# --- compare_plans -----------------------------------------------------------------------------------------


def test_compare_plans_lists_added_removed_and_unchanged_items(content):
    table = compare_plans(plan_for(content, days=5), plan_for(content, days=12))
    assert list(table.columns) == ["category", "item", "change", "before", "after"]
    rows = table.set_index("item")
    assert rows.loc["Heat", "change"] == "removed"
    assert rows.loc["Heat", "after"] == ""
    assert rows.loc["Stay active and try different activities", "change"] == "added"
    assert rows.loc["Stay active and try different activities", "before"] == ""
    assert rows.loc["Child's pose", "change"] == "same"
    assert rows.loc["Child's pose", "category"] == "Exercise"


def test_compare_plans_shows_a_caution_as_a_change_without_repeating_itself(content):
    table = compare_plans(plan_for(content, days=2), plan_for(content, days=2, cautions=["age_65_plus"]))
    changed = table[table["change"] == "changed"].set_index("item")
    assert list(changed.index) == ["Anti-inflammatory painkillers (NSAIDs)", "Muscle relaxants (prescription only)"]
    nsaids = changed.loc["Anti-inflammatory painkillers (NSAIDs)"]
    dose = "As needed, at the lowest dose that helps, for the shortest time; follow the label or a pharmacist."
    assert nsaids["before"] == dose
    assert nsaids["after"] == f"Check with a prescriber or pharmacist first. {dose}"
    assert changed.loc["Muscle relaxants (prescription only)", "after"].count("Not advised for this person") == 1


def test_compare_plans_from_self_care_to_an_emergency(content):
    table = compare_plans(plan_for(content), plan_for(content, flags=["bladder_change"]))
    assert set(table["change"]) == {"removed", "added"}
    assert table[table["change"] == "added"]["item"].tolist() == ["Emergency: get help now"]


# --- properties over every scenario --------------------------------------------------------------------------

SCENARIO = {
    "days": st.integers(0, 365),
    "episode": st.sampled_from(["first", "recurrent"]),
    "pain": st.integers(0, 10),
    "data": st.data(),
}
NSAID_NEVER = {"anticoagulant", "pregnancy_20_weeks", "pregnancy_under_20_weeks", "stomach_ulcer"}
RELAXANT_NEVER = {"pregnancy_20_weeks", "pregnancy_under_20_weeks", "age_65_plus", "opioids"}
MEDICINE_WORDS = {"nsaids": "nsaid", "muscle_relaxants": "relaxant"}


def assert_safe(content, plan):
    """The clinical safety properties every plan must have, whatever the scenario."""
    cautions = set(plan.scenario.cautions)
    if "nsaids" in plan.item_ids and cautions & NSAID_NEVER:
        assert plan.item("nsaids").status == "avoid"
    if "muscle_relaxants" in plan.item_ids and cautions & RELAXANT_NEVER:
        assert plan.item("muscle_relaxants").status == "avoid"
    usable = plan.usable_ids()
    for item_id, word in MEDICINE_WORDS.items():
        if item_id not in usable:
            assert not any(word in note.text.lower() for note in plan.takeaways), plan.takeaways
    assert plan.gate.replaces_plan == (plan.gate.level == "emergency")
    if not plan.gate.replaces_plan:
        assert "walking" in plan.item_ids or "stay_active" in plan.item_ids
        assert "bed_rest" in plan.item_ids
    assert plan.safety_nets[0].id == "cauda_equina"
    assert any("emergency department" in net.action.lower() for net in plan.safety_nets)
    for item in plan.items:
        assert item.origin.label in ("From the article", f"Added from {item.origin.short}")
        for note in (*item.caution_notes, *item.alternatives):
            assert note.origin.label
    assert all(source.link or source.id == "ARTICLE" for source in plan.sources)


@settings(max_examples=300, deadline=None)
@given(**SCENARIO)
def test_every_scenario_yields_a_safe_and_coherent_plan(content, days, episode, pain, data):
    flags = data.draw(st.sets(st.sampled_from(content.red_flag_ids), max_size=5), label="flags")
    cautions = data.draw(st.sets(st.sampled_from(content.caution_ids), max_size=4), label="cautions")
    plan = plan_for(content, days, episode, pain, flags, cautions)

    assert plan.stage.day_min <= days <= plan.stage.day_max
    assert plan.guideline_band.day_min <= days <= plan.guideline_band.day_max
    assert plan.items, "a plan always says something to do"
    assert_safe(content, plan)
    if plan.gate.replaces_plan:
        assert plan.item_ids == (f"gate_{plan.gate.level}",)
    else:
        assert plan.item("bed_rest").category == "avoid"
        assert ("physical_therapist" in plan.item_ids) == (episode == "recurrent")

    for rendered in (plan_to_markdown(plan), plan_to_html(plan), plan_to_text(plan)):
        assert DISCLAIMER in rendered
        assert "cauda equina" in rendered
        assert "Numbness around your genitals, buttocks or inner thighs" in rendered


def test_every_day_episode_and_medicine_caution_pair_is_safe(content):
    """Exhaustive over days 0-365, both episodes and every pair of cautions that touch a medicine."""
    from itertools import combinations

    from backcare_nb.plan import change_days
    from backcare_nb.schedule import schedule_for

    cautions = content.caution_ids
    pairs = [(), *((c,) for c in cautions), *combinations(cautions, 2)]
    checked = 0
    for day in change_days(content):  # the plan is the same between these days (checked below)
        for episode in ("first", "recurrent"):
            for pair in pairs:
                plan = plan_for(content, day, episode, cautions=pair)
                assert_safe(content, plan)
                checked += 1
        schedule = schedule_for(plan_for(content, day, "first", cautions=("anticoagulant", "age_65_plus")), content)
        assert not {"nsaids", "muscle_relaxants"} & {row.item_id for row in schedule.rows}
    assert checked == len(change_days(content)) * 2 * len(pairs)


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(0, 365),
    second=st.integers(0, 365),
    episode=st.sampled_from(["first", "recurrent"]),
    data=st.data(),
)
def test_stage_and_band_never_go_backwards_as_days_grow(content, first, second, episode, data):
    from backcare_nb.plan import change_days

    flags = data.draw(st.sets(st.sampled_from(content.red_flag_ids), max_size=3), label="flags")
    early, late = sorted((first, second))
    before = plan_for(content, early, episode, flags=flags)
    after = plan_for(content, late, episode, flags=flags)
    assert before.stage.day_min <= after.stage.day_min
    assert before.guideline_band.day_min <= after.guideline_band.day_min
    if not any(early < day <= late for day in change_days(content)):
        assert before.items == after.items  # between change days, the day alone changes nothing


def test_plan_is_pure_and_repeatable(content):
    scenario = Scenario(40, "recurrent", 6, ("night_pain",), ("age_65_plus",))
    assert build_plan(scenario, content) == build_plan(scenario, content)


# --- the throughput benchmark covers the grid the issue names (figures are printed, never asserted) ----------


def test_benchmark_runs_the_issue_grid_and_prints_an_aligned_table(content, tmp_path, capsys):
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "plan_throughput.py"
    spec = importlib.util.spec_from_file_location("plan_throughput", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)

    combinations = benchmark.flag_combinations(content)
    assert combinations[0] == ()
    assert {flags[0] for flags in combinations if len(flags) == 1} == set(content.red_flag_ids)
    assert any(len(flags) > 1 for flags in combinations)
    grid = benchmark.scenario_grid(content)
    assert len(grid) == 366 * 2 * len(combinations)
    assert {days for days, _, _ in grid} == set(range(366))

    figures = benchmark.main(["--repeat", "1", "--json", str(tmp_path / "figures.json")])
    printed = capsys.readouterr().out.splitlines()
    assert [row["step"] for row in figures["rows"]] == [
        "baseline: Scenario() only",
        "build_plan",
        "build_plan + Markdown",
    ]
    table = [line for line in printed if line.startswith(("step", "baseline", "build_plan"))]
    assert len(table) == 4
    assert len({len(line) for line in table}) == 1  # aligned: every row as wide as the header
    assert json.loads((tmp_path / "figures.json").read_text())["grid"]["scenarios"] == len(grid)

"""The plan engine: stage and band by day, the red-flag gate, cautions, and properties over every scenario."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_nb import Scenario, build_plan, compare_plans, plan_to_html, plan_to_markdown, plan_to_text
from backcare_nb.render import DISCLAIMER

ACUTE_ONLY = {"heat", "ice", "nsaids", "muscle_relaxants", "easy_days", "walking"}
MOBILITY = {"childs_pose", "prone_press_up", "thread_the_needle"}
STRENGTHENING = ["bent_over_row", "good_morning", "superman", "romanian_deadlift"]
TIER_ORDER = ("clear", "routine", "urgent", "emergency")


def plan_for(content, days=2, episode="first", pain=5, flags=(), cautions=()):
    return build_plan(Scenario(days, episode, pain, tuple(flags), tuple(cautions)), content)


# --- stages and items by day -------------------------------------------------------------------------


def test_day_2_first_episode_is_the_acute_self_care_plan(content):
    plan = plan_for(content, days=2)
    assert (plan.stage.id, plan.stage.label) == ("acute", "Acute stage (0-7 days)")
    assert (plan.guideline_band.id, plan.guideline_band.label) == ("guideline_acute", "Acute (under 4 weeks)")
    assert plan.gate.tier == "clear"
    assert set(plan.item_ids) >= ACUTE_ONLY | MOBILITY | {"bed_rest", "safety_net"}
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
        "Avoid",
        "When to get help",
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


# --- the red-flag gate ---------------------------------------------------------------------------------


def test_emergency_flag_replaces_the_plan_with_the_emergency_message(content):
    plan = plan_for(content, days=3, flags=["saddle_numbness"])
    assert plan.gate.tier == "emergency"
    assert plan.gate.holds_self_care
    assert plan.item_ids == ("gate_emergency",)
    gate_item = plan.items[0]
    assert gate_item.title == "Emergency: go to the emergency department now"
    assert "Go to the emergency department now" in gate_item.dose
    assert gate_item.timing == "Now"
    assert "Numbness around the genitals" in gate_item.rationale
    assert plan.takeaways == ()
    assert plan.related == ()


def test_urgent_flag_holds_the_self_care_plan(content):
    plan = plan_for(content, days=20, flags=["fever"])
    assert plan.gate.tier == "urgent"
    assert plan.item_ids == ("gate_urgent",)
    assert plan.items[0].title == "Urgent: same-day assessment"
    assert plan.items[0].timing == "Today"
    assert "Hold the self-care plan" in plan.items[0].dose
    assert plan.takeaways == ()


def test_routine_flag_keeps_the_plan_and_adds_a_referral(content):
    clear = plan_for(content, days=120)
    plan = plan_for(content, days=120, flags=["inflammatory_pattern"])
    assert plan.gate.tier == "routine"
    assert plan.item_ids == (*clear.item_ids, "gate_routine")
    referral = plan.item("gate_routine")
    assert referral.category == "get_help"
    assert "routine referral" in referral.dose
    assert plan.takeaways == clear.takeaways


@pytest.mark.parametrize(
    ("flags", "tier"),
    [
        (["inflammatory_pattern", "fever"], "urgent"),
        (["inflammatory_pattern", "night_pain", "bowel_incontinence"], "emergency"),
        (["fever", "saddle_numbness"], "emergency"),
        (["inflammatory_pattern"], "routine"),
        ([], "clear"),
    ],
)
def test_highest_tier_wins(content, flags, tier):
    plan = plan_for(content, flags=flags)
    assert plan.gate.tier == tier
    assert len(plan.gate.flags) == len(flags)


def test_gate_lists_every_ticked_flag_with_its_group(content):
    plan = plan_for(content, flags=["night_pain", "weight_loss"])
    assert plan.gate.flags == (
        ("Possible cancer", "Constant pain at night"),
        ("Possible cancer", "Weight loss without a known reason"),
    )


def test_ticked_flags_cite_their_source(content):
    plan = plan_for(content, flags=["inflammatory_pattern"])
    assert "NICE-NG65" in dict(plan.sources)


# --- medicine cautions ----------------------------------------------------------------------------------


def test_age_65_plus_makes_nsaids_check_first_and_muscle_relaxants_avoid(content):
    plan = plan_for(content, days=3, cautions=["age_65_plus"])
    nsaids, relaxants = plan.item("nsaids"), plan.item("muscle_relaxants")
    assert nsaids.status == "check_first"
    assert nsaids.status_text == "Check with a prescriber or pharmacist first"
    assert nsaids.dose.startswith("Check with a prescriber or pharmacist first. Lowest dose that helps")
    assert nsaids.caution_notes == ("Aged 65 or over: Stomach bleeding, kidney and heart risks rise with age.",)
    assert relaxants.status == "avoid"
    assert relaxants.dose.startswith("Not advised for this person")
    assert "falls, fractures and delirium" in relaxants.caution_notes[0]
    assert {"NICE-NG59", "BEERS2023"} <= set(dict(plan.sources))


def test_pregnancy_from_20_weeks_means_no_nsaids_with_the_reason(content):
    plan = plan_for(content, days=4, cautions=["pregnancy_20_weeks"])
    nsaids = plan.item("nsaids")
    assert nsaids.status == "avoid"
    assert nsaids.status_text == "Not advised for this person"
    assert nsaids.caution_notes == (
        "Pregnant (20 weeks or more): From 20 weeks NSAIDs can harm the baby's kidneys, and from 30 weeks they "
        "add a risk to the ductus arteriosus.",
    )
    assert plan.item("muscle_relaxants").status == "advised"
    assert "FDA2020" in dict(plan.sources)


def test_avoid_beats_check_first_for_the_same_medicine(content):
    plan = plan_for(content, days=2, cautions=["heart_disease", "stomach_ulcer"])
    assert plan.item("nsaids").status == "avoid"
    assert len(plan.item("nsaids").caution_notes) == 2


def test_cautions_change_only_medicine_items(content):
    plain = plan_for(content, days=2)
    cautious = plan_for(content, days=2, cautions=["age_65_plus", "opioids", "kidney_disease"])
    changed = [a.id for a, b in zip(plain.items, cautious.items, strict=True) if a != b]
    assert changed == ["nsaids", "muscle_relaxants"]


def test_cautions_do_nothing_once_the_medicines_are_out_of_the_plan(content):
    assert plan_for(content, days=30, cautions=["age_65_plus"]).items == plan_for(content, days=30).items


# --- warnings -------------------------------------------------------------------------------------------


def test_severe_pain_brings_a_warning_but_not_a_gate(content):
    plan = plan_for(content, pain=8)
    assert plan.gate.tier == "clear"
    assert plan.warnings[0].startswith("Pain is 8/10. Severe pain alone is not a red flag")
    assert plan_for(content, pain=7).warnings == ()


def test_a_month_of_high_pain_suggests_the_no_improvement_flag(content):
    plan = plan_for(content, days=30, pain=7)
    assert plan.warnings == (
        "Still in a lot of pain after a month: if it has not improved, tick the red flag "
        "'No improvement after a month'.",
    )
    assert plan_for(content, days=29, pain=7).warnings == ()
    assert plan_for(content, days=30, pain=6).warnings == ()


# --- bed rest is only ever something to avoid --------------------------------------------------------------


def test_bed_rest_appears_only_as_something_to_avoid(content):
    mentions = 0
    for days in (0, 2, 7, 8, 14, 28, 40, 85, 200, 365):
        for episode in ("first", "recurrent"):
            for flags in ((), ("inflammatory_pattern",)):
                plan = plan_for(content, days=days, episode=episode, flags=flags)
                for item in plan.items:
                    text = " ".join([item.title, item.dose, item.timing, item.rationale, item.how_to])
                    if re.search(r"\bbed\b", text, re.IGNORECASE):
                        mentions += 1
                        assert item.category == "avoid", item
                        assert "not advised" in item.title.lower()
                for takeaway in plan.takeaways:
                    if "bed rest" in takeaway.lower():
                        assert "bed rest is not advised" in takeaway.lower()
    assert mentions == 10 * 2 * 2  # bed rest is in every self-care plan, always under Avoid


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
    assert nsaids["before"] == "Lowest dose that helps, for the shortest time, as the label or a pharmacist directs."
    assert nsaids["after"] == (
        "Check with a prescriber or pharmacist first. "
        "Lowest dose that helps, for the shortest time, as the label or a pharmacist directs."
    )
    assert changed.loc["Muscle relaxants (prescription only)", "after"].count("Not advised for this person") == 1


def test_compare_plans_from_self_care_to_an_emergency(content):
    table = compare_plans(plan_for(content), plan_for(content, flags=["bladder_change"]))
    assert set(table["change"]) == {"removed", "added"}
    assert table[table["change"] == "added"]["item"].tolist() == ["Emergency: go to the emergency department now"]


# --- properties over every scenario --------------------------------------------------------------------------

SCENARIO = {
    "days": st.integers(0, 365),
    "episode": st.sampled_from(["first", "recurrent"]),
    "pain": st.integers(0, 10),
    "data": st.data(),
}


@settings(max_examples=200, deadline=None)
@given(**SCENARIO)
def test_every_scenario_yields_a_coherent_plan(content, days, episode, pain, data):
    flags = data.draw(st.sets(st.sampled_from(content.red_flag_ids), max_size=4), label="flags")
    cautions = data.draw(st.sets(st.sampled_from(content.caution_ids), max_size=3), label="cautions")
    plan = plan_for(content, days, episode, pain, flags, cautions)

    assert plan.stage.day_min <= days <= plan.stage.day_max
    assert plan.guideline_band.day_min <= days <= plan.guideline_band.day_max
    tiers = [content.red_flags.set_index("id").loc[flag, "tier"] for flag in flags]
    assert plan.gate.tier == max(tiers, key=TIER_ORDER.index, default="clear")
    assert plan.items, "a plan always says something to do"

    categories = {item.category for item in plan.items}
    if plan.gate.tier == "emergency":
        assert "exercise" not in categories
    if plan.gate.holds_self_care:
        assert plan.item_ids == (f"gate_{plan.gate.tier}",)
    else:
        assert "bed_rest" in plan.item_ids
        assert plan.item("bed_rest").category == "avoid"
        assert ("physical_therapist" in plan.item_ids) == (episode == "recurrent")

    for rendered in (plan_to_markdown(plan), plan_to_html(plan), plan_to_text(plan)):
        assert DISCLAIMER in rendered


@settings(max_examples=200, deadline=None)
@given(
    first=st.integers(0, 365),
    second=st.integers(0, 365),
    episode=st.sampled_from(["first", "recurrent"]),
    data=st.data(),
)
def test_stage_and_band_never_go_backwards_as_days_grow(content, first, second, episode, data):
    flags = data.draw(st.sets(st.sampled_from(content.red_flag_ids), max_size=3), label="flags")
    early, late = sorted((first, second))
    before = plan_for(content, early, episode, flags=flags)
    after = plan_for(content, late, episode, flags=flags)
    assert before.stage.day_min <= after.stage.day_min
    assert before.guideline_band.day_min <= after.guideline_band.day_min
    if before.stage.id == after.stage.id:
        assert before.items == after.items  # within a stage, the day alone changes nothing


def test_plan_is_pure_and_repeatable(content):
    scenario = Scenario(40, "recurrent", 6, ("inflammatory_pattern",), ("age_65_plus",))
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

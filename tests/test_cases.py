"""Teaching cases: each case's plan shows the stage, gate and items its learning points rely on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from backcare_nb import build_plan, plan_to_markdown, scenario_from_case, scenario_from_query

CASES_CSV = Path(__file__).resolve().parents[1] / "data" / "cases.csv"
with CASES_CSV.open(encoding="utf-8", newline="") as handle:
    CASE_IDS = [row["id"] for row in csv.DictReader(handle)]


def _case(content, case_id):
    return content.records["cases"][content.case_ids.index(case_id)]


def test_there_are_at_least_ten_cases(content):
    assert len(CASE_IDS) >= 10
    assert list(content.case_ids) == CASE_IDS


def test_cases_cover_every_level_of_concern_and_both_stages_and_episodes(content):
    cases = content.table("cases")
    assert set(cases["expected_level"]) == {"clear", "watchful", "routine", "soon", "urgent", "emergency"}
    assert set(cases["expected_stage"]) == {"acute", "subacute_chronic"}
    assert set(cases["episode"]) == {"first", "recurrent"}
    assert cases["cautions"].map(len).sum() > 0


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_plan_has_the_expected_stage_gate_and_items(content, case_id):
    case = _case(content, case_id)
    plan = build_plan(scenario_from_case(case_id, content), content)
    assert plan.stage.id == case["expected_stage"]
    assert plan.gate.level == case["expected_level"]
    for expected in case["expected_items"]:
        item_id, _, status = expected.partition(":")
        assert item_id in plan.item_ids, f"{case_id}: {item_id} missing from {plan.item_ids}"
        if status:
            assert plan.item(item_id).status == status
    if plan.gate.replaces_plan:
        assert plan.item_ids == (f"gate_{plan.gate.level}",)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_no_learning_point_recommends_a_medicine_the_case_plan_rules_out(content, case_id):
    case = _case(content, case_id)
    plan = build_plan(scenario_from_case(case_id, content), content)
    ruled_out = {item.id for item in plan.items if not item.usable}
    words = {"nsaids": "NSAID", "muscle_relaxants": "relaxant"}
    for item_id, word in words.items():
        if item_id in ruled_out:
            for point in case["learning_points"]:
                if word.lower() in point.lower():
                    assert any(neg in point.lower() for neg in ("avoid", "not ", "no ")), point


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_has_two_to_four_learning_points_and_a_story(content, case_id):
    case = _case(content, case_id)
    assert 2 <= len(case["learning_points"]) <= 4
    assert all(point.endswith(".") for point in case["learning_points"])
    assert len(case["scenario"]) > 40


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_deep_link_opens_the_same_plan(content, case_id):
    scenario, notices = scenario_from_query(f"case={case_id}", content)
    assert notices == []
    assert scenario.case == case_id
    assert plan_to_markdown(build_plan(scenario, content)) == plan_to_markdown(
        build_plan(scenario_from_case(case_id, content), content)
    )

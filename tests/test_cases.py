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


def test_cases_cover_every_gate_tier_and_both_stages_and_episodes(content):
    cases = content.table("cases")
    assert set(cases["expected_gate"]) == {"clear", "routine", "urgent", "emergency"}
    assert set(cases["expected_stage"]) == {"acute", "subacute_chronic"}
    assert set(cases["episode"]) == {"first", "recurrent"}
    assert cases["cautions"].map(len).sum() > 0


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case_plan_has_the_expected_stage_gate_and_items(content, case_id):
    case = _case(content, case_id)
    plan = build_plan(scenario_from_case(case_id, content), content)
    assert plan.stage.id == case["expected_stage"]
    assert plan.gate.tier == case["expected_gate"]
    for expected in case["expected_items"]:
        item_id, _, status = expected.partition(":")
        assert item_id in plan.item_ids, f"{case_id}: {item_id} missing from {plan.item_ids}"
        if status:
            assert plan.item(item_id).status == status
    if plan.gate.holds_self_care:
        assert plan.item_ids == (f"gate_{plan.gate.tier}",)


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

"""Every number in the source article reaches the plan of the stage it belongs to, and no other stage.

The article (see data/README.md) gives these numbers:

- the acute stage is days 0-7; the sub-acute and chronic stage is 1 week to 3+ months;
- ice and heat for 20 minutes at a time, several times a day;
- child's pose, prone press-up and thread the needle: 3 sets of 5 to 10 reps, in the first couple
  of days (and, the article adds, still worth trying later);
- for recurrence: bent-over rows, good mornings, supermans, Romanian deadlifts 2-3 times a week,
  2-3 sets of 10 reps.
"""

from __future__ import annotations

from html import unescape

import pytest

from backcare_nb import Scenario, build_plan, plan_to_dict, plan_to_html, plan_to_markdown

ACUTE = Scenario(days_since_onset=2, episode="first")
RECURRENT_LATER = Scenario(days_since_onset=40, episode="recurrent")

# (scenario, the article's number as a viewer reads it, the item that carries it or None for the stage line)
IN_PLAN = [
    (ACUTE, "0-7 days", None),
    (ACUTE, "20 minutes", "heat"),
    (ACUTE, "20 minutes", "ice"),
    (ACUTE, "several times a day", "heat"),
    (ACUTE, "3 sets of 5-10 reps", "childs_pose"),
    (ACUTE, "3 sets of 5-10 reps", "prone_press_up"),
    (ACUTE, "3 sets of 5-10 reps", "thread_the_needle"),
    (ACUTE, "first couple of days", "childs_pose"),
    (RECURRENT_LATER, "1 week to 3+ months", None),
    (RECURRENT_LATER, "2-3 times a week", "bent_over_row"),
    (RECURRENT_LATER, "2-3 sets of 10 reps", "bent_over_row"),
    (RECURRENT_LATER, "2-3 sets of 10 reps", "good_morning"),
    (RECURRENT_LATER, "2-3 sets of 10 reps", "superman"),
    (RECURRENT_LATER, "2-3 sets of 10 reps", "romanian_deadlift"),
    (RECURRENT_LATER, "3 sets of 5-10 reps", "childs_pose"),
]


def _label(case):
    scenario, number, item = case
    return f"day{scenario.days_since_onset}-{number}-{item or 'stage'}"


@pytest.mark.parametrize(("scenario", "number", "item_id"), IN_PLAN, ids=[_label(case) for case in IN_PLAN])
def test_article_number_is_in_the_plan_of_its_stage(content, scenario, number, item_id):
    plan = build_plan(scenario, content)
    assert number in plan_to_markdown(plan)
    assert number in unescape(plan_to_html(plan))
    if item_id is None:
        assert number in plan.stage.label
    else:
        item = next(item for item in plan_to_dict(plan)["items"] if item["id"] == item_id)
        assert number in " ".join([item["dose"], item["timing"]])


@pytest.mark.parametrize(
    ("scenario", "number"),
    [
        (RECURRENT_LATER, "20 minutes"),
        (RECURRENT_LATER, "0-7 days"),
        (RECURRENT_LATER, "several times a day"),
        (ACUTE, "2-3 times a week"),
        (ACUTE, "2-3 sets of 10 reps"),
        (ACUTE, "1 week to 3+ months"),
        (Scenario(days_since_onset=40, episode="first"), "2-3 sets of 10 reps"),
    ],
)
def test_article_number_stays_out_of_other_stages(content, scenario, number):
    plan = build_plan(scenario, content)
    for item in plan_to_dict(plan)["items"]:
        assert number not in " ".join([item["title"], item["dose"], item["timing"], item["why"]])
    assert number not in plan_to_markdown(plan)
    assert number not in unescape(plan_to_html(plan))


def test_the_two_stages_meet_where_the_article_puts_them(content):
    assert build_plan(Scenario(days_since_onset=7), content).stage.label == "Acute stage (0-7 days)"
    assert build_plan(Scenario(days_since_onset=8), content).stage.label == (
        "Sub-acute and chronic stage (1 week to 3+ months)"
    )

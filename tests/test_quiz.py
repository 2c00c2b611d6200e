"""The self-check quiz: its questions and grading (backcare_nb.quiz) and the QuizApp widgets.

Widget tests run without a browser: they build the app, set the controls as a learner would and
read what the page would show. The key promise is checked by walking the whole widget tree:
before submitting, nothing in the page holds an explanation or marks the right options.
"""

from __future__ import annotations

import csv
import logging
from html import escape
from pathlib import Path

import ipywidgets as widgets
import pytest

from backcare_nb.quiz import (
    ASSESSMENT_FIRST,
    GATE,
    ITEMS,
    NONE_OF_THESE,
    STAGE,
    Session,
    build_quiz,
    grade,
    right_answers,
)
from backcare_nb.ui.callbacks import FRIENDLY_MESSAGE, guarded
from backcare_nb.ui.quiz import NOT_SUBMITTED, QuizApp, feedback_html

CASES_CSV = Path(__file__).resolve().parents[1] / "data" / "cases.csv"
CASE_ROWS = list(csv.DictReader(CASES_CSV.open(encoding="utf-8")))
CASE_IDS = [row["id"] for row in CASE_ROWS]


def walk(widget: widgets.Widget):
    """Every widget in the tree under ``widget``, itself included."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def page_texts(widget: widgets.Widget) -> list[str]:
    """Every piece of text the page holds for the tree: values, labels, options, tooltips."""
    texts: list[str] = []
    for node in walk(widget):
        for name in ("value", "description", "tooltip", "placeholder"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                texts.append(value)
        for label in getattr(node, "_options_labels", ()) or ():
            texts.append(str(label))
    return texts


def labels_of(question) -> dict[str, str]:
    return {option.key: option.label for option in question.options}


# --- questions and grading -----------------------------------------------------------------------


def test_right_answers_are_all_marked_right_with_explanation_and_sources(content):
    quiz = build_quiz("desk_day2", content)
    result = grade(quiz, right_answers(quiz))
    assert (result.right, result.total) == (3, 3)
    stage = result.results[0]
    assert stage.expected == ("Acute stage (0-7 days)",)
    assert "days 0-7" in stage.explanation
    assert "first week" in stage.explanation.lower()
    assert [source for source, _ in stage.sources] == ["ARTICLE", "ACP2017"]
    assert "Qaseem" in stage.sources[1][1]


def test_wrong_stage_is_marked_wrong_and_shows_the_right_one(content):
    quiz = build_quiz("desk_day2", content)
    answers = right_answers(quiz) | {STAGE: "subacute_chronic"}
    result = grade(quiz, answers)
    stage = result.results[0]
    assert not stage.correct
    assert stage.chosen == ("Sub-acute and chronic stage (1 week to 3+ months)",)
    assert stage.expected == ("Acute stage (0-7 days)",)
    assert result.right == 2


def test_unanswered_question_counts_as_wrong(content):
    quiz = build_quiz("desk_day2", content)
    result = grade(quiz, {})
    assert result.right == 0
    assert result.results[0].chosen == ()


def test_ticking_bed_rest_makes_the_checklist_wrong_and_says_why(content):
    quiz = build_quiz("desk_day2", content)
    items = quiz.question(ITEMS)
    assert "Bed rest" in labels_of(items).values()
    answers = right_answers(quiz)
    answers[ITEMS] = answers[ITEMS] | {"bed_rest"}
    result = grade(quiz, answers).results[2]
    assert not result.correct
    feedback = {label: (right, note) for label, right, note in result.option_feedback}
    assert feedback["Bed rest"][0] is False
    assert "stiffer" in feedback["Bed rest"][1]
    assert feedback["Heat"][0] is True
    assert feedback["Heat"][1].startswith("In the plan")


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_bed_rest_is_a_distractor_in_every_case_without_its_hint(content, case_id):
    items = build_quiz(case_id, content).question(ITEMS)
    labels = labels_of(items)
    assert labels["bed_rest"] == "Bed rest"  # "(not advised)" would give the answer away
    assert "bed_rest" not in items.answer
    assert not any("not advised" in label.lower() for label in labels.values())


def test_red_flag_question_for_night_pain_and_weight_loss(content):
    quiz = build_quiz("night_pain_weight_loss", content)
    gate = quiz.question(GATE)
    assert labels_of(gate)[next(iter(gate.answer))] == "Assessment within about a week"
    result = grade(quiz, {GATE: "clear"}).results[1]
    assert not result.correct
    assert "Pain at night that stops sleep" in result.explanation
    assert "Weight loss without a known reason" in result.explanation
    assert "Within about a week" in result.explanation
    assert result.sources[0][0] == "IFOMPT-RF2020"  # combining flags: IFOMPT, not NG234 (that is for cancer)


def test_the_level_question_offers_every_level_in_order(content):
    gate = build_quiz("desk_day2", content).question(GATE)
    assert [option.key for option in gate.options] == ["clear", "watchful", "routine", "soon", "urgent", "emergency"]
    assert "combining the red flags with this person's story" in gate.prompt.lower()


def test_the_plan_question_is_about_the_articles_plan_and_never_lists_added_items(content):
    items = build_quiz("desk_day2", content).question(ITEMS)
    assert "article's plan for this person at this stage" in items.prompt
    for added in ("imaging", "prognosis", "return_to_work", "risk_stratification", "walking_programme"):
        assert added not in labels_of(items)


def test_a_single_weak_flag_case_keeps_its_self_care_plan(content):
    quiz = build_quiz("first_onset_58", content)
    assert quiz.question(GATE).answer == {"watchful"}
    assert {"heat", "walking"} <= quiz.question(ITEMS).answer


def test_emergency_case_holds_the_whole_plan(content):
    quiz = build_quiz("saddle_numbness", content)
    assert quiz.question(GATE).answer == {"emergency"}
    items = quiz.question(ITEMS)
    assert items.answer == {NONE_OF_THESE, ASSESSMENT_FIRST}
    result = grade(quiz, {ITEMS: {"heat"}}).results[2]
    assert not result.correct
    assert "emergency department" in result.explanation.lower()


def test_caution_that_rules_out_nsaids_makes_them_a_distractor(content):
    items = build_quiz("pregnant_24_weeks", content).question(ITEMS)
    nsaids = "Anti-inflammatory painkillers (NSAIDs)"
    assert nsaids in labels_of(items).values()
    assert "nsaids" not in items.answer
    assert "20 weeks" in items.option_notes["nsaids"]


def test_anticoagulant_rules_nsaids_out_of_the_older_adults_plan(content):
    items = build_quiz("older_anticoagulant", content).question(ITEMS)
    assert "nsaids" not in items.answer
    assert "bleeding" in items.option_notes["nsaids"]
    assert "muscle_relaxants" not in items.answer  # AGS Beers 2023: avoid in older adults


def test_check_first_medicine_still_belongs_with_a_note(content_copy):
    line = content_copy.line_of("cases", "older_anticoagulant")
    content_copy.set_cell("cases", line, "cautions", "age_65_plus")
    content_copy.set_cell("cases", line, "expected_items", "nsaids:check_first;muscle_relaxants:avoid")
    items = build_quiz("older_anticoagulant", content_copy.load()).question(ITEMS)
    assert "nsaids" in items.answer
    assert "prescriber or pharmacist first" in items.option_notes["nsaids"]


@pytest.mark.parametrize("row", CASE_ROWS, ids=CASE_IDS)
def test_every_case_can_be_quizzed_and_agrees_with_its_expected_columns(content, row):
    quiz = build_quiz(row["id"], content)
    assert quiz.title == row["title"]
    assert quiz.question(STAGE).answer == {row["expected_stage"]}
    assert quiz.question(GATE).answer == {row["expected_level"]}
    items = quiz.question(ITEMS)
    shown = labels_of(items)
    for entry in filter(None, row["expected_items"].split(";")):
        item_id, _, status = entry.partition(":")
        if item_id == "bed_rest" or item_id not in shown:
            continue
        if status == "avoid":
            assert item_id not in items.answer, entry
        else:
            assert item_id in items.answer, entry
    assert grade(quiz, right_answers(quiz)).right == 3


def test_session_scores_and_locks_each_case(content):
    session = Session()
    assert session.summary() == "Score this session: no answers submitted yet"
    first = build_quiz("desk_day2", content)
    session.submit(first, right_answers(first))
    second = build_quiz("day14_improving", content)
    session.submit(second, {})
    assert (session.right, session.total, session.cases) == (3, 6, 2)
    assert session.summary() == "Score this session: 3 of 6 points; 3 of 6 questions right over 2 cases"
    with pytest.raises(RuntimeError, match="submitted"):
        session.submit(first, right_answers(first))
    session.unlock("desk_day2")
    session.submit(first, right_answers(first))
    assert session.right == 6


def test_unknown_option_is_refused(content):
    quiz = build_quiz("desk_day2", content)
    with pytest.raises(ValueError, match="unknown option"):
        grade(quiz, {STAGE: "chronic"})


# --- the QuizApp widgets ----------------------------------------------------------------------------


def secrets(quiz) -> list[str]:
    """Every text that must stay in the kernel until the learner submits."""
    hidden = list(quiz.learning_points)
    for question in quiz.questions:
        hidden.append(question.explanation)
        hidden.extend(note for note in question.option_notes.values() if note)
    return hidden


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_before_submit_the_page_holds_no_answer(content, case_id):
    app = QuizApp(content, case_id=case_id)
    quiz = app.quiz
    texts = page_texts(app.container)
    page = "\n".join(texts)
    for secret in secrets(quiz):
        assert secret not in page and escape(secret) not in page, secret
    # The item rationales, the gate actions and the learning points are not in the page in any form.
    interventions = {row["id"]: row for row in content.records["interventions"]}
    for item_id in quiz.question(ITEMS).answer - {NONE_OF_THESE, ASSESSMENT_FIRST}:
        assert escape(interventions[item_id]["rationale"]) not in page
    for marker in ("✔", "✘", "The answer:", "Learning points", "right for this case"):
        assert marker not in page
    radios = [node for node in walk(app.container) if isinstance(node, widgets.RadioButtons)]
    boxes = [node for node in walk(app.container) if isinstance(node, widgets.Checkbox)]
    assert len(radios) == 2 and all(radio.index is None for radio in radios)
    assert len(boxes) == len(quiz.question(ITEMS).options)
    assert not any(box.value for box in boxes)
    assert app.feedback.value == NOT_SUBMITTED


def test_submit_shows_right_and_wrong_with_explanations_and_sources(content):
    app = QuizApp(content, case_id="desk_day2")
    app.choose(STAGE, "Acute stage (0-7 days)")
    app.choose(GATE, "Same-day assessment")  # wrong: no red flags in this case
    app.choose(ITEMS, ["Heat", "Ice", "Walking", "Child's pose", "Anti-inflammatory painkillers (NSAIDs)", "Bed rest"])
    app.submit_button.click()
    shown = app.feedback.value
    assert "1 of 3 right for this case" in shown
    assert "1. Stage: " in shown and "✔ Right" in shown
    assert "2. Red flags: " in shown and "✘ Not right" in shown
    assert escape(app.quiz.question(STAGE).explanation) in shown
    assert "Carry on with the self-care plan" in shown
    assert "stiffer" in shown  # the rationale for bed rest
    assert "ARTICLE" in shown and "IFOMPT-RF2020" in shown
    assert "Learning points" in shown and escape(app.quiz.learning_points[0]) in shown
    assert "1 of 3 questions right over 1 case" in app.score.value
    assert app.message.value == ""


def test_answers_lock_after_submit_until_next_case(content):
    app = QuizApp(content, case_id="desk_day2")
    app.submit_button.click()
    controls = [node for node in walk(app.questions_box) if isinstance(node, widgets.RadioButtons | widgets.Checkbox)]
    assert controls and all(control.disabled for control in controls)
    assert app.submit_button.disabled
    score = app.score.value
    app._on_submit()  # a second submit (e.g. a stale click) does not count again
    assert app.score.value == score
    assert "has been submitted" in app.message.value

    app.next_button.click()
    assert app.case_picker.value == CASE_IDS[1]
    assert app.feedback.value == NOT_SUBMITTED
    assert not app.submit_button.disabled
    controls = [node for node in walk(app.questions_box) if isinstance(node, widgets.RadioButtons | widgets.Checkbox)]
    assert not any(control.disabled for control in controls)
    assert "0 of 3 questions right over 1 case" in app.score.value


def test_score_adds_up_over_the_session_and_a_changed_case_reopens(content):
    app = QuizApp(content, case_id="desk_day2")
    for question, label in ((STAGE, "Acute stage (0-7 days)"), (GATE, "Carry on with the self-care plan")):
        app.choose(question, label)
    app.submit_button.click()
    assert "2 of 3 questions right over 1 case" in app.score.value
    app.case_picker.value = "saddle_numbness"
    app.choose(GATE, "Emergency: get help now (999, the emergency department or the team named)")
    items = app.quiz.question(ITEMS)
    app.choose(ITEMS, [items.label(NONE_OF_THESE), items.label(ASSESSMENT_FIRST)])
    app.submit_button.click()
    assert "4 of 6 questions right over 2 cases" in app.score.value
    app.case_picker.value = "desk_day2"  # back to a submitted case: open again, unanswered
    assert not app.submit_button.disabled
    assert app.feedback.value == NOT_SUBMITTED


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_every_case_can_be_answered_right_through_the_page(content, case_id):
    app = QuizApp(content)
    app.case_picker.value = case_id
    quiz = app.quiz
    for question in quiz.questions:
        labels = [question.label(key) for key in sorted(question.answer)]
        app.choose(question.id, labels if question.kind == "multiple" else labels[0])
    app.submit_button.click()
    assert "3 of 3 right for this case" in app.feedback.value
    assert app.message.value == ""


def test_every_control_is_a_keyboard_operable_native_control_with_a_visible_label(content):
    app = QuizApp(content)
    controls = [
        node
        for node in walk(app.container)
        if isinstance(node, widgets.Dropdown | widgets.RadioButtons | widgets.Checkbox | widgets.Button)
    ]
    assert {type(control) for control in controls} == {
        widgets.Dropdown,
        widgets.RadioButtons,
        widgets.Checkbox,
        widgets.Button,
    }
    for control in controls:
        assert control.description.strip(), control
        assert not control.disabled
        assert control.tabbable is not False  # not taken out of the tab order
    assert app.case_picker.description == "Teaching case"
    assert app.case_picker.style.description_width == "initial"
    assert app.submit_button.description == "Submit"


def test_a_failing_callback_shows_a_friendly_message_and_logs(caplog):
    class Broken:
        def __init__(self) -> None:
            self.message = widgets.HTML()

        @guarded
        def _on_click(self, button=None) -> None:
            raise KeyError("no such case")

    broken = Broken()
    # The server log does not propagate to the root logger (see log_to_server): listen on it directly.
    logger = logging.getLogger("backcare_nb")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="backcare_nb"):
            assert broken._on_click() is None  # the exception does not escape
    finally:
        logger.removeHandler(caplog.handler)
    assert FRIENDLY_MESSAGE in broken.message.value
    assert "Traceback" not in broken.message.value and "KeyError" not in broken.message.value
    assert any("Broken._on_click" in record.getMessage() and record.exc_info for record in caplog.records)


def test_the_plan_question_gives_credit_per_item_and_says_what_was_missed(content):
    quiz = build_quiz("desk_day2", content)
    items = quiz.question("items")
    right = set(items.answer)
    wrong = [option.key for option in items.options if option.key not in right]
    # All the right items but one, and one wrong item ticked: two options misplaced.
    chosen = (right - {sorted(right)[0]}) | {wrong[0]}
    result = grade(quiz, {"items": chosen}).results[-1]
    total = len(items.options)
    assert not result.correct
    assert result.credit == pytest.approx((total - 2) / total)
    assert len(result.missed) == 2 and all(note for _, note in result.missed)
    shown = feedback_html(grade(quiz, {"items": chosen}))
    assert f"({total - 2} of {total} right)" in shown
    assert "Missed, and why:" in shown
    # Nothing ticked earns nothing, though leaving the wrong boxes empty is right for them.
    assert grade(quiz, {}).results[-1].credit == 0

"""The dashboard app without a browser: set controls as a viewer would, read what the viewer reads.

Each test moves the real ipywidgets controls (which fires the same handler the browser does) and
then reads the HTML of the output widgets, parsed into elements, by the CSS classes the page uses.
Also here: the weekly schedule and the timeline chart the dashboard shows.
"""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports matplotlib

import pytest

from backcare_nb import Scenario, build_plan, load_content
from backcare_nb.render import DISCLAIMER
from backcare_nb.schedule import weekly_schedule
from backcare_nb.timeline import timeline_svg, timeline_text
from backcare_nb.ui import DashboardApp
from backcare_nb.ui import dashboard as dashboard_module
from backcare_nb.ui.panels import FRIENDLY_ERROR
from tests.conftest import heavy_modules_after

CASES = load_content().records["cases"]
VOID = {"img", "br", "hr", "input", "meta", "link"}


# --- reading the page -----------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    def find_all(self, css_class: str | None = None, tag: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if (css_class is None or css_class in child.classes) and (tag is None or child.tag == tag):
                    found.append(child)
                found += child.find_all(css_class, tag)
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def page(app: DashboardApp) -> Element:
    return parse(app.page_html())


def text_of(app: DashboardApp, css_class: str) -> str:
    return " ".join(element.text for element in page(app).find_all(css_class))


def item_ids(app: DashboardApp) -> list[str]:
    return [item.attrs["data-item-id"] for item in page(app).find_all("bc-item")]


def item(app: DashboardApp, item_id: str) -> Element:
    matches = [found for found in page(app).find_all("bc-item") if found.attrs["data-item-id"] == item_id]
    assert len(matches) == 1, f"{item_id} shown {len(matches)} times"
    return matches[0]


def handout_link(app: DashboardApp, kind: str = "patient") -> Element:
    if not page(app).find_all(f"bc-handout-{kind}", tag="a"):
        app.handout_button.click()  # the handouts are made when the viewer asks for them
    (link,) = page(app).find_all(f"bc-handout-{kind}", tag="a")
    return link


def handout_page(app: DashboardApp, kind: str = "patient") -> str:
    href = handout_link(app, kind).attrs["href"]
    prefix = "data:text/html;charset=utf-8;base64,"
    assert href.startswith(prefix)
    return base64.b64decode(href[len(prefix) :]).decode("utf-8")


@pytest.fixture
def app(content) -> DashboardApp:
    return DashboardApp(content)


# --- controls --------------------------------------------------------------------------------------


def test_every_control_has_its_exact_visible_label(app, content):
    assert app.days_text.description == "Days since onset (0-365)"
    # The slider is named by the same words (the page's template turns its tooltip into its aria-label).
    assert app.days_slider.tooltip == "Days since onset"
    assert app.days_slider.readout is False  # one number box, not a second readout
    stops = [value for _, value in app.days_slider.options]
    assert stops[:29] == list(range(29)) and stops[-1] == 120  # every day of the first four weeks
    assert 85 in stops  # and each day the plan changes (the after-12-weeks guidance)
    assert (app.days_text.min, app.days_text.max) == (0, 365)
    assert app.episode_picker.description == "Episode"
    assert app.episode_picker.options == (("First episode", "first"), ("Recurrent", "recurrent"))
    assert app.pain_slider.description == "Pain (0-10)"
    assert (app.pain_slider.min, app.pain_slider.max) == (0, 10)
    assert app.case_picker.description == "Teaching case"
    assert [label for label, _ in app.case_picker.options] == ["(none)", *(case["title"] for case in CASES)]
    assert [box.description for box in app.red_flag_boxes.values()] == list(content.red_flags["label"])
    caution_labels = dict(zip(content.cautions["id"], content.cautions["label"], strict=True))
    assert {cid: box.description for cid, box in app.caution_boxes.items()} == {
        cid: caution_labels[cid] for cid in content.caution_ids
    }
    controls = [app.days_slider, app.days_text, app.episode_picker, app.pain_slider, app.case_picker]
    controls += [*app.red_flag_boxes.values(), *app.caution_boxes.values()]
    # "initial" sizes the label to its text, so no label is cut off with an ellipsis.
    assert all(control.style.description_width == "initial" for control in controls)


def test_red_flags_are_grouped_under_headings_of_their_group(app, content):
    layout = parse("".join(child.value for child in _html_widgets(app.widget)))
    headings = [heading.text for heading in layout.find_all("bc-group")]
    assert headings == list(dict.fromkeys(content.red_flags["group"]))
    assert layout.find_all("bc-heading", tag="h2")[0].text == "Scenario"
    # The flags and cautions fold behind buttons that count what is ticked.
    assert app.groups["red_flags"].button.description == "Red flags: 0 ticked (show)"
    assert app.groups["cautions"].button.description == "Medication cautions: 0 ticked (show)"
    app.red_flag_boxes["fever"].value = True
    assert app.groups["red_flags"].button.description == "Red flags: 1 ticked (show)"
    app.groups["red_flags"].button.click()
    assert app.groups["red_flags"].box.layout.display == "flex"
    assert app.groups["red_flags"].button.description == "Red flags: 1 ticked (hide)"


def _html_widgets(widget):
    import ipywidgets

    if isinstance(widget, ipywidgets.HTML):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _html_widgets(child)


# --- scenarios ---------------------------------------------------------------------------------------


def test_day_2_first_episode_is_the_acute_plan(app):
    stage = text_of(app, "bc-stage")
    assert "Day 2" in stage
    assert "Acute stage (0-7 days)" in stage
    assert "Acute (under 4 weeks)" in stage
    assert page(app).find_all("bc-gate") == []
    shown = item_ids(app)
    for expected in ("heat", "ice", "nsaids", "muscle_relaxants", "childs_pose", "walking", "bed_rest"):
        assert expected in shown
    assert "stay_active" not in shown and "bent_over_row" not in shown
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day2-first.html"
    assert "Acute stage (0-7 days)" in handout_page(app, "clinician")
    assert "Put a heat pack or a hot water bottle, wrapped in a towel, on your lower back" in handout_page(app)
    assert text_of(app, "bc-disclaimer") == f"{DISCLAIMER} Content 3.0, reviewed 2026-12-02, next review 2027-12."
    assert "ice, heat, NSAIDs" in text_of(app, "bc-takeaways")
    assert "Ice or heat: which to choose" in text_of(app, "bc-related")


def test_each_item_shows_dose_and_timing_and_folds_the_why_and_evidence(app):
    heat = item(app, "heat")
    assert "Heat" in heat.find_all("bc-item-title")[0].text
    assert "20 minutes at a time" in heat.find_all("bc-dose")[0].text
    assert "first week" in heat.find_all("bc-timing")[0].text
    (details,) = heat.find_all(tag="details")
    assert "symptoms" in details.text  # the rationale
    assert "ACP 2017" in details.text and "agrees with the article" in details.text
    assert "certainty: moderate" in details.text


def test_day_10_moves_to_the_article_later_stage_but_not_the_guideline_one(app):
    app.days_slider.value = 10
    stage = text_of(app, "bc-stage")
    assert "Day 10" in stage
    assert "Sub-acute and chronic stage (1 week to 3+ months)" in stage
    assert "Acute (under 4 weeks)" in stage
    assert app.days_text.value == 10
    shown = item_ids(app)
    assert "stay_active" in shown
    assert "heat" not in shown and "nsaids" not in shown
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day10-first.html"
    assert "Sub-acute and chronic stage (1 week to 3+ months)" in handout_page(app, "clinician")


def test_day_40_recurrent_brings_in_strengthening(app):
    app.days_text.value = 40
    app.episode_picker.value = "recurrent"
    stage = text_of(app, "bc-stage")
    assert "Day 40" in stage and "Subacute (4-12 weeks)" in stage
    shown = item_ids(app)
    for expected in ("bent_over_row", "good_morning", "superman", "romanian_deadlift", "physical_therapist"):
        assert expected in shown
    row = item(app, "bent_over_row")
    assert "2-3 times a week, 2-3 sets of 10 reps" in row.text
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day40-recurrent.html"
    assert "Recurrent" in handout_page(app, "clinician")


def test_typing_day_200_parks_the_slider_and_moving_the_slider_sets_the_text(app):
    app.days_text.value = 200
    assert app.days_slider.value == 120
    assert app.plan.scenario.days_since_onset == 200
    stage = text_of(app, "bc-stage")
    assert "Day 200" in stage and "Chronic (over 12 weeks)" in stage
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day200-first.html"
    app.days_slider.value = 28
    assert app.days_text.value == 28
    assert "Day 28" in text_of(app, "bc-stage")
    app.days_text.value = 40  # between two stops: the slider rests on the one before
    assert app.days_slider.value == 35


def test_a_slider_move_from_the_browser_is_applied_without_an_echo(app, monkeypatch):
    # What ipywidgets would send back on the slider's own channel (the kernel's messages to the browser).
    sent = []
    monkeypatch.setattr(app.days_slider.comm, "send", lambda data=None, **keys: sent.append(data))
    app.days_slider.set_state({"index": 9})  # the browser's message for a key press
    assert app.days_text.value == 9 and "Day 9" in text_of(app, "bc-stage")
    assert sent == []  # no echo of the value the browser already shows
    app.case_picker.value = "golfer_recurrent"  # a case moves the slider from the kernel: that is sent
    assert [message["state"] for message in sent] == [{"index": app.days_slider.index}]


def test_an_emergency_flag_replaces_the_self_care_plan(app):
    app.red_flag_boxes["saddle_numbness"].value = True
    gate = text_of(app, "bc-gate")
    assert "Emergency: get help now" in gate
    assert "saddle area" in gate
    assert item_ids(app) == ["gate_emergency"]
    assert "No schedule: the self-care plan is replaced" in text_of(app, "bc-schedule")
    assert page(app).find_all("bc-schedule")[0].find_all(tag="table") == []
    assert "on hold" in _timeline_alt(app)
    assert "Go to the emergency department now if you notice" in text_of(app, "bc-safety")
    assert "emergency department" in handout_page(app)
    app.red_flag_boxes["saddle_numbness"].value = False
    assert page(app).find_all("bc-gate") == []
    assert "childs_pose" in item_ids(app)


def test_a_pregnant_person_sent_to_the_maternity_unit_still_reads_which_medicines_are_not_for_her(app):
    app.set_scenario(Scenario(5, "recurrent", 6, ("fever",), ("pregnancy_20_weeks",)))
    gate = text_of(app, "bc-gate")
    assert "Call the maternity unit now" in gate
    assert "While waiting: Anti-inflammatory painkillers (NSAIDs): not for you." in gate
    assert "While you wait: Anti-inflammatory painkillers (NSAIDs): not for you." in handout_page(app)


def test_a_routine_level_keeps_the_plan_and_adds_the_referral(app):
    app.set_scenario(Scenario(120))  # NICE NG65 counts back pain of more than 3 months
    for flag in ("long_standing_before_45", "onset_before_35", "night_waking", "buttock_pain"):
        app.red_flag_boxes[flag].value = True
    assert "Routine referral" not in text_of(app, "bc-gate")  # 3 NG65 criteria: not enough on their own
    assert "Not enough on their own to change the level" in text_of(app, "bc-gate")
    app.red_flag_boxes["better_with_movement"].value = True
    assert "Routine referral" in text_of(app, "bc-gate")
    shown = item_ids(app)
    assert "childs_pose" in shown and "gate_routine" in shown


@pytest.mark.parametrize(
    ("caution", "status"),
    [("age_65_plus", "Check with a prescriber or pharmacist first"), ("stomach_ulcer", "Not advised")],
)
def test_an_nsaid_caution_changes_the_nsaid_item(app, caution, status):
    assert item(app, "nsaids").find_all("bc-status") == []
    app.caution_boxes[caution].value = True
    (shown,) = item(app, "nsaids").find_all("bc-status")
    assert status in shown.text
    assert "Caution:" in item(app, "nsaids").text


def test_severe_pain_shows_a_note_without_a_gate(app):
    app.pain_slider.value = 9
    assert "Pain is 9/10" in text_of(app, "bc-warning")
    assert page(app).find_all("bc-gate") == []
    assert "pain 9/10" in text_of(app, "bc-stage")


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_each_teaching_case_sets_every_control_and_the_stage(app, content, case):
    app.case_picker.value = case["id"]
    assert app.days_text.value == case["days"]
    assert app.days_slider.value == max(stop for _, stop in app.days_slider.options if stop <= case["days"])
    assert app.episode_picker.value == case["episode"]
    assert app.pain_slider.value == case["pain"]
    assert {fid for fid, box in app.red_flag_boxes.items() if box.value} == set(case["red_flags"])
    assert {cid for cid, box in app.caution_boxes.items() if box.value} == set(case["cautions"])
    stage_label = content.stages.set_index("id").loc[case["expected_stage"], "label"]
    stage = text_of(app, "bc-stage")
    assert f"Day {case['days']}" in stage and stage_label in stage
    gate = text_of(app, "bc-gate")
    if case["expected_level"] == "clear":
        assert gate == ""
    else:
        assert content.concern_levels.set_index("level").loc[case["expected_level"], "title"] in gate
    for expected in case["expected_items"]:
        item_id, _, status = expected.partition(":")
        classes = item(app, item_id).classes
        assert f"bc-status-{status or 'advised'}" in classes
    assert case["title"] in text_of(app, "bc-case")
    assert case["learning_points"][0] in text_of(app, "bc-case")


def test_editing_a_control_after_a_case_keeps_it_on_screen_with_a_way_back(app):
    app.case_picker.value = "golfer_recurrent"
    case_scenario = app.plan.scenario
    app.pain_slider.value = 2
    # The case stays on screen (nothing jumps), says it was changed, and the plan is the edited one.
    assert app.case_picker.value == "golfer_recurrent"
    assert 'Changed from the case "' in app.case_note.value
    assert app.plan.scenario == Scenario(40, "recurrent", 2)
    assert app.case_row.layout.display == "flex" and not app.case_reset.disabled
    app.case_reset.click()
    assert app.plan.scenario == case_scenario
    assert app.case_note.value == ""
    assert app.case_reset.disabled  # still there, greyed out: nothing below it moves
    app.case_picker.value = ""
    assert app.case_row.layout.display == "none"


def test_choosing_a_case_builds_the_plan_once(app, monkeypatch):
    calls = []

    def counting_build_plan(scenario, content):
        calls.append(scenario)
        return build_plan(scenario, content)

    monkeypatch.setattr(dashboard_module, "build_plan", counting_build_plan)
    app.case_picker.value = "older_anticoagulant"
    # Once for the case's day (not once per control the case moves), and once for each later day of the week.
    assert sorted(scenario.days_since_onset for scenario in calls) == list(range(3, 10))
    assert calls[0].cautions == ("age_65_plus", "anticoagulant") and calls[0].case == "older_anticoagulant"
    app.days_text.value = 4  # the next day (no longer the case's): only the week's new last day is built
    assert [scenario.days_since_onset for scenario in calls[7:]] == [10]


def test_set_scenario_moves_the_controls_and_the_plan_is_read_only(app):
    app.set_scenario(Scenario(14, "recurrent", 3, ("fever",), ("opioids",)))
    assert (app.days_slider.value, app.days_text.value, app.episode_picker.value) == (14, 14, "recurrent")
    assert app.red_flag_boxes["fever"].value and app.caution_boxes["opioids"].value
    assert "Urgent: same-day assessment" in text_of(app, "bc-gate")
    with pytest.raises(AttributeError):
        app.plan = None


# --- links, errors and the cost of a change ----------------------------------------------------------


def test_a_deep_link_sets_the_first_scenario(content, monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "days=10&episode=recurrent&pain=6&flags=fever&cautions=age_65_plus")
    app = DashboardApp.from_environment(content)
    assert app.plan.scenario == Scenario(10, "recurrent", 6, ("fever",), ("age_65_plus",))
    assert (app.days_slider.value, app.pain_slider.value) == (10, 6)
    assert page(app).find_all("bc-notice") == []
    assert "Urgent" in text_of(app, "bc-gate")


def test_a_case_link_selects_the_case(content, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "case=runner_week10")
    app = DashboardApp.from_environment(content)
    assert app.case_picker.value == "runner_week10"
    assert "Day 70" in text_of(app, "bc-stage")


@pytest.mark.parametrize(
    ("query", "notice", "days"),
    [
        ("days=abc", "Ignored days='abc'", 2),
        ("days=9999&episode=sideways", "days=9999 is outside 0-365; used 365.", 365),
        ("episode=<script>alert(1)</script>", "Ignored episode=", 2),
        ("flags=<img src=x onerror=alert(1)>", "Ignored unknown red flag", 2),
        ("case=nope&pain=-4", "Ignored unknown case 'nope'.", 2),
        ("%ZZ&&=&days", "Ignored", 2),
        ("days=" + "9" * 5000, "longer than 2000 characters", 365),
    ],
)
def test_a_bad_link_shows_a_notice_and_falls_back_to_defaults(content, monkeypatch, query, notice, days):
    monkeypatch.setenv("QUERY_STRING", query)
    app = DashboardApp.from_environment(content)
    notices = text_of(app, "bc-notice")
    assert notice in notices
    assert app.plan.scenario.days_since_onset == days
    assert app.plan.scenario.episode == "first"
    raw = app.outputs["notices"].value
    assert "<script" not in raw and "<img" not in raw  # echoed values are escaped
    assert text_of(app, "bc-error") == ""


def test_an_error_in_a_callback_shows_a_friendly_message_and_logs_the_traceback(app, monkeypatch, caplog):
    def broken_build_plan(scenario, content):
        raise RuntimeError("internal detail that must not reach the viewer")

    monkeypatch.setattr(dashboard_module, "build_plan", broken_build_plan)
    with caplog.at_level(logging.ERROR, logger="backcare_nb"):
        app.days_slider.value = 12  # must not raise
    error = text_of(app, "bc-error")
    assert error == FRIENDLY_ERROR
    assert "Traceback" not in app.page_html() and "internal detail" not in app.page_html()
    assert "Day 2" in text_of(app, "bc-stage")  # the previous plan stays
    logged = [record for record in caplog.records if record.name == "backcare_nb"]
    assert logged and logged[0].exc_info and "internal detail" in str(logged[0].exc_info[1])

    monkeypatch.undo()
    app.days_slider.value = 13
    assert text_of(app, "bc-error") == ""
    assert "Day 13" in text_of(app, "bc-stage")


def test_an_error_while_applying_a_case_is_caught(app, monkeypatch):
    def broken_case(case_id, content):
        raise KeyError(case_id)

    monkeypatch.setattr(dashboard_module, "scenario_from_case", broken_case)
    app.case_picker.value = "day5_severe"
    assert text_of(app, "bc-error") == FRIENDLY_ERROR


def _day_marker(app: DashboardApp) -> Element:
    (marker,) = page(app).find_all("bc-day-marker")
    return marker


def test_the_day_marker_moves_along_the_timeline_with_the_day(app):
    def left(marker: Element) -> float:
        (line,) = marker.find_all(tag="line")
        assert line.attrs["x1"] == line.attrs["x2"]  # a vertical line
        return float(line.attrs["x1"])

    positions = []
    for day in (0, 7, 28, 120):
        app.days_slider.value = day
        marker = _day_marker(app)
        assert marker.text == f"Day {day}"
        positions.append(left(marker))
    assert positions == sorted(positions) and len(set(positions)) == 4
    # A square-root scale: the first week takes about a quarter of the axis, not a seventeenth.
    assert 0.2 < (positions[1] - positions[0]) / (positions[3] - positions[0]) < 0.3
    app.days_text.value = 200  # past the chart: pinned to its right end, with an arrow
    assert left(_day_marker(app)) == positions[-1] and _day_marker(app).text == "Day 200 →"


# --- the timeline and the schedule -----------------------------------------------------------------


def _timeline_picture(app: DashboardApp) -> Element:
    (picture,) = page(app).find_all("bc-timeline")[0].find_all(tag="svg")
    return picture


def _timeline_alt(app: DashboardApp) -> str:
    picture = _timeline_picture(app)
    assert picture.attrs["role"] == "img"
    title = picture.children[0]
    assert isinstance(title, Element) and title.tag == "title"  # the picture's accessible name
    return title.text


def test_the_timeline_is_a_picture_with_a_text_alternative(app):
    alt = _timeline_alt(app)
    assert alt.startswith("Timeline of days 0 to 120 since onset for a first episode.")
    (marker,) = page(app).find_all("bc-timeline-marker")  # the day's marker says which day it marks
    assert marker.attrs["aria-label"] == "Day 2 marked on the timeline"
    assert "Acute stage (0-7 days), days 0-7" in alt
    assert "Days 0-7: Heat, Ice" in alt
    assert alt in text_of(app, "bc-timeline")  # and again in words under the picture
    app.days_text.value = 40
    app.episode_picker.value = "recurrent"
    assert "Days 8-120: Bent-over row" in _timeline_alt(app)


def test_moving_the_day_redraws_only_the_timeline_marker(app):
    app.days_slider.value = 3
    picture = app.outputs["timeline"].value
    app.days_slider.value = 5
    assert app.outputs["timeline"].value == picture  # nothing new to send to the browser
    assert _day_marker(app).text == "Day 5"
    app.episode_picker.value = "recurrent"  # a new scenario: a new picture
    assert app.outputs["timeline"].value != picture
    assert "Bent-over row" in app.outputs["timeline"].value


def test_the_handouts_are_made_on_request_then_follow_the_plan(app):
    assert "bc-handout-patient" not in app.page_html()
    assert app.handout_button.description == "Make the handouts for this plan"
    app.handout_button.click()
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day2-first.html"
    assert app.handout_button.description == "Hide the handouts"
    app.days_text.value = 10
    assert handout_link(app).attrs["download"] == "backcare-patient-handout-day10-first.html"
    app.handout_button.click()
    assert "bc-handout-patient" not in app.page_html()
    assert page(app).find_all("bc-deep-link")  # the scenario's link stays


def test_the_timeline_labels_each_row_and_says_what_each_bar_is(app):
    app.episode_picker.value = "recurrent"
    picture = _timeline_picture(app)
    labels = [element.text for element in picture.find_all(tag="text")]
    for label in (
        "Article stage",
        "Guidelines",
        "Exercise",
        "Bent-over row",
        "What applies when: recurrent, days 0-120",
    ):
        assert label in labels
    bars = [group.find_all(tag="title")[0].text for group in picture.find_all(tag="g") if group.find_all(tag="title")]
    assert "Bent-over row: days 8-120" in bars
    assert "Acute stage (0-7 days): days 0-7" in bars


def test_timeline_functions_are_pure_and_mark_statuses_by_pattern_and_in_words(content):
    plan = build_plan(Scenario(3, cautions=("pregnancy_20_weeks",)), content)
    svg = timeline_svg(plan, content)
    root = ElementTree.fromstring(svg)  # well-formed, so the browser draws all of it
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg == timeline_svg(plan, content)
    text = timeline_text(plan, content)
    assert "Anti-inflammatory painkillers (NSAIDs) (not advised for this person)" in text
    nsaids = next(
        group for group in parse(svg).find_all(tag="g") if group.find_all(tag="title")[0].text.startswith("Anti-inflam")
    )
    assert "(not advised for this person)" in nsaids.find_all(tag="title")[0].text
    assert "url(#bc-hatch-avoid)" in [rect.attrs["fill"] for rect in nsaids.find_all(tag="rect")]
    legend = [element.text for element in parse(svg).find_all(tag="text")]
    assert "Not advised" in legend and "Medicines" in legend


def test_weekly_schedule_spreads_strengthening_over_the_week(content):
    frame = weekly_schedule(build_plan(Scenario(40, "recurrent"), content), content)
    assert list(frame.columns) == [f"Day {day}" for day in range(40, 47)]
    row = frame.loc["Bent-over row"]
    assert (row["Day 40"], row["Day 42"], row["Day 44"]) == (
        "2-3 sets of 10 reps",
        "2-3 sets of 10 reps",
        "2-3 sets of 10 reps (optional)",
    )
    assert row["Day 41"] == row["Day 43"] == row["Day 45"] == row["Day 46"] == ""
    assert set(frame.loc["Child's pose"]) == {"3 sets of 5-10 reps"}
    assert "Bed rest (not advised)" not in frame.index
    assert "Bed rest (not advised)" in frame.attrs["message"]


def test_weekly_schedule_is_empty_when_the_emergency_replaces_the_plan(content):
    frame = weekly_schedule(build_plan(Scenario(5, red_flags=("saddle_numbness",)), content), content)
    assert frame.empty
    assert frame.attrs["message"] == ("No schedule: the self-care plan is replaced. Emergency: get help now.")


def test_weekly_schedule_keeps_gentle_movement_while_an_assessment_is_arranged(content):
    frame = weekly_schedule(build_plan(Scenario(5, red_flags=("fever",)), content), content)
    assert "Walking" in frame.index and "Heat" in frame.index
    assert "Child's pose" not in frame.index  # held until the person has been assessed
    assert "Anti-inflammatory painkillers (NSAIDs)" not in frame.index


def test_a_day_2_week_shows_the_change_of_stage_on_day_8(content):
    frame = weekly_schedule(build_plan(Scenario(2), content), content)
    assert list(frame.columns) == [f"Day {day}" for day in range(2, 9)]
    assert frame.loc["Heat", "Day 7"] == "20 minutes at a time" and frame.loc["Heat", "Day 8"] == ""
    assert frame.loc["Stay active and try different activities", "Day 8"] != ""
    assert frame.loc["Stay active and try different activities", "Day 7"] == ""
    assert frame.loc["A couple of easier days", "Day 2"] != "" and frame.loc["A couple of easier days", "Day 3"] == ""
    assert frame.loc["Anti-inflammatory painkillers (NSAIDs)", "Day 2"] == "As needed, for the shortest time"
    assert "Muscle relaxants (prescription only)" not in frame.index  # prescription only: never scheduled


def test_weekly_schedule_marks_medicines_that_need_a_check(content):
    frame = weekly_schedule(build_plan(Scenario(2, cautions=("age_65_plus",)), content), content)
    assert (
        frame.loc["Anti-inflammatory painkillers (NSAIDs)", "Day 2"] == "Check first; as needed, for the shortest time"
    )
    assert "Muscle relaxants (prescription only)" not in frame.index  # not advised at 65 or over


def test_the_schedule_panel_shows_the_table(app):
    schedule = page(app).find_all("bc-schedule")[0]
    (table,) = schedule.find_all(tag="table")
    headers = [cell.text for cell in table.find_all(tag="th")][:8]
    assert headers == ["What", *(f"Day {day}" for day in range(2, 9))]
    rows = {row.find_all(tag="th")[0].text: row.find_all(tag="td") for row in table.find_all(tag="tr")[1:]}
    # A daily item reads once across the days it applies: one cell spanning days 2-7, empty on day 8.
    heat, after = rows["Heat"]
    assert (heat.text, heat.attrs["colspan"]) == ("20 minutes at a time", "6")
    assert after.text == ""
    app.days_text.value = 40
    app.episode_picker.value = "recurrent"
    table = page(app).find_all("bc-schedule")[0].find_all(tag="table")[0]
    rows = {row.find_all(tag="th")[0].text: row.find_all(tag="td") for row in table.find_all(tag="tr")[1:]}
    assert [cell.text for cell in rows["Superman"]] == [
        "2-3 sets of 10 reps",
        "",
        "2-3 sets of 10 reps",
        "",
        "2-3 sets of 10 reps (optional)",
        "",
        "",
    ]


# --- teaching mode inside the dashboard --------------------------------------------------------------


def test_teaching_panels_are_built_when_first_opened(app):
    import ipywidgets as widgets

    assert [button.description for button in app.teaching_buttons] == [
        "Open: Compare with another day",
        "Open: Evidence lens at this day",
    ]
    assert all(box.children == () for box in app.teaching_boxes)  # nothing built yet

    # Both start from the scenario on screen: compare it with a week later, the lens at its day.
    app.set_scenario(Scenario(3, "recurrent", 6, cautions=("anticoagulant",)))
    app.teaching_buttons[0].click()
    compare = app.teaching_boxes[0].children[0]
    assert "bc-compare" in compare._dom_classes
    assert app.teaching_buttons[0].description == "Close: Compare with another day"
    table = "".join(widget.value for widget in _html_widgets(compare))
    assert "Added" in table and "Removed" in table  # day 3 against day 10
    panels = app.teaching_boxes[0].children[0].children[1].children
    assert [panel.children[1].value for panel in panels] == [3, 10]
    assert all(panel.children[2].value == "recurrent" for panel in panels)

    app.teaching_buttons[1].click()
    lens_app = app.teaching_boxes[1].children[0]
    lens = "".join(widget.value for widget in _html_widgets(lens_app))
    assert "COCHRANE-NSAID2020" in lens and '<svg class="bc-effect-svg" role="img"' in lens  # the chart
    assert any(isinstance(w, widgets.IntSlider) and w.value == 3 for w in lens_app.children)

    app.teaching_buttons[1].click()  # closes it again
    assert app.teaching_boxes[1].layout.display == "none"


def test_every_plan_on_screen_carries_the_safety_net_and_origins(app):
    safety = text_of(app, "bc-safety")
    assert "Numbness around your genitals, buttocks or inner thighs" in safety
    assert "Go to the emergency department now if you notice" in safety
    assert "From the article" in item(app, "heat").text
    assert "Added from NICE NG59" in item(app, "imaging").text
    assert "Content 3.0, reviewed 2026-12-02, next review 2027-12" in text_of(app, "bc-disclaimer")


# Red flags that lead to each level of concern (data/concern_rules.csv).
LEVEL_FLAGS = {
    "clear": (),
    "watchful": ("night_pain",),
    "routine": ("long_standing_before_45", "onset_before_35", "night_waking", "buttock_pain", "better_with_movement"),
    "soon": ("cancer_history",),
    "urgent": ("fever",),
    "emergency": ("saddle_numbness",),
}


@pytest.mark.parametrize("level", LEVEL_FLAGS)
def test_the_safety_net_is_on_screen_and_in_both_handouts_at_every_level(app, content, level):
    app.set_scenario(Scenario(120))  # a day on which every level's flags count (NG65: over 3 months)
    for flag in LEVEL_FLAGS[level]:
        app.red_flag_boxes[flag].value = True
    assert app.plan.gate.level == level
    assert (f"gate_{level}" in item_ids(app)) == (level != "clear")
    # The safety net panel sits right under the plan (or under the emergency box that replaces it).
    assert dashboard_module.OUTPUT_NAMES.index("safety") == dashboard_module.OUTPUT_NAMES.index("plan") + 1
    (panel,) = page(app).find_all("bc-safety")
    nets = {net.attrs["data-net"]: net.text for net in panel.find_all("safety-net")}
    # Everyone's nets; with a history of cancer the cancer team's nets replace the general ones that
    # would give the same signs another place to go.
    if "cancer_history" in LEVEL_FLAGS[level]:
        expected = ["cauda_equina", "call_999", "cancer_now", "cancer_today", "same_day_infection"]
    else:
        expected = ["cauda_equina", "call_999", "same_day_infection", "same_day", "within_a_week", "not_improving"]
    assert list(nets) == expected
    assert nets["cauda_equina"].startswith("Go to the emergency department now if you notice")
    assert "Numbness around your genitals, buttocks or inner thighs" in nets["cauda_equina"]
    assert "Pain spreading down both legs" in nets["cauda_equina"]
    assert "Get seen the same day" in nets["same_day_infection"]
    if level != "clear":
        titles = {row["level"]: row["title"] for row in content.records["concern_levels"]}
        assert titles[level] in text_of(app, "bc-gate")
    for kind in ("patient", "clinician"):
        handout = handout_page(app, kind)
        assert 'data-net="cauda_equina"' in handout, kind
        assert "Numbness around your genitals, buttocks or inner thighs" in handout, kind
        assert "Go to the emergency department now if you notice" in handout, kind


def test_handout_details_reach_both_handouts_and_nothing_else(app):
    app.handout_fields["clinician"].value = "Dr Ada Lee"
    app.handout_fields["clinic"].value = "Riverside Physiotherapy"
    assert "by Dr Ada Lee, Riverside Physiotherapy" in handout_page(app)
    assert "by Dr Ada Lee, Riverside Physiotherapy" in handout_page(app, "clinician")
    assert "Ada Lee" not in page(app).find_all("bc-deep-link")[0].attrs["href"]
    assert "Ada Lee" not in app.plan.scenario.to_query()


def test_the_scenario_link_opens_a_new_tab_and_leaves_lab_alone(app, monkeypatch):
    link = page(app).find_all("bc-deep-link")[0]
    assert link.attrs["target"] == "_blank"
    assert link.attrs["href"] == "http://127.0.0.1:8866/?days=2&episode=first&pain=5"  # not served by Voila
    monkeypatch.setenv("BACKCARE_PUBLIC_URL", "https://teach.example.org/backcare/")
    app.case_picker.value = "golfer_recurrent"
    link = page(app).find_all("bc-deep-link")[0]
    assert link.attrs["href"] == (
        "https://teach.example.org/backcare/?days=40&episode=recurrent&pain=4&case=golfer_recurrent"
    )
    assert "QR code that opens this plan" in handout_page(app)


def test_presenter_play_drives_the_day_slider_and_large_type_toggles(app):
    play = app.presenter.play
    # Unlinked until played: a key press on the slider then sends the kernel one message, not two.
    assert app.presenter.link is None
    play.playing = True
    link = app.presenter.link
    # The slider leads: a new link copies source to target, so play goes on from the slider's day.
    # The play control walks the slider's stops (every early day, then weekly), by their index.
    assert link.source == (app.days_slider, "index") and link.target == (play, "value")
    assert (play.min, play.max) == (0, len(app.days_slider.options) - 1)
    app.days_text.value = 12
    play.value = 12  # a tick: the browser moved both, linked
    play.playing = False
    assert app.presenter.link is None and link.comm is None  # closed in the browser too
    assert app.scenario().days_since_onset == 12

    # Stop, pressed while paused, sends the play control to the first stop: the slider follows.
    play.value = 0
    assert app.days_slider.value == 0 and app.scenario().days_since_onset == 0
    assert "Day 0" in app.outputs["stage"].value

    app.presenter.presenting.value = True
    assert "bc-presenting" in app.widget._dom_classes
    app.presenter.presenting.value = False
    assert "bc-presenting" not in app.widget._dom_classes


def test_from_a_link_the_timeline_shows_that_scenario(content, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "days=40&episode=recurrent")
    app = DashboardApp.from_environment(content)
    assert "Day 40" in text_of(app, "bc-stage")
    assert "Days 8-120: Bent-over row" in _timeline_alt(app)
    assert _day_marker(app).text == "Day 40"
    app.days_slider.value = 42
    assert _day_marker(app).text == "Day 42"


def test_a_dashboard_kernel_shows_its_plan_without_importing_pandas_or_matplotlib(data_dir):
    # A viewer waits for the kernel to build the page; pandas and matplotlib would cost it about half
    # a second. They are imported only when a notebook asks for a table or the evidence chart.
    script = (
        "from backcare_nb import load_content\n"
        "from backcare_nb.ui.app import app_from_environment\n"
        "app = app_from_environment(load_content()).app  # as the notebook opens it\n"
        "assert 'Bed rest' in app.page_html() and 'bc-day-marker' in app.page_html()\n"
    )
    assert heavy_modules_after(script) == []

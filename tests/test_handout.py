"""The two handouts: plain words for the patient, the full summary for the clinician, each exercise
pictured, warning signs first, a QR code back to the scenario, and nothing fetched from outside."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from itertools import product

import pytest
import textstat

from backcare_nb import Scenario, build_plan, load_content
from backcare_nb.handout import (
    PUBLIC_URL_ENV,
    HandoutDetails,
    clinician_handout,
    patient_handout,
    patient_handout_text,
    scenario_link,
)

EXERCISES = (
    "childs_pose",
    "prone_press_up",
    "thread_the_needle",
    "bent_over_row",
    "good_morning",
    "superman",
    "romanian_deadlift",
)
PUBLIC = "https://teach.example.org/backcare/"
MAX_GRADE = 8.0
# Scenarios that together show every item a patient can read, every caution kind and every level.
READING_SCENARIOS = [
    Scenario(days, episode, cautions=cautions, red_flags=flags)
    for days, episode in product((0, 3, 10, 40, 120), ("first", "recurrent"))
    for cautions, flags in (((), ()), (("anticoagulant", "pregnancy_20_weeks"), ()), ((), ("night_pain",)))
] + [
    Scenario(3, red_flags=("fever",)),
    Scenario(20, red_flags=("cancer_history",)),
    Scenario(3, red_flags=("incontinence",)),
]


def test_every_exercise_has_a_valid_picture_with_a_title_and_alt_text(content):
    rows = {row["intervention_id"]: row for row in content.records["exercises"]}
    assert set(rows) == set(EXERCISES)
    for exercise in EXERCISES:
        svg = ElementTree.fromstring(content.pictures[exercise])
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        assert svg.get("viewBox")
        assert svg.find("{http://www.w3.org/2000/svg}title").text.strip()
        assert len(rows[exercise]["alt_text"]) > 40


@pytest.mark.parametrize("scenario", READING_SCENARIOS, ids=str)
def test_the_patient_handout_reads_at_or_below_school_grade_8(content, scenario):
    text = patient_handout_text(patient_handout(build_plan(scenario, content), HandoutDetails(public_url=PUBLIC)))
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"Flesch-Kincaid grade {grade} for {scenario}"


def test_a_content_edit_that_pushes_the_handout_above_grade_8_is_caught(content_copy):
    jargon = (
        "Superficial thermotherapy, administered intermittently to the lumbosacral region, demonstrates "
        "modest analgesic efficacy comparable with pharmacological interventions according to systematic "
        "evaluations of randomised controlled investigations conducted internationally."
    )
    for item_id in ("heat", "ice", "nsaids", "muscle_relaxants", "childs_pose", "prone_press_up", "walking"):
        content_copy.set_cell("interventions", content_copy.line_of("interventions", item_id), "patient_words", jargon)
    edited = load_content(content_copy.directory)
    text = patient_handout_text(patient_handout(build_plan(Scenario(3), edited)))
    assert textstat.flesch_kincaid_grade(text) > MAX_GRADE


def test_the_patient_handout_speaks_plainly_with_no_jargon_or_dose_column(content):
    html = patient_handout(build_plan(Scenario(3), content), HandoutDetails(today=dt.date(2026, 11, 26)))
    text = patient_handout_text(html)
    assert (
        "Put a heat pack or a hot water bottle, wrapped in a towel, on your lower back for 20 minutes at a time."
        in text
    )
    assert "never fall asleep with it on" in text
    assert "Do 3 sets of 5-10 slow repeats." in text
    for jargon in ("guideline band", "Teaching material for clinicians", "Dose", "acute stage", "data/README"):
        assert jargon not in text
    assert "Prepared 2026-11-26" in text
    assert "Content 3.0, reviewed 2026-12-02, next review 2027-12" in text


def test_warning_signs_come_before_the_plan_in_both_handouts(content):
    plan = build_plan(Scenario(3), content)
    for html in (patient_handout(plan), clinician_handout(plan)):
        assert "cauda equina" in html
        assert "Numbness around your genitals, buttocks or inner thighs" in html
    patient = patient_handout(plan)
    assert patient.index("Warning signs") < patient.index("What to do")


def test_each_exercise_in_the_plan_is_pictured_in_both_handouts(content):
    plan = build_plan(Scenario(40, "recurrent"), content)
    shown = [item.id for item in plan.items if item.category == "exercise"]
    assert "romanian_deadlift" in shown
    for html in (patient_handout(plan), clinician_handout(plan)):
        for exercise in shown:
            block = html[html.index(f'data-item-id="{exercise}"') :]
            block = block[: block.index("</div>", block.index("</figure>")) if "</figure>" in block else None]
            assert "<svg" in block and 'role="img"' in block, exercise


def test_ruled_out_and_held_items_are_apart_with_the_reason(content):
    plan = build_plan(Scenario(3, cautions=("anticoagulant",), red_flags=("fever",)), content)
    text = patient_handout_text(patient_handout(plan))
    assert "Not for now" in text
    assert "Anti-inflammatory painkillers (NSAIDs): not for you." in text
    assert "Child's pose: wait until a clinician has checked you." in text
    assert "Urgent: same-day assessment" in text


def test_who_hands_it_over_is_printed_and_escaped(content):
    details = HandoutDetails(clinician="Dr <b>Lee</b>", clinic="Riverside & Co", contact="0123 <script>")
    html = patient_handout(build_plan(Scenario(3), content), details)
    assert "by Dr &lt;b&gt;Lee&lt;/b&gt;, Riverside &amp; Co." in html
    assert "Contact: 0123 &lt;script&gt;." in html
    assert "<script" not in html


def test_the_qr_code_and_link_reopen_the_scenario_only_when_a_public_url_is_known(content, monkeypatch):
    plan = build_plan(Scenario(10, "recurrent", 6, cautions=("age_65_plus",)), content)
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    for html in (patient_handout(plan), clinician_handout(plan)):
        assert "QR code" not in html
    link = scenario_link(plan, PUBLIC)
    assert link == f"{PUBLIC}?days=10&episode=recurrent&pain=6&cautions=age_65_plus"
    monkeypatch.setenv(PUBLIC_URL_ENV, PUBLIC)
    details = HandoutDetails.from_environment()
    for html in (patient_handout(plan, details), clinician_handout(plan, details)):
        assert 'aria-label="QR code that opens this plan"' in html
        assert link.replace("&", "&amp;") in html
    assert scenario_link(plan, "javascript:alert(1)") == ""


@pytest.mark.parametrize("kind", [patient_handout, clinician_handout])
def test_handouts_are_self_contained(content, kind):
    html = kind(
        build_plan(Scenario(40, "recurrent", cautions=("pregnancy_20_weeks",)), content),
        HandoutDetails(public_url=PUBLIC),
    )
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r"\bsrc=", html)
    assert "url(" not in html
    assert "@import" not in html
    for href in re.findall(r'href="([^"]+)"', html):
        assert href.startswith(("https://", "#")), href  # links a reader may follow; nothing is loaded


@pytest.mark.parametrize("kind", [patient_handout, clinician_handout])
def test_handouts_escape_every_content_field(content_copy, kind):
    mark = "<i>x</i>"
    for table, row_id, column in (
        ("interventions", "heat", "title"),
        ("interventions", "heat", "patient_words"),
        ("exercises", "childs_pose", "how_to"),
        ("exercises", "childs_pose", "alt_text"),
        ("safety_nets", "cauda_equina", "action"),
        ("references", "NICE-NG59", "short"),
        ("cautions", "anticoagulant", "reason"),
        ("alternatives", "no_paracetamol_alone", "text"),
    ):
        line = content_copy.line_of(table, row_id)
        content_copy.set_cell(table, line, column, content_copy.cell(table, line, column) + mark)
    edited = load_content(content_copy.directory)
    html = kind(build_plan(Scenario(3, cautions=("anticoagulant",)), edited))
    assert mark not in html
    assert html.count("&lt;i&gt;x&lt;/i&gt;") >= 5

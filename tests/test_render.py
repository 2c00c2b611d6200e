"""Renderers: Markdown, the self-contained HTML handout, plain text and the JSON-ready dict."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest

from backcare_nb import Scenario, build_plan, plan_to_dict, plan_to_html, plan_to_markdown, plan_to_text
from backcare_nb.render import DISCLAIMER, handout_file_name

INJECTION = "<script>alert(1)</script>"
#: Back pain over 3 months that began before 45, with 4 of NICE NG65's criteria: a routine referral.
NG65_FOUR = ("long_standing_before_45", "onset_before_35", "night_waking", "buttock_pain", "better_with_movement")


@pytest.fixture(scope="module")
def day2(content):
    return build_plan(Scenario(days_since_onset=2), content)


@pytest.fixture(scope="module")
def day40_recurrent_older(content):
    return build_plan(Scenario(days_since_onset=100, episode="recurrent", pain=8, red_flags=NG65_FOUR), content)


# --- Markdown ---------------------------------------------------------------------------------------------


def test_markdown_has_a_heading_per_category_and_the_disclaimer(day2):
    markdown = plan_to_markdown(day2)
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headings[:7] == [
        "Symptom relief",
        "Medicines",
        "Exercise",
        "Movement",
        "What to expect",
        "Avoid",
        "For the clinician",
    ]
    assert "Key takeaways" in headings and "Safety net" in headings and "Sources" in headings
    assert markdown.rstrip().endswith(f"Content 3.0, reviewed 2026-12-02, next review 2027-12. {DISCLAIMER}*")
    assert "not medical advice" in markdown


def test_markdown_states_day_stage_and_band(day2):
    assert (
        "**Day 2: Acute stage (0-7 days) in the article; Acute (under 4 weeks) by the guidelines.** "
        "First episode, pain 5/10." in plan_to_markdown(day2)
    )


def test_markdown_rows_carry_dose_timing_and_why(day2):
    markdown = plan_to_markdown(day2)
    assert (
        "| Heat | 20 minutes at a time. Swap with ice if you like; repeat several times a day. Wrap it, check the "
        "skin, not on numb or broken skin, never while asleep. | Whenever the back is sore in the first week. |"
        in markdown
    )
    assert "| From the article |" in markdown
    assert "| Added from NICE NG59 |" in markdown  # "A scan is not usually needed"


def test_markdown_shows_gate_warning_and_routine_referral(day40_recurrent_older):
    markdown = plan_to_markdown(day40_recurrent_older)
    assert "> **Red flags ticked:** Back pain for more than 3 months that began before the age of 45;" in markdown
    assert "> Level of concern: Routine referral (Routine referral (weeks))." in markdown
    assert "> Why: Back pain for over 3 months that began before 45, with 4 or more of the NICE criteria" in markdown
    assert "> Note: Pain is 8/10." in markdown
    assert "| Routine referral |" in markdown


def test_markdown_shows_cautions_and_status(content):
    plan = build_plan(Scenario(cautions=("pregnancy_20_weeks",)), content)
    markdown = plan_to_markdown(plan)
    assert "| Anti-inflammatory painkillers (NSAIDs) (Not advised for this person) |" in markdown
    assert "- Caution, Anti-inflammatory painkillers (NSAIDs): Pregnant (20 weeks or more): From 20 weeks" in markdown
    # One medicine message in pregnancy: paracetamol first, never "not offered" or a weak opioid.
    assert (
        "- Instead of Anti-inflammatory painkillers (NSAIDs): In pregnancy, paracetamol is the usual first" in markdown
    )
    assert "Paracetamol on its own is not offered" not in markdown
    assert "weak opioid" not in markdown
    assert "- FDA 2020: US Food and Drug Administration." in markdown
    assert "**If you are pregnant, call your maternity unit now if the back pain comes with:**" in markdown


def test_markdown_shows_evidence_with_verdict_and_certainty(day2):
    assert (
        "- Evidence, Ice: No trial sets the 20-minute limit; it is a skin-safety convention (unverified). "
        "(The article; goes beyond; certainty not graded)" in plan_to_markdown(day2)
    )


def test_markdown_table_cells_escape_pipes(content_copy):
    line = content_copy.line_of("interventions", "walking")
    content_copy.set_cell("interventions", line, "dose_note", "Short walks | rest between")
    plan = build_plan(Scenario(days_since_onset=2), content_copy.load())
    assert "| Short walks \\| rest between |" in plan_to_markdown(plan)


def test_emergency_markdown_has_no_self_care_sections(content):
    markdown = plan_to_markdown(build_plan(Scenario(red_flags=("saddle_numbness",)), content))
    headings = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headings == ["When to get help", "Safety net", "Sources"]
    assert "> Level of concern: Emergency: get help now (Now)." in markdown
    assert DISCLAIMER in markdown


# --- HTML handout ----------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_handout_is_self_contained(day40_recurrent_older):
    html = plan_to_html(day40_recurrent_older)
    tags = _parse(html).tags
    names = {name for name, _ in tags}
    assert "script" not in names
    assert "link" not in names
    assert "img" not in names
    for name, attributes in tags:
        assert "src" not in attributes
        if "href" in attributes:  # links a reader may follow to a source; nothing is loaded
            assert name == "a" and attributes["href"].startswith("https://")
    assert not re.search(r"url\(|@import", html)


def test_handout_has_date_stage_items_sources_and_the_disclaimer(day2):
    html = plan_to_html(day2, today=dt.date(2024, 5, 17))
    text = " ".join(_parse(html).text)
    assert html.startswith("<!DOCTYPE html>")
    assert "Prepared 2024-05-17." in text
    assert "Day 2: Acute stage (0-7 days) in the article; Acute (under 4 weeks) by the guidelines" in text
    assert "teaching material for clinicians, not medical advice" in text.lower()
    assert "How: Kneel, sit back towards the heels" in text
    assert "Child's pose" in text
    assert "From the article" in text and "Added from NICE NG59" in text
    assert "Cochrane 2006 (heat): French SD, et al." in text
    assert "https://doi.org/10.1002/14651858.CD004750.pub2" in text
    assert "Content 3.0, reviewed 2026-12-02, next review 2027-12." in text
    assert "data/README" not in html
    assert "<title>Back spasm plan, day 2, first episode</title>" in html


def test_handout_defaults_to_todays_date(day2):
    assert f"Prepared {dt.date.today().isoformat()}." in plan_to_html(day2)


def test_handout_level_of_concern_is_an_alert(content):
    html = plan_to_html(build_plan(Scenario(red_flags=("fever", "iv_drug_use")), content))
    assert '<section class="gate keep" role="alert">\n<h2>Urgent: same-day assessment: Today</h2>' in html
    assert "<li>Fever with the back pain</li><li>Injecting drug use</li>" in html
    assert "Meanwhile: While you wait to be seen today, keep gently moving" in html


LEVEL_FLAGS = {
    "clear": (),
    "watchful": ("sciatica_one_leg",),
    "routine": NG65_FOUR,
    "soon": ("weight_loss", "night_pain"),
    "urgent": ("minor_trauma_fragile_bone",),
    "emergency": ("bladder_change",),
}


@pytest.mark.parametrize("level", LEVEL_FLAGS)
def test_handout_carries_the_safety_net_at_every_level(content, level):
    plan = build_plan(Scenario(days_since_onset=100, red_flags=LEVEL_FLAGS[level]), content)
    assert plan.gate.level == level
    html = plan_to_html(plan)
    text = " ".join(_parse(html).text)
    assert '<section class="safety" aria-label="Safety net">' in html
    assert '<div class="safety-net safety-emergency" data-net="cauda_equina">' in html
    assert "Go to the emergency department now if you notice" in text
    assert "Numbness around your genitals, buttocks or inner thighs" in text
    assert "Weakness or numbness in both legs, or in a leg that is getting worse" in text
    assert "Content 3.0, reviewed 2026-12-02, next review 2027-12." in text
    if level == "clear":
        assert 'class="gate' not in html
    else:
        assert f"{plan.gate.title}: {plan.gate.time_frame}" in text
        assert plan.items[-1].id == f"gate_{level}"


def test_handout_escapes_every_text_from_the_content(content_copy):
    line = content_copy.line_of("interventions", "heat")
    content_copy.set_cell("interventions", line, "title", INJECTION)
    content_copy.set_cell("interventions", line, "timing", 'Tom & Jerry\'s "best" <b>time</b>')
    plan = build_plan(Scenario(days_since_onset=2), content_copy.load())
    html = plan_to_html(plan)
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry&#39;s &#34;best&#34; &lt;b&gt;time&lt;/b&gt;" in html
    assert INJECTION in " ".join(_parse(html).text)  # the viewer reads the title as typed


# --- plain text ---------------------------------------------------------------------------------------------


def test_text_lists_items_under_upper_case_categories(day2):
    text = plan_to_text(day2)
    assert text.startswith("Day 2: Acute stage (0-7 days) in the article; Acute (under 4 weeks) by the guidelines\n")
    assert "\nSYMPTOM RELIEF\n- Heat: 20 minutes at a time." in text
    assert "\nKEY TAKEAWAYS\n" in text
    assert text.rstrip().endswith(DISCLAIMER)


def test_text_shows_status_and_red_flags(content):
    text = plan_to_text(build_plan(Scenario(100, red_flags=NG65_FOUR), content))
    assert "RED FLAGS\nLevel of concern: Routine referral (Routine referral (weeks))." in text
    assert "SAFETY NET\nGo to the emergency department now if you notice:" in text
    text = plan_to_text(build_plan(Scenario(3, cautions=("opioids",)), content))
    assert "- Muscle relaxants (prescription only) [Not advised for this person]: " in text


# --- JSON-ready dict ----------------------------------------------------------------------------------------


def test_dict_has_the_documented_keys_and_survives_json(day40_recurrent_older):
    data = json.loads(json.dumps(plan_to_dict(day40_recurrent_older)))
    assert {"stage", "guideline_band", "gate", "items", "takeaways", "warnings"} <= set(data)
    assert data["stage"] == {"id": "subacute_chronic", "label": "Sub-acute and chronic stage (1 week to 3+ months)"}
    assert data["guideline_band"]["id"] == "guideline_chronic"
    assert data["gate"]["level"] == "routine"
    assert data["gate"]["time_frame"] == "Routine referral (weeks)"
    assert data["gate"]["action"].startswith("Carry on with the self-care plan and arrange a routine referral")
    assert data["gate"]["replaces_plan"] is False
    for item in data["items"]:
        assert {"category", "title", "dose", "origin"} <= set(item)
        assert item["origin"]["kind"] in ("article", "added")
        expected = "From the article" if item["origin"]["kind"] == "article" else "Added from "
        assert item["origin"]["label"].startswith(expected)
    assert data["safety_nets"][0]["id"] == "cauda_equina"
    assert all(source["link"] or source["id"] == "ARTICLE" for source in data["sources"])
    assert data["content_review"] == "Content 3.0, reviewed 2026-12-02, next review 2027-12"
    # At pain 8 the loaded lifts wait for the symptoms to come down, and the plan says so.
    assert "bent_over_row" not in {item["id"] for item in data["items"]}
    waiting = [note for note in data["warnings"] if note["text"].startswith("The strengthening exercises start once")]
    assert [note["origin"]["kind"] for note in waiting] == ["article"]
    assert data["items"][-1]["title"] == "Routine referral"
    assert data["takeaways"][-1]["text"].startswith("When spasms keep settling and then coming back")
    assert data["takeaways"][-1]["origin"]["kind"] == "article"
    assert data["warnings"][0]["text"].startswith("Pain is 8/10")
    assert data["disclaimer"] == DISCLAIMER
    assert data["scenario"] == {
        "days_since_onset": 100,
        "episode": "recurrent",
        "pain": 8,
        "red_flags": sorted(NG65_FOUR),
        "cautions": [],
        "case": None,
    }


def test_dict_carries_cautions_and_evidence(content):
    data = plan_to_dict(build_plan(Scenario(cautions=("age_65_plus",)), content))
    nsaids = next(item for item in data["items"] if item["id"] == "nsaids")
    assert nsaids["status"] == "check_first"
    assert nsaids["cautions"] == [
        {
            "text": "Aged 65 or over: Stomach bleeding, kidney and heart risks rise with age; "
            "a prescriber may add stomach protection.",
            "origin": {"kind": "added", "source": "NICE-CKS-NSAIDS", "label": "Added from NICE CKS NSAIDs"},
        }
    ]
    assert nsaids["origin"] == {"kind": "article", "source": "ARTICLE", "label": "From the article"}
    assert {note["source"] for note in nsaids["evidence"]} == {"ACP2017", "NICE-NG59", "COCHRANE-NSAID2020"}


def test_dict_of_an_emergency_holds_only_the_gate(content):
    data = plan_to_dict(build_plan(Scenario(red_flags=("leg_weakness_both",)), content))
    assert [item["title"] for item in data["items"]] == ["Emergency: get help now"]
    assert data["takeaways"] == []
    assert data["gate"]["flags"] == ["Weakness or numbness in both legs"]
    assert data["gate"]["level"] == "emergency" and data["gate"]["replaces_plan"] is True
    assert data["gate"]["time_frame"] == "Now"


@pytest.mark.parametrize(("days", "episode"), [(2, "first"), (40, "recurrent"), (0, "first"), (365, "recurrent")])
def test_handout_file_name_says_day_and_episode(content, days, episode):
    plan = build_plan(Scenario(days_since_onset=days, episode=episode), content)
    assert handout_file_name(plan) == f"backcare-clinician-handout-day{days}-{episode}.html"
    assert handout_file_name(plan, "patient") == f"backcare-patient-handout-day{days}-{episode}.html"

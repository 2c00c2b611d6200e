"""Plans, items, levels of concern and the content read well in a notebook: escaped, self-contained
HTML that says what the dashboard says for the same scenario."""

from __future__ import annotations

import re
from html import unescape

import pytest

from backcare_nb import Scenario, build_plan, load_content
from backcare_nb.ui import panels

SCENARIOS = [
    Scenario(3),
    Scenario(3, cautions=("anticoagulant", "pregnancy_20_weeks")),
    Scenario(20, red_flags=("night_pain", "weight_loss")),
    Scenario(3, red_flags=("saddle_numbness",)),
    Scenario(40, "recurrent", red_flags=("fever",)),
]


def _visible_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _self_contained(html: str) -> None:
    assert "<script" not in html
    assert not re.search(r"\bsrc=", html)
    assert "<link" not in html and "url(" not in html


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_a_plan_in_a_notebook_says_what_the_dashboard_says(content, scenario):
    plan = build_plan(scenario, content)
    html = plan._repr_html_()
    _self_contained(html)
    notebook = _visible_text(html)
    dashboard = _visible_text(panels.stage_panel(plan) + panels.gate_panel(plan) + panels.plan_panel(plan))
    for words in (f"Day {scenario.days_since_onset}", plan.stage.label, plan.guideline_band.label):
        assert words in notebook and words in dashboard
    for item in plan.items:
        for words in (item.title, item.dose, item.status_text, item.origin.label):
            assert words in notebook, words
            assert words in dashboard, words
    if plan.gate.flags:
        for words in (plan.gate.title, plan.gate.time_frame):
            assert words in notebook and words in dashboard
    assert "Go to the emergency department now if you notice" in notebook
    assert len(repr(plan)) < 120


def test_an_item_and_a_level_of_concern_have_their_own_display(content):
    plan = build_plan(Scenario(3, cautions=("anticoagulant",), red_flags=("cancer_history",)), content)
    item = _visible_text(plan.item("nsaids")._repr_html_())
    assert "Not advised for this person" in item
    assert "paracetamol is the usual painkiller for occasional use" in item
    gate = _visible_text(plan.gate._repr_html_())
    assert "Level of concern: Assessment within a week (Within about a week)" in gate
    assert "Added from NICE NG234" in gate
    assert plan._repr_markdown_().startswith("# Low back spasms: plan for this scenario")


def test_content_lists_every_table_and_shows_tidy_tables(content):
    summary = content.tables()
    assert list(summary.index)[:3] == ["about", "references", "categories"]
    assert summary.loc["red_flags", "rows"] == len(content.records["red_flags"])
    html = _visible_text(content._repr_html_())
    assert "content.show(name)" in html and "Content 3.0" in html
    tidy = content.tidy("interventions").set_index("id")
    assert tidy.loc["heat", "episodes"] == "first; recurrent"
    assert tidy.loc["heat", "sets_min"] == ""
    assert "(" not in tidy.loc["heat", "stages"] and "<NA>" not in tidy.to_string()
    shown = content.show("red_flags").to_html()
    assert "Numbness around the genitals, buttocks or inner thighs (saddle area)" in unescape(shown)
    assert "white-space: pre-wrap" in shown


def test_notebook_displays_escape_every_content_field(content_copy):
    mark = "<b>x</b>"
    for table, row_id, column in (
        ("interventions", "heat", "title"),
        ("interventions", "nsaids", "dose_note"),
        ("red_flags", "fever", "label"),
        ("concern_levels", "urgent", "title"),
        ("cautions", "anticoagulant", "reason"),
        ("safety_nets", "cauda_equina", "action"),
    ):
        line = content_copy.line_of(table, row_id)
        content_copy.set_cell(table, line, column, content_copy.cell(table, line, column) + mark)
    edited = load_content(content_copy.directory)
    plan = build_plan(Scenario(3, cautions=("anticoagulant",), red_flags=("fever",)), edited)
    for html in (
        plan._repr_html_(),
        plan.item("heat")._repr_html_(),
        plan.gate._repr_html_(),
        edited.show("red_flags").to_html(),
    ):
        assert mark not in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html

"""The evidence lens: the claim-by-claim table, the time-definition reconciler, the effect-size chart,
the EvidenceLensApp that shows them, and the presenter controls."""

from __future__ import annotations

import base64
import csv
import re
from html import unescape
from pathlib import Path

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from backcare_nb.evidence import (
    effect_size_figure,
    effect_size_text,
    evidence_table,
    reconcile_day,
    reconcile_table,
)
from backcare_nb.ui.evidence import EvidenceLensApp
from backcare_nb.ui.presenter import LARGE_CLASS, PresenterControls

EVIDENCE_CSV = Path(__file__).resolve().parents[1] / "data" / "evidence.csv"
EVIDENCE_ROWS = list(csv.DictReader(EVIDENCE_CSV.open(encoding="utf-8")))
VERDICT_WORDS = {"agrees": "Agrees", "goes_beyond": "Goes beyond", "conflicts": "Conflicts"}


# --- the table --------------------------------------------------------------------------------------


def test_evidence_table_has_a_row_per_evidence_row_with_verdict_labels(content):
    table = evidence_table(content)
    assert len(table) == len(EVIDENCE_ROWS)
    assert list(zip(table["intervention_id"], table["source_id"], strict=True)) == [
        (row["intervention_id"], row["source_id"]) for row in EVIDENCE_ROWS
    ]
    assert list(table["verdict"]) == [VERDICT_WORDS[row["verdict"]] for row in EVIDENCE_ROWS]
    assert set(table["verdict"]) == {"Agrees", "Goes beyond", "Conflicts"}


def test_evidence_table_sets_the_article_claim_beside_the_source(content):
    table = evidence_table(content)
    nsaid_pain = table[(table["intervention_id"] == "nsaids") & (table["outcome"] == "Pain (0-100)")].iloc[0]
    assert nsaid_pain["intervention"] == "Anti-inflammatory painkillers (NSAIDs)"
    assert "inflammation" in nsaid_pain["article_claim"]
    assert nsaid_pain["verdict"] == "Goes beyond"
    assert nsaid_pain["certainty"] == "Moderate"
    assert (nsaid_pain["effect"], nsaid_pain["mid"]) == (7.3, 10.0)
    heat = table[table["intervention_id"] == "heat"].iloc[0]
    assert heat["article_dose"].startswith("20 minutes at a time")
    relaxants = table[(table["intervention_id"] == "muscle_relaxants") & (table["source_id"] == "BMJ-SMR2021")]
    assert relaxants.iloc[0]["certainty"] == "Very low"
    assert "Conflicts" in set(table[table["intervention_id"] == "muscle_relaxants"]["verdict"])


# --- the reconciler -----------------------------------------------------------------------------------


def test_day_10_is_sub_acute_in_the_article_but_acute_by_the_guidelines(content):
    result = reconcile_day(10, content)
    assert result.article_stage.label == "Sub-acute and chronic stage (1 week to 3+ months)"
    assert result.guideline_band.label == "Acute (under 4 weeks)"
    assert result.names_differ
    assert "labels differ" in result.note


@pytest.mark.parametrize(
    ("day", "article", "band", "differ"),
    [
        (0, "Acute stage (0-7 days)", "Acute (under 4 weeks)", False),
        (7, "Acute stage (0-7 days)", "Acute (under 4 weeks)", False),
        (8, "Sub-acute and chronic stage (1 week to 3+ months)", "Acute (under 4 weeks)", True),
        (27, "Sub-acute and chronic stage (1 week to 3+ months)", "Acute (under 4 weeks)", True),
        (28, "Sub-acute and chronic stage (1 week to 3+ months)", "Subacute (4-12 weeks)", False),
        (85, "Sub-acute and chronic stage (1 week to 3+ months)", "Chronic (over 12 weeks)", False),
        (365, "Sub-acute and chronic stage (1 week to 3+ months)", "Chronic (over 12 weeks)", False),
    ],
)
def test_reconcile_day_at_the_boundaries(content, day, article, band, differ):
    result = reconcile_day(day, content)
    assert (result.article_stage.label, result.guideline_band.label, result.names_differ) == (article, band, differ)


@pytest.mark.parametrize("day", [-1, 366, 10.5, True])
def test_reconcile_day_refuses_a_day_outside_0_to_365(content, day):
    with pytest.raises(ValueError, match="0 to 365"):
        reconcile_day(day, content)


def test_reconcile_table_lists_every_boundary_by_default(content):
    table = reconcile_table(content)
    assert list(table["day"]) == [0, 7, 8, 27, 28, 84, 85, 365]
    assert list(table["names_differ"]) == [False, False, True, True, False, False, False, False]
    chosen = reconcile_table(content, days=[10, 40])
    assert list(chosen["guideline_band"]) == ["Acute (under 4 weeks)", "Subacute (4-12 weeks)"]
    assert list(chosen["guideline_days"]) == ["0-27", "28-84"]


# --- the effect-size chart ----------------------------------------------------------------------------


def test_effect_size_figure_marks_the_nsaid_row_and_its_mid_of_10(content):
    figure = effect_size_figure(content)
    assert isinstance(figure, Figure)
    panels = {
        " ".join(label.get_text() for label in ax.get_yticklabels()): ax for ax in figure.axes if ax.get_yticklabels()
    }
    nsaid_pain = panels["NSAIDs\nPain (0-100)"]
    bar = nsaid_pain.patches[0]
    assert bar.get_width() == pytest.approx(7.3)
    mid_lines = [line for line in nsaid_pain.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in mid_lines] == [10]
    texts = [text.get_text() for text in nsaid_pain.texts]
    assert "MID 10" in [text.strip() for text in texts]
    assert any("certainty: moderate" in text for text in texts)
    assert "NSAIDs\nDisability (RMDQ 0-24)" in panels
    assert "Muscle relaxants\nPain (0-100)" in panels


def test_certainty_is_shown_by_colour_and_hatch_not_colour_alone(content):
    figure = effect_size_figure(content)
    bars = {ax.get_yticklabels()[0].get_text(): ax.patches[0] for ax in figure.axes if ax.get_yticklabels()}
    moderate, high, very_low = (
        bars["NSAIDs\nPain (0-100)"],
        bars["NSAIDs\nDisability (RMDQ 0-24)"],
        bars["Muscle relaxants\nPain (0-100)"],
    )
    assert len({tuple(bar.get_facecolor()) for bar in (moderate, high, very_low)}) == 3
    assert len({bar.get_hatch() or "" for bar in (moderate, high, very_low)}) == 3


def test_effect_size_text_says_what_the_chart_shows(content):
    text = effect_size_text(content)
    lines = text.splitlines()
    assert len(lines) == 4
    assert (
        "Anti-inflammatory painkillers (NSAIDs), Pain (0-100): improves by 7.3 against a MID of 10, "
        "so it falls short of the MID (73% of it); certainty moderate (COCHRANE-NSAID2020)."
    ) in text
    assert "certainty very low (BMJ-SMR2021)" in text


# --- the EvidenceLensApp ------------------------------------------------------------------------------


def body_rows(html: str) -> list[str]:
    """The intervention of each source row: the claim's heading names it once for its rows."""
    rows = []
    for group in re.findall(r'<tbody class="bc-claim".*?</tbody>', html, re.S):
        title = unescape(re.search(r'<th scope="rowgroup"[^>]*>(.*?) <span', group).group(1))
        rows += [title] * len(re.findall(r'<tr class="bc-source-row">', group))
    return rows


def test_the_lens_says_the_articles_words_once_per_claim(content):
    app = EvidenceLensApp(content)
    html = app.table.value
    claim = unescape(html).count("Heat changes how the pain feels while the episode settles")
    assert claim == 1  # three sources judge heat; the article's words stand once
    assert len(body_rows(html)) == len(EVIDENCE_ROWS)
    assert "Added from WalkBack 2024" in unescape(html) and "From the article" in unescape(html)


def test_lens_filters_the_table_by_intervention_and_verdict(content):
    app = EvidenceLensApp(content)
    assert app.count.value == f"<p>Showing {len(EVIDENCE_ROWS)} of {len(EVIDENCE_ROWS)} rows.</p>"
    app.intervention.value = "nsaids"
    rows = body_rows(app.table.value)
    assert rows == ["Anti-inflammatory painkillers (NSAIDs)"] * 4
    assert "Showing 4 of" in app.count.value
    app.verdict.value = "Goes beyond"
    # Both Cochrane 2020 outcomes fall short of their minimal important difference.
    assert len(body_rows(app.table.value)) == 2
    assert "Pain falls by 7.3 points" in unescape(app.table.value)
    assert "Disability falls by 2.0 points" in unescape(app.table.value)
    app.verdict.value = "Conflicts"
    assert app.table.value == "<p>No rows match these filters.</p>"
    app.intervention.value = ""
    assert set(body_rows(app.table.value)) == {"Muscle relaxants (prescription only)"}
    assert "✘ Conflicts" in app.table.value
    assert app.message.value == ""


def test_lens_controls_have_visible_labels(content):
    app = EvidenceLensApp(content)
    assert (app.intervention.description, app.verdict.description, app.day.description) == (
        "Intervention",
        "Verdict",
        "Day",
    )
    assert (app.day.min, app.day.max) == (0, 365)
    assert [label for label, _ in app.verdict.options] == ["All verdicts", "Agrees", "Goes beyond", "Conflicts"]


def test_lens_embeds_the_chart_as_a_png_with_its_text_as_alt(content):
    app = EvidenceLensApp(content)
    # One picture per theme (the page shows the dark one on the dark theme), each with the same words.
    pictures = re.findall(
        r'<img class="bc-chart-(light|dark)" src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"',
        app.chart.value,
    )
    assert [theme for theme, _, _ in pictures] == ["light", "dark"]
    assert pictures[0][1] != pictures[1][1]
    match = re.search(
        r'<img class="bc-chart-dark" src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', app.chart.value
    )
    assert match
    assert base64.b64decode(match.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    assert unescape(match.group(2)) == effect_size_text(content)
    assert "against a MID of 10" in unescape(match.group(2))


def test_lens_day_slider_shows_article_stage_and_guideline_band(content):
    app = EvidenceLensApp(content)
    app.day.value = 10
    shown = unescape(app.reconciler.value)
    assert "Sub-acute and chronic stage (1 week to 3+ months)" in shown
    assert "Acute (under 4 weeks)" in shown
    assert "⚠ On day 10 the labels differ" in shown
    app.day.value = 3
    shown = unescape(app.reconciler.value)
    assert "Acute stage (0-7 days)" in shown and "On day 3 the labels agree" in shown
    assert "⚠" not in shown


# --- presenter controls -------------------------------------------------------------------------------


def test_presenter_play_control_is_linked_to_the_day_slider(content):
    app = EvidenceLensApp(content)
    presenter = PresenterControls(app.day, app.container)
    play = presenter.play
    assert isinstance(play, widgets.Play)
    assert (play.min, play.max, play.step, play.interval, play.description) == (0, 120, 1, 700, "Play days")
    # The slider leads, so the day it already shows survives the browser's first sync.
    assert presenter.link.source == (app.day, "value")
    assert presenter.link.target == (play, "value")
    assert play.value == app.day.value


def test_presenter_large_type_toggles_the_class_on_the_container(content):
    app = EvidenceLensApp(content)
    presenter = PresenterControls(app.day, app.container)
    assert presenter.large_type.description == "Presenter mode"
    assert LARGE_CLASS not in app.container._dom_classes
    presenter.large_type.value = True
    assert LARGE_CLASS in app.container._dom_classes
    presenter.large_type.value = False
    assert LARGE_CLASS not in app.container._dom_classes
    assert f".{LARGE_CLASS}" in presenter.style.value

"""The evidence lens: the claim-by-claim table, the time-definition reconciler, the effect-size chart
(the app's SVG and the notebooks' matplotlib figure), the EvidenceLensApp that shows them, and the
presenter controls."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from backcare_nb.evidence import (
    CERTAINTY_STYLE,
    effect_size_figure,
    effect_size_rows,
    effect_size_svg,
    effect_size_text,
    effect_sizes,
    evidence_rows,
    evidence_table,
    reconcile_day,
    reconcile_table,
)
from backcare_nb.ui.evidence import EvidenceLensApp
from backcare_nb.ui.presenter import LARGE_CLASS, PresenterControls
from tests.conftest import heavy_modules_after

EVIDENCE_CSV = Path(__file__).resolve().parents[1] / "data" / "evidence.csv"
EVIDENCE_ROWS = list(csv.DictReader(EVIDENCE_CSV.open(encoding="utf-8")))
VERDICT_WORDS = {
    "agrees": "Agrees",
    "goes_beyond": "Goes beyond",
    "conflicts": "Conflicts",
    "added": "Added: not in the article",
}
SVG = "{http://www.w3.org/2000/svg}"


# --- the table --------------------------------------------------------------------------------------


def test_evidence_table_has_a_row_per_evidence_row_with_verdict_labels(content):
    table = evidence_table(content)
    assert len(table) == len(EVIDENCE_ROWS)
    assert list(zip(table["intervention_id"], table["source_id"], strict=True)) == [
        (row["intervention_id"], row["source_id"]) for row in EVIDENCE_ROWS
    ]
    assert list(table["verdict"]) == [VERDICT_WORDS[row["verdict"]] for row in EVIDENCE_ROWS]
    assert set(table["verdict"]) == {"Agrees", "Goes beyond", "Conflicts", "Added: not in the article"}
    # An item the article never mentions is "added", never judged as going beyond the article.
    added = {row["intervention_id"] for row in EVIDENCE_ROWS if row["verdict"] == "added"}
    assert added == {row["id"] for row in content.records["interventions"] if row["source_id"] != "ARTICLE"}


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


def test_evidence_rows_are_the_tables_rows_with_plain_numbers(content):
    # The lens shows the plain rows and a notebook the table: both must say the same.
    rows = evidence_rows(content)
    table = evidence_table(content)
    assert [list(row) for row in rows] == [list(table.columns)] * len(EVIDENCE_ROWS)
    assert [(row["effect"], row["mid"]) for row in rows] == [
        (float(row["effect"]) if row["effect"] else None, float(row["mid"]) if row["mid"] else None)
        for row in EVIDENCE_ROWS
    ]
    assert (str(table["effect"].dtype), str(table["mid"].dtype)) == ("Float64", "Float64")
    words = table.drop(columns=["effect", "mid"]).to_dict("records")
    assert words == [{key: value for key, value in row.items() if key not in ("effect", "mid")} for row in rows]


def test_effect_size_rows_are_the_effect_sizes_table(content):
    rows = effect_size_rows(content)
    table = effect_sizes(content)
    assert [(row["source_id"], row["outcome"], row["effect"], row["mid"]) for row in rows] == [
        ("COCHRANE-NSAID2020", "Pain (0-100)", 7.3, 10.0),
        ("COCHRANE-NSAID2020", "Disability (RMDQ 0-24)", 2.0, 2.4),
        ("BMJ-SMR2021", "Pain (0-100)", 7.7, 10.0),
    ]
    assert [row["reaches_mid"] for row in rows] == [False, False, False]
    assert [round(row["share_of_mid"], 3) for row in rows] == [0.73, 0.833, 0.77]
    assert list(table.columns) == list(rows[0])
    assert table.astype(object).to_dict("records") == rows
    assert [str(table[column].dtype) for column in ("effect", "mid", "share_of_mid", "reaches_mid")] == [
        "Float64",
        "Float64",
        "float64",
        "boolean",
    ]


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
        "Anti-inflammatory painkillers (NSAIDs), Pain (0-100): a mean improvement of 7.3 (95% CI 3.6 to 11.0) "
        "against a MID of 10, so the mean falls short of the MID (73% of it); certainty moderate (COCHRANE-NSAID2020)."
    ) in text
    # A trial's mean is not an individual's change: the chart says so.
    assert "a mean below the MID does not mean that nobody benefits" in lines[0]
    assert "certainty very low (BMJ-SMR2021)" in text


# --- the effect-size chart as SVG (the app's) ----------------------------------------------------------


def svg_panels(svg: str) -> dict[str, ET.Element]:
    """Each effect's panel in the SVG, keyed by its row label as shown: "NSAIDs / Pain (0-100)"."""
    root = ET.fromstring(svg)
    panels = {}
    for panel in root.iter(f"{SVG}g"):
        if panel.get("class") == "bc-effect":
            label = [text.text for text in panel.findall(f"{SVG}text") if text.get("text-anchor") == "end"]
            panels[" / ".join(label)] = panel
    return panels


def panel_texts(panel: ET.Element) -> list[str]:
    return [text.text for text in panel.iter(f"{SVG}text")]


def bar_and_mid(panel: ET.Element) -> tuple[ET.Element, ET.Element]:
    """The bar's coloured rectangle and the dashed MID line of a panel."""
    bar = next(group for group in panel.iter(f"{SVG}g") if group.get("class") == "bc-effect-bar")
    mid = next(line for line in panel.iter(f"{SVG}line") if line.get("stroke-dasharray"))
    return bar, mid


def test_effect_size_svg_is_a_picture_named_by_its_text(content):
    svg = effect_size_svg(content)
    root = ET.fromstring(svg)  # well-formed XML, as a browser's HTML parser would also take it
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == effect_size_text(content)
    assert root.get("viewBox").split()[2] == "800"
    # Every text at least 12.5 units: 12.5 CSS px or more where the picture is 800 px wide or wider.
    sizes = [float(element.get("font-size")) for element in root.iter() if element.get("font-size")]
    assert min(sizes) >= 12.5
    assert "Effect size against the minimal important difference (MID)" in panel_texts(root)
    assert (
        "Bar: mean improvement; whisker: its 95% confidence interval; colour, hatch and words: certainty. "
        "Dashed line: MID." in panel_texts(root)
    )


def test_effect_size_svg_marks_the_nsaid_pain_row_and_its_mid_of_10(content):
    panels = svg_panels(effect_size_svg(content))
    assert list(panels) == [
        "NSAIDs / Pain (0-100)",
        "NSAIDs / Disability (RMDQ 0-24)",
        "Muscle relaxants / Pain (0-100)",
    ]
    nsaid_pain = panels["NSAIDs / Pain (0-100)"]
    texts = panel_texts(nsaid_pain)
    assert "MID 10" in texts
    assert "7.3; certainty: moderate" in texts
    assert "Improvement, Pain (0-100) (COCHRANE-NSAID2020)" in texts
    assert {"0", "10"} <= set(texts)  # the axis has ticks, the MID among them
    assert "MID 2.4" in panel_texts(panels["NSAIDs / Disability (RMDQ 0-24)"])
    assert "7.7; certainty: very low" in panel_texts(panels["Muscle relaxants / Pain (0-100)"])


def test_effect_size_svg_draws_each_confidence_interval_where_its_numbers_say(content):
    # NSAIDs on pain: a mean of 7.3 short of the MID of 10, but an interval (3.6 to 11.0) that crosses it.
    rows = {f"{row['outcome']} {row['source_id']}": row for row in effect_size_rows(content)}
    for name, panel in svg_panels(effect_size_svg(content)).items():
        whisker = panel.find(f"{SVG}g[@class='bc-effect-ci']")
        assert whisker is not None, name
        ends = sorted({float(line.get("x1")) for line in whisker.iter(f"{SVG}line")})
        bar, mid = bar_and_mid(panel)
        rectangle = bar.find(f"{SVG}rect")
        start, width = float(rectangle.get("x")), float(rectangle.get("width"))
        row = next(
            row for key, row in rows.items() if key.endswith(panel.get("data-source")) and row["outcome"] in name
        )
        scale = width / row["effect"]
        assert ends[0] == pytest.approx(start + scale * row["ci_low"], abs=0.1)
        assert ends[-1] == pytest.approx(start + scale * row["ci_high"], abs=0.1)
    nsaid_pain = svg_panels(effect_size_svg(content))["NSAIDs / Pain (0-100)"]
    _, mid = bar_and_mid(nsaid_pain)
    whisker_ends = [
        float(line.get("x1")) for line in nsaid_pain.find(f"{SVG}g[@class='bc-effect-ci']").iter(f"{SVG}line")
    ]
    assert max(whisker_ends) > float(mid.get("x1"))


def test_effect_size_svg_bars_stop_short_of_the_mid_as_the_text_says(content):
    # The text says each effect falls short of its MID (73%, 83%, 77% of it); the picture must too.
    rows = effect_size_rows(content)
    for row, panel in zip(rows, svg_panels(effect_size_svg(content)).values(), strict=True):
        bar, mid = bar_and_mid(panel)
        rectangle = bar.find(f"{SVG}rect")
        start, width = float(rectangle.get("x")), float(rectangle.get("width"))
        to_mid = float(mid.get("x1")) - start
        assert width < to_mid
        assert width / to_mid == pytest.approx(row["share_of_mid"], abs=0.005)
        assert bar.find(f"{SVG}title").text in effect_size_text(content)


def test_effect_size_svg_draws_a_bar_past_the_mid_when_the_effect_reaches_it(content_copy):
    # An edited effect that reaches its MID: the bar crosses the line, and the labels stay apart.
    line = next(number for number, row in enumerate(EVIDENCE_ROWS, start=2) if row["effect"] == "7.3")
    content_copy.set_cell("evidence", line, "effect", "45")
    content_copy.set_cell("evidence", line, "ci_high", "50")
    content = content_copy.load()
    panel = svg_panels(effect_size_svg(content))["NSAIDs / Pain (0-100)"]
    bar, mid = bar_and_mid(panel)
    rectangle = bar.find(f"{SVG}rect")
    assert float(rectangle.get("x")) + float(rectangle.get("width")) > float(mid.get("x1"))
    assert "so the mean reaches the MID (450% of it)" in effect_size_text(content)
    labels = {text.text: float(text.get("x")) for text in panel.iter(f"{SVG}text")}
    assert labels["45.0; certainty: moderate"] > labels["MID 10"] + len("MID 10") * 8


def test_effect_size_svg_hatches_each_certainty_its_own_way(content):
    svg = effect_size_svg(content)
    root = ET.fromstring(svg)
    patterns = {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")}
    fills = {}
    for label, panel in svg_panels(svg).items():
        bar, _ = bar_and_mid(panel)
        fills[label] = [rectangle.get("fill") for rectangle in bar.findall(f"{SVG}rect")]
    # Colour, then the hatch laid over it (none for high certainty), then the outline.
    assert fills["NSAIDs / Pain (0-100)"] == [CERTAINTY_STYLE["moderate"][0], "url(#bc-certainty-moderate)", "none"]
    assert fills["NSAIDs / Disability (RMDQ 0-24)"] == [CERTAINTY_STYLE["high"][0], "none"]
    assert fills["Muscle relaxants / Pain (0-100)"] == [
        CERTAINTY_STYLE["very_low"][0],
        "url(#bc-certainty-very_low)",
        "none",
    ]
    assert patterns == {"bc-certainty-moderate", "bc-certainty-very_low"}
    moderate, very_low = (
        ET.tostring(pattern) for pattern in root.iter(f"{SVG}pattern") if pattern.get("id") in patterns
    )
    assert moderate.count(b"<ns0:line") == 1 and very_low.count(b"<ns0:line") == 2  # "//" and "xx"


def test_effect_size_svg_is_the_same_picture_each_time(content):
    assert effect_size_svg(content) == effect_size_svg(content)


def test_effect_size_svg_says_when_there_are_no_effect_sizes(content_copy):
    for line, row in enumerate(EVIDENCE_ROWS, start=2):
        if row["effect"]:
            for column in ("effect", "ci_low", "ci_high"):
                content_copy.set_cell("evidence", line, column, "")
    content = content_copy.load()
    root = ET.fromstring(effect_size_svg(content))
    assert root.get("role") == "img"
    assert "No effect sizes in data/evidence.csv" in panel_texts(root)
    assert svg_panels(effect_size_svg(content)) == {}


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
    assert [label for label, _ in app.verdict.options] == [
        "All verdicts",
        "Agrees",
        "Goes beyond",
        "Conflicts",
        "Added: not in the article",
    ]


def test_lens_shows_one_svg_chart_with_its_words_beside_it(content):
    app = EvidenceLensApp(content)
    html = app.chart.value
    # One picture for both themes (its ink is the page's text colour), no bitmaps.
    assert html.count("<svg") == 1 and "<img" not in html
    figure = re.search(r"<figure[^>]*>(<svg.*</svg>)<figcaption>(.*?)</figcaption></figure>", html, re.S)
    assert figure.group(1) == effect_size_svg(content)
    assert figure.group(2) == "Effect sizes against the minimal important difference (MID)."
    words = re.search(r"<details><summary>The chart as text</summary><pre[^>]*>(.*?)</pre></details>", html, re.S)
    assert unescape(words.group(1)) == effect_size_text(content)
    assert "against a MID of 10" in unescape(words.group(1))


def test_lens_works_without_pandas_or_matplotlib():
    # The static site's Python in the browser has neither, and a dashboard kernel that opens the
    # lens should not pay for them (about half a second): the lens must show everything without.
    script = (
        "from backcare_nb import load_content\n"
        "from backcare_nb.ui.evidence import EvidenceLensApp\n"
        "app = EvidenceLensApp(load_content())\n"
        "app.intervention.value = 'nsaids'\n"
        "app.verdict.value = 'Goes beyond'\n"
        "app.day.value = 12\n"
        "assert 'Showing 2 of' in app.count.value, app.count.value\n"
        "assert 'Pain falls by 7.3 points' in app.table.value\n"
        "assert 'On day 12 the labels differ' in app.reconciler.value\n"
        "assert 'MID 10' in app.chart.value and app.message.value == ''\n"
    )
    assert heavy_modules_after(script) == []


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
    assert presenter.link is None  # linked only while playing
    play.playing = True
    # The slider leads, so the day it already shows survives the link's first sync.
    assert presenter.link.source == (app.day, "value")
    assert presenter.link.target == (play, "value")
    assert play.value == app.day.value
    play.playing = False
    assert presenter.link is None


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

"""The compare view: two scenarios side by side and the rows of what changes, as the viewer reads them.

The tests set the controls as a clinician would and read the rendered table (its change word,
item, and the colour class of the row), never an internal value alone.
"""

from __future__ import annotations

from html.parser import HTMLParser

import ipywidgets as widgets
import pytest

from backcare_nb import Scenario, compare_plans
from backcare_nb.ui.compare import CompareApp


class _Rows(HTMLParser):
    """The body rows of an HTML table: (row class, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append((dict(attrs).get("class", ""), []))
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(app: CompareApp) -> dict[str, tuple[str, str, list[str]]]:
    """Item title -> (change as shown, row class, all cells) from the rendered table."""
    parser = _Rows()
    parser.feed(app.table.value)
    return {cells[2]: (cells[0], row_class, cells) for row_class, cells in parser.rows}


@pytest.fixture
def app(content):
    return CompareApp(content)


def test_day_3_against_day_14_removes_ice_and_heat_and_adds_stay_active(app):
    assert (app.left.days.value, app.right.days.value) == (3, 14)
    rows = table_rows(app)
    assert rows["Ice"][0] == "− Removed"
    assert rows["Heat"][0] == "− Removed"
    assert rows["Anti-inflammatory painkillers (NSAIDs)"][0] == "− Removed"
    assert rows["Stay active and try different activities"][0] == "+ Added"
    assert rows["Child's pose"][0] == "= Same"
    assert rows["Ice"][2][4] == "(not in plan)"
    assert "Day 3: Acute stage (0-7 days)" in app.left.stage.value
    assert "Day 14: Sub-acute and chronic stage" in app.right.stage.value
    # Walking, prognosis, a scan, work, bed rest, the clinician note and the three stretches stay.
    assert rows["Walking"][0] == "= Same"
    assert "1 added, 4 removed, 0 changed, 9 same" in app.summary.value


def test_changes_are_highlighted_by_colour_as_well_as_words(app):
    html = app.table.value
    rows = table_rows(app)
    assert rows["Ice"][1] == "bc-change-removed"
    assert rows["Stay active and try different activities"][1] == "bc-change-added"
    assert rows["Child's pose"][1] == "bc-change-same"
    assert '<tr class="bc-change-removed" style="background:#FBE0D0' in html
    assert '<tr class="bc-change-added" style="background:#D6EAF8' in html
    assert '<tr class="bc-change-same">' in html  # unchanged rows stay plain


def test_first_against_recurrent_at_day_40_adds_the_strengthening_block(app):
    app.left.days.value = 40
    app.right.days.value = 40
    app.right.episode.value = "recurrent"
    rows = table_rows(app)
    for title in ("Bent-over row", "Good morning", "Superman", "Romanian deadlift", "See a physical therapist"):
        assert rows[title][0] == "+ Added", title
    assert "2-3 times a week, 2-3 sets of 10 reps" in rows["Bent-over row"][2][4]
    assert rows["Stay active and try different activities"][0] == "= Same"
    assert not any(change == "− Removed" for change, _, _ in rows.values())


def test_a_caution_on_one_side_changes_the_nsaid_row(app):
    app.right.days.value = 3
    app.right.cautions["pregnancy_20_weeks"].value = True
    rows = table_rows(app)
    change, row_class, cells = rows["Anti-inflammatory painkillers (NSAIDs)"]
    assert change == "~ Changed"
    assert row_class == "bc-change-changed"
    assert cells[4].startswith("Not advised for this person")
    assert rows["Heat"][0] == "= Same"


def test_hiding_unchanged_items_leaves_only_changes(app):
    app.show_unchanged.value = False
    rows = table_rows(app)
    assert "Child's pose" not in rows
    assert {change for change, _, _ in rows.values()} == {"− Removed", "+ Added"}


def test_identical_scenarios_say_so(content):
    app = CompareApp(content, left=Scenario(days_since_onset=5), right=Scenario(days_since_onset=5))
    app.show_unchanged.value = False
    assert app.table.value == "<p>The two plans hold the same items with the same doses.</p>"


def test_the_difference_is_plain_rows_and_the_same_as_the_notebooks_dataframe(app):
    rows = {row["item"]: row for row in app.differences}
    assert list(rows["Ice"]) == ["category", "item", "change", "before", "after"]
    assert rows["Ice"]["change"] == "removed"
    frame = compare_plans(*app.plans)  # what a notebook shows: the same rows, as a DataFrame
    assert frame.to_dict("records") == app.differences


def test_each_panel_has_labelled_keyboard_controls(app, content):
    for panel in (app.left, app.right):
        assert panel.days.description == "Days since onset"
        assert panel.days.style.description_width == "initial"
        assert panel.episode.description == "Episode"
        assert [label for label, _ in panel.episode.options] == ["First episode", "Recurrent"]
        labels = {box.description for box in panel.cautions.values()}
        assert "Pregnant (20 weeks or more)" in labels
        assert len(panel.cautions) == len(content.caution_ids)
    controls = [
        node
        for node in _walk(app.container)
        if isinstance(node, widgets.IntSlider | widgets.Dropdown | widgets.Checkbox)
    ]
    assert all(control.description for control in controls)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)

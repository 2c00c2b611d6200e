"""On a 390x844 phone the result comes first: an emergency box or the stage banner is on the first
screen, above the controls, and nothing needs sideways scrolling."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(dashboard):
    dashboard.page.set_viewport_size(PHONE)
    return dashboard


def test_an_emergency_link_puts_the_emergency_box_on_the_first_screen(phone):
    phone.open("?days=3&flags=saddle_numbness")
    box = phone.page.locator(".bc-gate-emergency").first
    box.wait_for(state="visible")
    assert box.bounding_box()["y"] < PHONE["height"]
    assert "go to the emergency department now" in box.inner_text().lower()
    # The controls come after the result.
    assert phone.page.locator(".bc-controls").bounding_box()["y"] > box.bounding_box()["y"]


def test_the_stage_banner_of_day_2_is_on_the_first_screen(phone):
    phone.open("?days=2")
    banner = phone.page.locator(".bc-stage").first
    assert banner.bounding_box()["y"] < PHONE["height"]
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_week_table_scrolls_in_its_own_box_and_the_text_around_it_fits_the_phone(phone):
    phone.open("?days=11")
    note = phone.page.locator(".bc-schedule > p").first
    note.wait_for(state="visible")
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # the sentence wraps on screen
    outputs = phone.page.locator(".bc-outputs").first
    assert outputs.evaluate("e => e.scrollWidth <= e.clientWidth")  # the column does not scroll sideways
    table = phone.page.locator(".bc-schedule .bc-table-scroll").first
    assert table.evaluate("e => e.scrollWidth > e.clientWidth")  # seven days: wider than a phone
    assert table.get_attribute("tabindex") == "0"  # so a keyboard can scroll it

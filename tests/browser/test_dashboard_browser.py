"""The dashboard in real Chromium against the real server (``backcare-nb dashboard``).

Each test opens a fresh page (so a fresh kernel) and checks what a viewer reads: stage banner,
plan items, gate, notices, handout. Expected values come from the same content and plan code the
dashboard uses, so an edit to data/ moves the test and the page together.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from backcare_nb import Scenario, build_plan, load_content, scenario_from_case
from tests.browser.conftest import UPDATE_MS

pytestmark = pytest.mark.browser

CONTENT = load_content()
DAYS = "Days since onset"
SADDLE = "Numbness around the genitals, buttocks or inner thighs (saddle area)"
# Text from the notebook's code cells and from Python errors: none of it may reach the viewer.
SOURCE_MARKERS = ("from_environment", "load_content(", "import backcare_nb", "Traceback", 'File "/')


def plan_for(days: int, episode: str = "first", **kwargs):
    return build_plan(Scenario(days_since_onset=days, episode=episode, **kwargs), CONTENT)


def press_until(viewer, handle, key: str, target: int, limit: int = 150) -> None:
    """Press ``key`` on the focused slider handle until it reads ``target`` (the handle answers in
    the browser at once; the kernel's answer is awaited separately)."""
    for _ in range(limit):
        if viewer.slider_value(DAYS) == target:
            return
        handle.press(key)
    raise AssertionError(f"{DAYS!r} never reached {target} pressing {key}")


def test_page_loads_with_the_day_2_acute_plan(dashboard):
    dashboard.open()
    expected = plan_for(2)
    dashboard.expect_text(".bc-stage", "Day 2")
    assert expected.stage.label in dashboard.text(".bc-stage")
    assert expected.guideline_band.label in dashboard.text(".bc-stage")
    items = dashboard.item_ids()
    assert items == [item.id for item in expected.items]
    assert {"heat", "childs_pose"} <= set(items)
    assert dashboard.page.locator(".bc-gate").count() == 0
    picture = dashboard.page.locator(".bc-timeline-svg")
    assert picture.count() == 1 and picture.bounding_box()["width"] > 500  # drawn, and at a readable size
    # The day marker is drawn over the picture, exactly in its place.
    assert dashboard.page.locator(".bc-timeline-marker").bounding_box() == picture.bounding_box()
    assert dashboard.page.locator(".bc-timeline-box .bc-day-marker").text_content() == "Day 2"
    assert "not medical advice" in dashboard.text(".bc-disclaimer").lower()
    assert dashboard.text(".bc-takeaways").strip()
    assert dashboard.text(".bc-schedule").strip()
    assert dashboard.page.locator(".bc-error").count() == 0 or not dashboard.text(".bc-error").strip()


def test_keyboard_moves_the_day_and_the_plan_follows(dashboard):
    dashboard.open()
    handle = dashboard.slider_handle(DAYS)
    handle.focus()

    press_until(dashboard, handle, "ArrowRight", 10)
    day10 = plan_for(10)
    dashboard.expect_text(".bc-stage", "Day 10")
    assert day10.stage.label in dashboard.text(".bc-stage")
    assert day10.guideline_band.label in dashboard.text(".bc-stage")
    dashboard.page.locator(".bc-item[data-item-id=stay_active]").wait_for()
    assert "heat" not in dashboard.item_ids()
    dashboard.expect_text(".bc-timeline-box .bc-day-marker", "Day 10")  # the timeline follows too
    # The week ahead and the link to this scenario follow once the presses pause (ui.pacing).
    dashboard.expect_text(".bc-schedule thead th:nth-child(2)", "Day 10")
    from playwright.sync_api import expect

    expect(dashboard.page.locator("a.bc-deep-link")).to_have_attribute(
        "href", re.compile(r"[?&]days=10&"), timeout=UPDATE_MS
    )

    handle.press("End")
    dashboard.expect_text(".bc-stage", "Day 120")
    handle.press("Home")
    dashboard.expect_text(".bc-stage", "Day 0")
    press_until(dashboard, handle, "PageUp", 42)  # past four weeks the slider stops weekly
    day40 = plan_for(42)
    dashboard.expect_text(".bc-stage", "Day 42")
    assert day40.guideline_band.label in dashboard.text(".bc-stage")
    assert day40.guideline_band.label != day10.guideline_band.label
    assert dashboard.item_ids() == [item.id for item in day40.items]


def test_recurrent_brings_the_strengthening_block(dashboard):
    dashboard.open("?days=40")
    dashboard.expect_text(".bc-stage", "Day 40")
    assert "bent_over_row" not in dashboard.item_ids()

    dashboard.select("Episode").select_option(label="Recurrent")
    dashboard.page.locator(".bc-item[data-item-id=bent_over_row]").wait_for(timeout=30_000)
    assert dashboard.item_ids() == [item.id for item in plan_for(40, "recurrent").items]


def test_an_emergency_flag_replaces_the_plan(dashboard):
    dashboard.open()
    dashboard.checkbox(SADDLE).check()
    expected = plan_for(2, red_flags=("saddle_numbness",))
    dashboard.expect_text(".bc-gate", expected.gate.title)
    assert "Emergency" in dashboard.text(".bc-gate")
    dashboard.page.locator(".bc-item[data-item-id=gate_emergency]").wait_for()
    assert dashboard.item_ids() == [item.id for item in expected.items]
    assert "heat" not in dashboard.item_ids()

    dashboard.checkbox(SADDLE).uncheck()
    dashboard.page.locator(".bc-item[data-item-id=heat]").wait_for(timeout=30_000)
    assert dashboard.page.locator(".bc-gate").count() == 0 or not dashboard.text(".bc-gate").strip()


def test_a_teaching_case_sets_every_control(dashboard):
    case = scenario_from_case("older_anticoagulant", CONTENT)
    title = CONTENT.cases.set_index("id").loc["older_anticoagulant", "title"]
    assert case.cautions and case.episode == "recurrent"  # a case that moves every kind of control
    dashboard.open()
    dashboard.select("Teaching case").select_option(label=title)
    dashboard.expect_text(".bc-stage", f"Day {case.days_since_onset}")

    assert dashboard.day_box().input_value() == str(case.days_since_onset)
    assert dashboard.slider_value("Pain (0-10)") == case.pain
    assert dashboard.select("Episode").evaluate("e => e.options[e.selectedIndex].text") == "Recurrent"
    for caution_id, label in CONTENT.cautions.set_index("id")["label"].items():
        assert dashboard.checkbox(label).is_checked() == (caution_id in case.cautions), label
    for flag_id, label in CONTENT.red_flags.set_index("id")["label"].items():
        assert dashboard.checkbox(label).is_checked() == (flag_id in case.red_flags), label
    assert dashboard.item_ids() == [item.id for item in build_plan(case, CONTENT).items]


@pytest.mark.parametrize(
    ("kind", "words"), [("patient", "Day 10 since your back pain started"), ("clinician", "Day 10")]
)
def test_each_handout_downloads_and_is_self_contained(dashboard, tmp_path: Path, kind, words):
    dashboard.open("?days=10&episode=recurrent")
    dashboard.expect_text(".bc-stage", "Day 10")
    dashboard.page.get_by_role("button", name="Make the handouts for this plan").click()
    link = dashboard.page.locator(f"a.bc-handout-{kind}")
    with dashboard.page.expect_download(timeout=30_000) as download_info:
        link.click()
    download = download_info.value
    name = download.suggested_filename
    assert name == link.get_attribute("download")
    assert kind in name and "10" in name and "recurrent" in name.lower() and name.endswith(".html")
    saved = tmp_path / name
    download.save_as(saved)
    handout = saved.read_text(encoding="utf-8")

    href = link.get_attribute("href")
    assert re.match(r"data:text/html(;charset=utf-8)?;base64,", href), href[:60]
    assert base64.b64decode(href.split(",", 1)[1]).decode("utf-8") == handout
    assert words in handout
    assert "cauda equina" in handout
    if kind == "clinician":
        assert plan_for(10, "recurrent").stage.label in handout
    assert not re.search(r"<script", handout, re.IGNORECASE)
    assert not re.search(r"""src\s*=""", handout, re.IGNORECASE)  # links to sources are read, never loaded
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", handout, re.IGNORECASE)


def test_a_deep_link_opens_its_scenario(dashboard):
    dashboard.open("?days=40&episode=recurrent&pain=4&cautions=age_65_plus")
    dashboard.expect_text(".bc-stage", "Day 40")
    assert dashboard.day_box().input_value() == "40"
    assert dashboard.slider_value(DAYS) == 35  # the slider rests on its stop before day 40
    assert dashboard.slider_value("Pain (0-10)") == 4
    assert dashboard.select("Episode").evaluate("e => e.options[e.selectedIndex].text") == "Recurrent"
    assert dashboard.checkbox("Aged 65 or over").is_checked()
    assert "bent_over_row" in dashboard.item_ids()
    assert dashboard.page.locator(".bc-notice").count() == 0 or not dashboard.text(".bc-notice").strip()


def test_a_deep_link_with_an_emergency_flag_opens_the_gate(dashboard):
    dashboard.open("?days=3&flags=saddle_numbness")
    dashboard.expect_text(".bc-gate", "Emergency")
    assert dashboard.checkbox(SADDLE).is_checked()
    assert "gate_emergency" in dashboard.item_ids()


def test_a_bad_query_string_shows_a_notice_and_no_traceback(dashboard):
    query = "?days=abc&flags=" + quote("<script>alert(1)</script>") + "&episode=sometimes"
    dashboard.open(query)
    dashboard.expect_text(".bc-stage", "Day 2")
    notice = dashboard.text(".bc-notice")
    assert "abc" in notice
    assert dashboard.dialogs == []
    html = dashboard.html()
    assert "<script>alert(1)</script>" not in html
    for marker in SOURCE_MARKERS:
        assert marker not in html, marker
        assert marker not in dashboard.received(), marker


def test_no_request_leaves_the_origin(dashboard):
    dashboard.open("?days=10")
    dashboard.checkbox(SADDLE).check()
    dashboard.expect_text(".bc-gate", "Emergency")
    origin = dashboard.server.origin + "/"
    ws_origin = origin.replace("http://", "ws://", 1)
    outside = [url for url in dashboard.requests if not url.startswith((origin, ws_origin, "data:", "blob:"))]
    assert dashboard.requests, "no requests were recorded: the recorder is broken"
    assert outside == []
    # Websockets are not "requests" to Playwright: check them separately.
    assert dashboard.websockets, "no websocket was recorded: the recorder is broken"
    assert [url for url in dashboard.websockets if not url.startswith(ws_origin)] == []


def test_no_notebook_source_or_traceback_reaches_the_page_or_websocket(dashboard):
    dashboard.open()
    handle = dashboard.slider_handle(DAYS)
    handle.focus()
    handle.press("End")
    dashboard.expect_text(".bc-stage", "Day 120")
    dashboard.select("Teaching case").select_option(index=1)
    dashboard.page.wait_for_timeout(500)
    assert dashboard.frames, "no websocket frames were recorded: the recorder is broken"
    html = dashboard.html()
    received = dashboard.received()
    for marker in SOURCE_MARKERS:
        assert marker not in html, marker
        assert marker not in received, marker


def test_closing_the_tab_shuts_its_kernel_down(dashboard, running_kernels):
    """The template's _xsrf cookie lets Voilà's unload beacon through; without it kernels linger."""
    before = running_kernels()
    dashboard.open()
    mine = running_kernels() - before
    assert len(mine) == 1
    with dashboard.page.expect_event("close"):
        dashboard.page.close(run_before_unload=True)
    deadline = time.monotonic() + 20
    while mine & running_kernels() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not mine & running_kernels(), "the kernel outlived its tab"
    assert "Kernel shutdown" in dashboard.server.log_text()


def test_kernels_talk_to_the_server_over_local_sockets_not_tcp_ports(dashboard, running_kernels):
    """Kernels on TCP pick random ports and, when a room opens the link at once, two can pick the
    same one: a benchmark crowd of 30 lost a viewer that way. Unix sockets cannot collide."""
    before = running_kernels()
    dashboard.open()
    dashboard.expect_text(".bc-stage", "Day 2")
    (kernel,) = running_kernels() - before
    arguments = Path(f"/proc/{kernel}/cmdline").read_bytes().decode().split("\0")
    connection = json.loads(Path(arguments[arguments.index("-f") + 1]).read_text(encoding="utf-8"))
    assert connection["transport"] == "ipc"
    assert Path(f"{connection['ip']}-{connection['shell_port']}").is_socket()

"""The teaching room: the dashboard on a phone, a 4:3 and a 16:9 projector and a laptop, in both
themes, as its users meet it: result first, presenter mode, one day control, a readable timeline,
cases that ask before they tell, compare and the lens from the scenario on screen, one app with a
navigation, and accessible by default (axe-core from tests/node, landmarks, focus ring, keyboard).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPO, UPDATE_MS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PROJECTOR_4_3 = {"width": 1024, "height": 768}
PROJECTOR_16_9 = {"width": 1280, "height": 720}
LAPTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "1024x768": PROJECTOR_4_3, "1280x720": PROJECTOR_16_9, "1280x800": LAPTOP}
AXE = REPO / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# What axe may not find at all: anything serious or critical, content outside landmarks, skipped headings.
FORBIDDEN_RULES = {"region", "heading-order"}


@pytest.fixture(params=["light", "dark"])
def themed(request, dashboard):
    """The dashboard page on the light server, or on the --theme dark one."""
    if request.param == "dark":
        dashboard.server = request.getfixturevalue("dark_server")
    dashboard.theme = request.param
    return dashboard


def first_screen(page, locator) -> bool:
    """Whether ``locator``'s top edge is inside the first screen (without scrolling)."""
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def in_view(page, locator) -> bool:
    """Whether ``locator`` is wholly inside the viewport now."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a CSS ``rgb(...)``/``rgba(...)`` colour."""
    values = [float(part) for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    linear = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def scrolled(page) -> int:
    """How far the page has scrolled (Voilà's lab template scrolls #rendered_cells, not the window)."""
    return page.evaluate("() => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollTop")


def scroll_down(page, pixels: int) -> None:
    page.mouse.move(page.viewport_size["width"] * 0.7, page.viewport_size["height"] / 2)
    page.mouse.wheel(0, pixels)
    page.wait_for_function(
        "px => (document.querySelector('#rendered_cells') || document.scrollingElement).scrollTop >= px",
        arg=pixels // 2,
    )


def day_handle(viewer):
    return viewer.page.locator(".bc-day [role=slider]")


# --- 1. result first ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_result_leads_at_every_size(themed, size):
    page = themed.page
    page.set_viewport_size(VIEWPORTS[size])
    themed.open("?days=2")
    page.locator(".bc-plan .bc-item").first.wait_for(state="visible")
    assert first_screen(page, page.locator(".bc-stage").first)
    assert first_screen(page, page.locator(".bc-plan .bc-item").first)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    if size == "phone":  # the result before the controls
        assert page.locator(".bc-controls").bounding_box()["y"] > page.locator(".bc-plan").bounding_box()["y"]
    else:  # the day control on the first screen too
        assert in_view(page, day_handle(themed))


def test_an_emergency_link_on_a_phone_leads_with_one_emergency_box(themed):
    page = themed.page
    page.set_viewport_size(PHONE)
    themed.open("?days=3&flags=saddle_numbness", ready=".bc-gate-emergency")
    box = page.locator(".bc-gate-emergency")
    assert box.count() == 1 and first_screen(page, box)
    assert box.bounding_box()["y"] < page.locator(".bc-stage").bounding_box()["y"]
    # The box says what to do once; the plan area points back to it instead of repeating it.
    action = page.locator(".bc-gate-emergency p").first.inner_text()
    assert page.locator("body").inner_text().count(action) == 1
    assert "as the box above says" in themed.text(".bc-plan")


def test_flags_and_cautions_fold_into_groups_that_count_and_are_big_enough_to_touch(themed):
    page = themed.page
    page.set_viewport_size(PHONE)
    themed.open("?days=5&flags=fever&cautions=anticoagulant")
    flags = page.get_by_role("button", name="Red flags: 1 ticked (show)")
    cautions = page.get_by_role("button", name="Medication cautions: 1 ticked (show)")
    expect(flags).to_be_visible()
    expect(cautions).to_be_visible()
    assert not page.get_by_role("checkbox", name="Fever with the back pain").is_visible()  # folded away
    # By keyboard: focus the header, Enter opens it.
    flags.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Red flags: 1 ticked (hide)")).to_be_visible(timeout=UPDATE_MS)
    fever = page.get_by_role("checkbox", name="Fever with the back pain")
    expect(fever).to_be_visible()
    expect(fever).to_be_checked()
    targets = [
        page.locator(".bc-controls .widget-checkbox label.widget-label-basic").first,
        page.locator("button.bc-disclosure").first,
        page.locator(".bc-controls select").first,
        page.locator(".bc-nav a").first,
    ]
    for target in targets:
        assert target.bounding_box()["height"] >= 44, target
    # Ticking another flag updates the count.
    themed.checkbox("Weight loss without a known reason").check()
    expect(page.get_by_role("button", name="Red flags: 2 ticked (hide)")).to_be_visible(timeout=UPDATE_MS)


def test_the_controls_stay_in_view_while_the_plan_scrolls(dashboard):
    page = dashboard.page
    page.set_viewport_size(LAPTOP)
    dashboard.open("?days=10")
    scroll_down(page, 1600)
    assert in_view(page, day_handle(dashboard))
    day_handle(dashboard).focus()
    page.keyboard.press("ArrowRight")
    dashboard.expect_text(".bc-stage", "Day 11")


# --- 2. presenter mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["1024x768", "1280x720"])
def test_presenter_mode_fills_a_projector_and_keeps_the_slider_in_view(themed, size):
    page = themed.page
    page.set_viewport_size(VIEWPORTS[size])
    themed.open("?days=2")
    normal = page.locator(".bc-item-title").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.get_by_role("button", name="Presenter mode").click()
    expect(page.locator(".bc-app.bc-presenting")).to_have_count(1)
    page.wait_for_function(
        f"parseFloat(getComputedStyle(document.querySelector('.bc-item-title')).fontSize) > {normal * 1.3}"
    )
    assert in_view(page, day_handle(themed))
    assert first_screen(page, page.locator(".bc-stage"))
    assert in_view(page, page.locator(".bc-plan .bc-item-title").first)
    # The days slider spans the bar: each early day gets a wide stretch of track.
    track = page.locator(".bc-day .slider-container").bounding_box()
    assert track["width"] >= 0.5 * VIEWPORTS[size]["width"]
    # No label in the bar is cut short.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.bc-controls .widget-label, .bc-controls button')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent)"""
    )
    assert cut == []
    # Playing moves the slider while the room reads the plan further down: the bar stays on screen.
    scroll_down(page, 1400)
    page.get_by_role("button", name="Play").click()
    themed.expect_text(".bc-stage", "Day 3")
    assert in_view(page, day_handle(themed))
    page.get_by_role("button", name="Pause").click()


def test_play_gives_way_to_reduced_motion(dashboard):
    page = dashboard.page
    page.emulate_media(reduced_motion="reduce")
    dashboard.open("?days=2")
    expect(page.locator(".bc-reduced-motion")).to_be_visible()
    expect(page.get_by_role("button", name="Play")).to_be_hidden()


# --- 3. one day control ---------------------------------------------------------------------------


def test_one_day_control_gives_each_early_day_room_and_steps_one_day(themed):
    page = themed.page
    page.set_viewport_size(LAPTOP)
    themed.open("?days=0")
    number = page.get_by_label("Days since onset (0-365)")
    expect(number).to_have_value("0")
    handle = day_handle(themed)
    assert handle.get_attribute("aria-label") == "Days since onset"
    start = handle.bounding_box()["x"]
    handle.focus()
    for day in range(1, 8):
        page.keyboard.press("ArrowRight")
        themed.expect_text(".bc-stage", f"Day {day}:")
    expect(number).to_have_value("7")
    assert handle.get_attribute("aria-valuetext") == "Day 7"
    assert (handle.bounding_box()["x"] - start) / 7 >= 8  # px of track per day in the first week
    number.fill("200")
    number.press("Enter")
    themed.expect_text(".bc-stage", "Day 200")


# --- 4. a readable timeline --------------------------------------------------------------------------


def smallest_text_px(page, picture: str = ".bc-timeline-svg") -> float:
    """The smallest text in an SVG picture (by default the timeline), in CSS px as drawn."""
    return page.evaluate(
        """picture => {
            const svg = document.querySelector(picture);
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
            return Math.min(...sizes) * scale;
        }""",
        picture,
    )


def test_the_timeline_is_readable_at_1280_larger_when_presenting_and_in_words_on_a_phone(themed):
    page = themed.page
    page.set_viewport_size(LAPTOP)
    themed.open("?days=10")
    assert smallest_text_px(page) >= 12
    colour = page.locator(".bc-timeline-svg").evaluate("e => getComputedStyle(e).color")
    background = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    assert contrast(colour, background) >= 4.5  # theme-aware ink, not black on a dark page
    laptop = smallest_text_px(page)
    width = page.locator(".bc-timeline-svg").evaluate("e => e.getBoundingClientRect().width")
    page.get_by_role("button", name="Presenter mode").click()
    # Wait for the presenter layout itself: the picture may already be wider than 800 px on a laptop.
    page.wait_for_function(f"document.querySelector('.bc-timeline-svg').getBoundingClientRect().width > {width}")
    assert smallest_text_px(page) > laptop
    page.get_by_role("button", name="Presenter mode").click()
    page.set_viewport_size(PHONE)
    words = page.locator(".bc-timeline-words")
    expect(words.first).to_have_text("The current day: 10.")  # the day marker, in words
    expect(words.last).to_be_visible()
    expect(words.last).to_contain_text("Days 8-120: Stay active and try different activities.")
    expect(page.locator(".bc-timeline-svg")).to_be_hidden()
    expect(page.locator(".bc-timeline-marker")).to_be_hidden()
    assert words.last.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12


def test_the_evidence_chart_follows_the_theme_and_is_words_on_a_phone(themed):
    # One SVG picture whose lines and words take the page's text colour: readable on either theme.
    page = themed.page
    page.set_viewport_size(LAPTOP)
    themed.open("?page=evidence", ready=".bc-evidence")
    chart = page.locator(".bc-evidence figure svg.bc-effect-svg")
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    colour = chart.evaluate("e => getComputedStyle(e).color")
    background = chart.evaluate("e => getComputedStyle(e).backgroundColor")
    assert contrast(colour, background) >= 4.5
    assert contrast(colour, page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")) >= 4.5
    assert smallest_text_px(page, ".bc-effect-svg") >= 12
    expect(chart.locator("text", has_text="MID 10").first).to_be_visible()
    page.set_viewport_size(PHONE)
    words = page.locator(".bc-chart-words")
    expect(words).to_be_visible()
    expect(words).to_contain_text("against a MID of 10")
    expect(chart).to_be_hidden()
    assert words.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12


# --- 5. cases that teach ------------------------------------------------------------------------------


def test_a_case_asks_before_it_tells_and_a_change_keeps_a_way_back(dashboard):
    page = dashboard.page
    page.set_viewport_size(LAPTOP)
    dashboard.open("?days=2")
    dashboard.select("Teaching case").select_option(label="Day 40: recurrent spasms in a golfer")
    dashboard.expect_text(".bc-case", "Before you read the plan")
    point = page.locator(".bc-case details li").first
    expect(point).to_be_hidden()
    page.locator(".bc-case summary").click()
    expect(point).to_be_visible()
    plan_top = page.locator(".bc-plan").bounding_box()["y"]
    reset = page.get_by_role("button", name="Back to the case")
    expect(reset).to_be_disabled()
    dashboard.slider_handle("Pain (0-10)").focus()
    page.keyboard.press("ArrowLeft")
    dashboard.expect_text(".bc-case-changed", "Changed from the case")
    expect(reset).to_be_enabled()
    assert abs(page.locator(".bc-plan").bounding_box()["y"] - plan_top) <= 30  # nothing jumps
    reset.click()
    expect(page.locator(".bc-case-changed")).to_have_count(0, timeout=UPDATE_MS)
    expect(point).to_be_visible()  # the learning points the viewer opened stay open
    expect(reset).to_be_disabled()


# --- 6. compare and the lens from where you are ------------------------------------------------------


@pytest.mark.parametrize("size", ["phone", "1280x800"])
def test_compare_and_the_lens_start_from_the_scenario_on_screen(dashboard, size):
    page = dashboard.page
    page.set_viewport_size(VIEWPORTS[size])
    dashboard.open("?days=5&episode=recurrent&pain=7")
    button = page.get_by_role("button", name="Open: Compare with another day")
    button.focus()
    page.keyboard.press("Enter")
    table = page.locator(".bc-compare-table")
    table.wait_for(state="visible", timeout=UPDATE_MS)
    sides = page.locator(".bc-compare .widget-hbox").first.locator(":scope > .widget-vbox")
    days = [side.get_by_role("slider", name="Days since onset").get_attribute("aria-valuenow") for side in sides.all()]
    assert [round(float(day)) for day in days] == [5, 12]
    episodes = [side.get_by_label("Episode").evaluate("e => e.options[e.selectedIndex].text") for side in sides.all()]
    assert episodes == ["Recurrent", "Recurrent"]
    a, b = (side.bounding_box() for side in sides.all())
    if size == "phone":  # stacked, and nothing wider than the screen
        assert b["y"] >= a["y"] + a["height"] - 1 and abs(b["x"] - a["x"]) < 2
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    else:
        assert abs(b["y"] - a["y"]) < 2
    page.get_by_role("button", name="Open: Evidence lens at this day").click()
    lens = page.locator(".bc-teaching .bc-evidence [role=slider]").first
    lens.wait_for(state="visible", timeout=UPDATE_MS)
    assert round(float(lens.get_attribute("aria-valuenow"))) == 5


# --- 7. one app ------------------------------------------------------------------------------------


def test_one_app_links_the_dashboard_quiz_and_lens_with_words_for_learners(dashboard):
    page = dashboard.page
    dashboard.open("?days=2")
    nav = page.get_by_role("navigation", name="Pages")
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Quiz").click()
    page.locator(".bc-quiz").wait_for(state="visible", timeout=UPDATE_MS * 3)
    assert "?page=quiz" in page.url
    quiz_text = page.locator(".bc-page").inner_text()
    for developer_words in ("data/cases.csv", "build_plan", "kernel"):
        assert developer_words not in quiz_text
    expect(page.get_by_role("heading", level=1)).to_have_text("Test yourself on the teaching cases")
    # Per-item credit: tick one item of the plan question only, submit, and read what was missed.
    page.locator(".bc-quiz .widget-checkbox input").first.check()
    page.get_by_role("button", name="Submit").click()
    dashboard.expect_text(".bc-feedback", "points)")
    feedback = dashboard.text(".bc-feedback")
    assert "Missed, and why:" in feedback or "✔ Right" in feedback
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Evidence lens").click()
    page.locator(".bc-evidence").wait_for(state="visible", timeout=UPDATE_MS * 3)
    assert "data/" not in page.locator(".bc-page").inner_text().replace("data/evidence.csv", "")
    # A deep link into the lens opens at its day; a bad page name falls back with a notice.
    dashboard.open("?page=evidence&days=12", ready=".bc-evidence")
    assert round(float(page.locator(".bc-evidence [role=slider]").first.get_attribute("aria-valuenow"))) == 12
    dashboard.open("?page=nowhere")
    dashboard.expect_text(".bc-notice", "No page called 'nowhere'")


# --- 8. accessible by default ----------------------------------------------------------------------


def axe_findings(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


@pytest.mark.parametrize(
    "query,ready", [("?days=2", ".bc-stage"), ("?page=quiz", ".bc-quiz"), ("?page=evidence", ".bc-evidence")]
)
def test_axe_finds_nothing_serious_and_every_part_is_in_a_landmark(themed, query, ready):
    assert AXE.is_file(), "axe-core is missing: run `make node` (make test does)"
    page = themed.page
    themed.open(query, ready=ready)
    for button in page.locator("button.bc-disclosure").element_handles():  # the folded controls too
        button.click()
    page.wait_for_timeout(500)
    findings = axe_findings(page)
    bad = [f for f in findings if f["impact"] in ("serious", "critical") or f["id"] in FORBIDDEN_RULES]
    assert bad == []
    roles = page.evaluate("() => [...document.querySelectorAll('[role=main], main')].length")
    assert roles == 1
    expect(page.get_by_role("navigation", name="Pages")).to_be_visible()
    expect(page.get_by_role("banner")).to_be_visible()


def test_focus_rings_stand_out_and_item_links_say_which_item(themed):
    page = themed.page
    themed.open("?days=2")
    button = page.get_by_role("button", name="Presenter mode")
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = button.evaluate("e => getComputedStyle(e).outlineColor")
    width = button.evaluate("e => parseFloat(getComputedStyle(e).outlineWidth)")
    background = page.locator(".bc-controls").evaluate("e => getComputedStyle(e).backgroundColor")
    assert width >= 2 and contrast(ring, background) >= 3
    names = page.locator(".bc-plan summary").all_inner_texts()
    assert len(names) == len(set(names)) and all(": " in name for name in names)


# --- 9. a compact weekly schedule ----------------------------------------------------------------


def test_the_weekly_schedule_merges_days_that_say_the_same(dashboard):
    page = dashboard.page
    dashboard.open("?days=10")
    rows = page.locator(".bc-schedule tbody tr")
    assert rows.count() >= 1
    cells = page.locator(".bc-schedule tbody td").count()
    assert cells < rows.count() * 7
    assert page.locator(".bc-schedule td[colspan]").count() >= 1

"""Teaching mode in real Chromium against real servers: the quiz, the play control, large type and
the dark theme.

- The quiz runs on its own server (``backcare-nb dashboard --notebook quiz``), driven with the
  keyboard only. The right answers and explanations come from :func:`backcare_nb.quiz.build_quiz`
  in this process, so the test knows what to choose and what must not be in the page early.
- The play control and large type use the shared dashboard server; the dark theme has a server of
  its own (``--theme dark``), whose page is saved to tests/artifacts/dark.png for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from backcare_nb import build_plan, load_content
from backcare_nb.quiz import GATE, ITEMS, STAGE, Session, build_quiz
from backcare_nb.scenario import Scenario
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

CONTENT = load_content()
DAYS = "Days since onset"
UPDATE_MS = 30_000
# In the checkout's own artifacts folder: a fixed path in /tmp is another user's file on a shared machine.
DARK_SCREENSHOT = ARTIFACTS / "dark.png"
# Characters that HTML escaping or JSON encoding may rewrite: text between them reads the same in
# the page's HTML, in its text and in a websocket frame.
REWRITTEN = re.compile(r"""[&<>"'\\\u0080-\U0010ffff]""")


# --- helpers ----------------------------------------------------------------------------------------


def fragments(text: str, shortest: int = 20) -> list[str]:
    """The runs of ``text`` long enough to be telling and free of characters encodings rewrite."""
    return [part.strip() for part in REWRITTEN.split(text) if len(part.strip()) >= shortest]


def secret_texts(quiz) -> list[str]:
    """Everything the learner may read only after submitting: explanations, notes, learning points."""
    texts = [question.explanation for question in quiz.questions]
    texts += [note for question in quiz.questions for note in question.option_notes.values()]
    texts += list(quiz.learning_points)
    return [fragment for text in texts for fragment in fragments(text)]


def quiz_case():
    """The first case after the default (so the test changes case) with a self-care plan to tick
    and a stage that is not the first option (so the arrow keys have somewhere to go)."""
    for position, case in enumerate(CONTENT.records["cases"]):
        quiz = build_quiz(case["id"], CONTENT)
        stage = quiz.question(STAGE)
        if position > 0 and quiz.question(GATE).answer == {"clear"} and stage.options[0].key not in stage.answer:
            return position, quiz
    raise AssertionError("no teaching case after the first has a clear red-flag gate and a later stage")


def focused(page) -> dict:
    """What has the keyboard focus: its tag, type, name as read from its label, and its group."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const label = e.closest('label');
          const group = e.closest('.widget-radio');
          return {
            tag: e.tagName.toLowerCase(),
            type: (e.type || '').toLowerCase(),
            name: ((label ? label.textContent : e.textContent) || '').trim(),
            group: group ? (group.querySelector('.widget-label')?.textContent || '').trim() : '',
          };
        }"""
    )


def tab_to(page, limit: int = 80, **wanted: str) -> None:
    """Press Tab until the focused element matches ``wanted`` (e.g. ``type="radio", name=...``)."""
    for _ in range(limit):
        now = focused(page)
        if all(now.get(key) == value for key, value in wanted.items()):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {wanted}; focus is on {focused(page)}")


def stage_day(viewer) -> int:
    """The day the stage banner announces ("Day N: ...")."""
    match = re.search(r"Day (\d+)", viewer.text(".bc-stage"))
    assert match, viewer.text(".bc-stage")
    return int(match.group(1))


def wait_for_day(viewer, predicate_js: str) -> None:
    """Wait until the stage banner's day satisfies ``predicate_js`` (a JS expression in ``day``)."""
    viewer.page.wait_for_function(
        f"""() => {{
          const m = /Day (\\d+)/.exec(document.querySelector('.bc-stage')?.textContent || '');
          if (!m) return false;
          const day = parseInt(m[1], 10);
          return {predicate_js};
        }}""",
        timeout=UPDATE_MS,
    )


def play_button(viewer, name: str):
    """A button of the "Play days" control by its accessible name ("Play", "Pause", "Stop"), as a
    screen reader announces it; ipywidgets draws bare icons and the page's template names them."""
    return viewer.page.locator(".bc-presenter .widget-play").get_by_role("button", name=name, exact=True)


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: tuple[float, float, float], background: tuple[float, float, float]) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The colours a reader sees for each element with text of its own: its text colour and the
# background behind it, each composed from the (possibly translucent) layers under it.
SEEN_COLOURS_JS = """
(root) => {
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    let colour = [255, 255, 255];  // the canvas under everything
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const seen = [];
  for (const element of root.querySelectorAll('*')) {
    const own = Array.from(element.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const back = background(element);
    seen.push({
      text: element.textContent.trim().slice(0, 60),
      tag: element.tagName.toLowerCase(),
      classes: element.className && element.className.baseVal === undefined ? element.className : '',
      colour: over(parse(style.color), back),
      background: back,
      size: parseFloat(style.fontSize),
      bold: Number(style.fontWeight) >= 700,
    });
  }
  return seen;
}
"""


def seen_colours(viewer, selector: str) -> list[dict]:
    return viewer.page.locator(selector).first.evaluate(SEEN_COLOURS_JS)


# --- the quiz -------------------------------------------------------------------------------------


def test_the_quiz_hides_its_answers_until_submitted_and_works_by_keyboard(dashboard, quiz_server):
    position, quiz = quiz_case()
    stage, gate, items = quiz.question(STAGE), quiz.question(GATE), quiz.question(ITEMS)
    wrong_gate = next(option for option in gate.options if option.key not in gate.answer)
    right_items = [option.label for option in items.options if option.key in items.answer]
    assert right_items and all(option.key != "none" for option in items.options if option.key in items.answer)
    secrets = secret_texts(quiz)
    assert fragments(stage.explanation) and set(fragments(stage.explanation)) <= set(secrets)

    dashboard.server = quiz_server
    dashboard.open(ready=".bc-quiz")
    page = dashboard.page
    picker = dashboard.select("Teaching case")
    expect(picker).to_be_visible()
    assert page.locator(".bc-quiz .widget-radio").count() == 2
    assert "no answers submitted yet" in dashboard.text(".bc-score")
    score_before = dashboard.text(".bc-score")

    # The case, chosen with the keyboard: Tab to the dropdown, arrow down to the case.
    tab_to(page, tag="select")
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    dashboard.expect_text(".bc-quiz h3", quiz.title)
    dashboard.expect_text(".bc-quiz", stage.prompt)
    for fact in quiz.facts:
        assert fact in dashboard.text(".bc-quiz")

    # Nothing that gives an answer away has reached the page or the websocket yet.
    assert dashboard.frames, "no websocket frames were recorded: the recorder is broken"
    html, received, text = dashboard.html(), dashboard.received(), page.inner_text("body")
    for fragment in secrets:
        assert fragment not in html, fragment
        assert fragment not in text, fragment
        assert fragment not in received, fragment

    # Answers, keyboard only. The stage and the plan right, the red-flag action wrong on purpose,
    # so both marks show. The stage: Tab into its radio buttons, Space, then arrow down to the answer.
    stage_key = next(iter(stage.answer))
    stage_label = stage.label(stage_key)
    tab_to(page, type="radio", group="Stage", name=stage.options[0].label)
    page.keyboard.press("Space")
    for _ in range([option.key for option in stage.options].index(stage_key)):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=stage_label, exact=True)).to_be_checked()
    # The red flags and the plan: Tab to the option, Space to choose it.
    tab_to(page, type="radio", group="Red flags", name=wrong_gate.label)
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=wrong_gate.label, exact=True)).to_be_checked()
    for label in right_items:
        tab_to(page, type="checkbox", name=label)
        page.keyboard.press("Space")
        expect(page.get_by_role("checkbox", name=label, exact=True)).to_be_checked()
    tab_to(page, tag="button", name="Submit")
    page.keyboard.press("Enter")

    feedback = page.locator(".bc-feedback")
    feedback.wait_for(state="visible", timeout=UPDATE_MS)
    shown = feedback.inner_text()
    assert "2 of 3 right for this case" in shown
    assert "✔ Right" in shown and "✘ Not right" in shown
    for fragment in fragments(stage.explanation) + fragments(gate.explanation):
        assert fragment in shown, fragment
    for source in stage.sources:
        assert f"{source}: {quiz.citations[source]}" in shown
    assert f"Your answer: {wrong_gate.label}" in shown
    # The explanations came over the websocket only now (and the recorder can see them there).
    assert all(fragment in dashboard.received() for fragment in fragments(stage.explanation))
    for point in quiz.learning_points:
        assert point in shown

    # The score line moved, to what the quiz engine makes of the same answers.
    expected = Session()
    expected.submit(
        quiz,
        {STAGE: next(iter(stage.answer)), GATE: wrong_gate.key, ITEMS: set(items.answer)},
    )
    dashboard.expect_text(".bc-score", expected.summary())
    assert dashboard.text(".bc-score") != score_before
    # Submitted answers are locked, and Submit with them.
    expect(page.get_by_role("button", name="Submit", exact=True)).to_be_disabled()


# --- presenter mode -------------------------------------------------------------------------------


def test_play_walks_the_days_and_pause_and_stop_halt_it(dashboard):
    dashboard.open()
    dashboard.expect_text(".bc-stage", "Day 2")
    first_day, first_slider = stage_day(dashboard), dashboard.slider_value(DAYS)
    assert (first_day, first_slider) == (2, 2)
    assert play_button(dashboard, "Pause").count() == 0

    play_button(dashboard, "Play").click()
    expect(play_button(dashboard, "Pause")).to_be_visible()
    wait_for_day(dashboard, f"day >= {first_day + 3}")
    assert stage_day(dashboard) > first_day
    assert dashboard.slider_value(DAYS) > first_slider

    play_button(dashboard, "Pause").click()
    expect(play_button(dashboard, "Play")).to_be_visible()
    dashboard.page.wait_for_timeout(1_000)  # a tick already on its way when pause was pressed lands first
    paused = dashboard.slider_value(DAYS)
    wait_for_day(dashboard, f"day === {paused}")
    dashboard.page.wait_for_timeout(2_000)  # several play intervals: a running animation would move on
    assert dashboard.slider_value(DAYS) == paused
    assert stage_day(dashboard) == paused
    assert plan_for_day(paused).stage.label in dashboard.text(".bc-stage")

    # Stop goes back to the start of the range.
    play_button(dashboard, "Stop").click()
    dashboard.expect_text(".bc-stage", "Day 0")
    assert dashboard.slider_value(DAYS) == 0


def plan_for_day(days: int):
    return build_plan(Scenario(days_since_onset=days), CONTENT)


def test_a_deep_linked_day_survives_the_play_link_and_play_starts_there(dashboard):
    dashboard.open("?days=40")
    dashboard.expect_text(".bc-stage", "Day 40")
    # Once the page has settled (the link copies values on load), the slider still holds day 40.
    dashboard.page.wait_for_load_state("networkidle")
    assert dashboard.day_box().input_value() == "40"
    assert stage_day(dashboard) == 40

    play_button(dashboard, "Play").click()
    wait_for_day(dashboard, "day !== 40")
    assert stage_day(dashboard) > 40, "play restarted from another day instead of going on from 40"
    assert dashboard.slider_value(DAYS) > 40
    play_button(dashboard, "Pause").click()
    expect(play_button(dashboard, "Play")).to_be_visible()


def test_presenter_mode_enlarges_the_app(dashboard):
    dashboard.open()
    app = dashboard.page.locator(".bc-app").first
    stage = dashboard.page.locator(".bc-stage").first
    size = float(stage.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    title_size = float(
        dashboard.page.locator(".bc-item-title").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    )
    expect(app).not_to_have_class(re.compile(r"\bbc-presenting\b"))

    toggle = dashboard.page.get_by_role("button", name="Presenter mode")
    toggle.click()
    expect(app).to_have_class(re.compile(r"\bbc-presenting\b"), timeout=UPDATE_MS)
    stage.page.wait_for_function(
        "size => parseFloat(getComputedStyle(document.querySelector('.bc-stage')).fontSize) > size",
        arg=size,
        timeout=UPDATE_MS,
    )
    assert float(stage.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= size * 1.2
    assert (
        float(dashboard.page.locator(".bc-item-title").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        >= title_size * 1.2
    )

    toggle.click()
    expect(app).not_to_have_class(re.compile(r"\bbc-presenting\b"), timeout=UPDATE_MS)


# --- the dark theme -------------------------------------------------------------------------------


def test_the_dark_theme_works_end_to_end(dashboard, dark_server):
    dashboard.server = dark_server
    dashboard.open("?days=5&episode=recurrent&cautions=anticoagulant")
    page = dashboard.page
    dashboard.expect_text(".bc-stage", "Day 5")
    page.wait_for_load_state("networkidle")
    # Voilà's page scrolls inside its own container: make the window as tall as the app to see it all.
    height = page.evaluate("() => Math.ceil(document.querySelector('.bc-app').getBoundingClientRect().bottom) + 40")
    page.set_viewport_size({"width": 1280, "height": max(900, min(height, 8000))})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DARK_SCREENSHOT), full_page=True)

    # JupyterLab's dark theme, as Voilà 0.5's lab template marks it, and really dark.
    body = page.locator("body")
    assert body.get_attribute("data-jp-theme-light") == "false"
    assert body.get_attribute("data-jp-theme-name") == "JupyterLab Dark"
    page_colours = seen_colours(dashboard, ".bc-app")
    assert page_colours, "no text found in the app"
    behind_stage = next(entry for entry in page_colours if entry["text"].startswith("Day 5"))
    assert relative_luminance(behind_stage["background"]) < 0.1, behind_stage

    # The plan shows, for the scenario in the link.
    expected = build_plan(Scenario(days_since_onset=5, episode="recurrent", cautions=("anticoagulant",)), CONTENT)
    assert dashboard.item_ids() == [item.id for item in expected.items]

    # Every piece of plan text is readable: contrast of at least 4.5 (WCAG AA) with what is behind it.
    plan_colours = seen_colours(dashboard, ".bc-plan")
    assert any("bc-item-title" in entry["classes"] for entry in plan_colours)
    faint = [entry for entry in plan_colours if contrast(entry["colour"], entry["background"]) < 4.5]
    assert faint == [], faint
    # And so is the rest of the dashboard's own text.
    faint = [entry for entry in page_colours if contrast(entry["colour"], entry["background"]) < 4.5]
    assert faint == [], faint

    # The teaching panels under the plan (compare view, evidence lens) read as well.
    for title, ready in (
        ("Open: Compare with another day", ".bc-compare-table"),
        ("Open: Evidence lens at this day", ".bc-evidence-table"),
    ):
        page.get_by_role("button", name=title).click()
        page.locator(ready).first.wait_for(state="visible", timeout=UPDATE_MS)
        panel_colours = seen_colours(dashboard, ".bc-teaching")
        assert any(entry["tag"] == "td" for entry in panel_colours), f"no table cell read in {title}"
        faint = [entry for entry in panel_colours if contrast(entry["colour"], entry["background"]) < 4.5]
        assert faint == [], (title, faint)

    # Nothing was fetched from outside the server for the dark theme either.
    origin = dark_server.origin + "/"
    ws_origin = origin.replace("http://", "ws://", 1)
    assert dashboard.requests, "no requests were recorded: the recorder is broken"
    assert [url for url in dashboard.requests if not url.startswith((origin, ws_origin, "data:", "blob:"))] == []
    assert [url for url in dashboard.websockets if not url.startswith(ws_origin)] == []

"""The static site (``backcare-nb build-site``) in real Chromium, served by ``python -m http.server``.

The site is built once per session by the wheel installed with ``[site]`` (the ``static_site``
fixture; reused from build/site-cache/ when no input changed) and served from 127.0.0.1 as any
static host would serve it; Python runs in the page (Pyodide), so there is no server-side kernel
at all. Every page records its requests: none may leave the origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import static_server

pytestmark = pytest.mark.browser

# Pyodide starts in about 20 s on the 2-core development machine; allow a busy CI machine plenty.
READY_MS = 240_000
UPDATE_MS = 60_000
STRENGTHENING = "Romanian deadlift"  # the strengthening block of a recurrent episode, from day 30


@pytest.fixture(scope="module")
def site_origin(static_site) -> Iterator[str]:
    """The session's one site build (tests/conftest.py), served as a static host serves it."""
    from backcare_nb.site import PAGE

    with static_server(static_site, "static-site-http.log", PAGE) as origin:
        yield origin


@pytest.fixture
def static_page(browser, site_origin):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page, requests
    context.close()


def _open(page, origin: str, query: str, ready: str):
    from backcare_nb.site import PAGE

    page.goto(f"{origin}/{PAGE}{query}", wait_until="domcontentloaded")
    page.locator(ready).first.wait_for(state="visible", timeout=READY_MS)


def _outside(requests: list[str], origin: str) -> list[str]:
    return [url for url in requests if not url.startswith((origin + "/", "data:", "blob:"))]


def test_static_dashboard_follows_the_slider_and_deep_links_with_no_request_off_the_origin(static_page, site_origin):
    from playwright.sync_api import expect

    page, requests = static_page
    page.goto(f"{site_origin}/voici/render/dashboard.html", wait_until="domcontentloaded")
    # The progress message is on screen while Python starts.
    expect(page.locator(".bc-starting")).to_contain_text("Starting Python in your browser", timeout=30_000)
    page.locator(".bc-stage").first.wait_for(state="visible", timeout=READY_MS)
    expect(page.locator(".bc-stage").first).to_contain_text("Day 2", timeout=UPDATE_MS)
    assert STRENGTHENING not in " ".join(page.locator("li.bc-item").all_inner_texts())

    handle = page.locator(".widget-slider [role=slider]").first
    handle.focus()
    handle.press("ArrowRight")
    expect(page.locator(".bc-stage").first).to_contain_text("Day 3", timeout=UPDATE_MS)
    # The week ahead and the link to this scenario follow once the presses pause (ui.pacing): the
    # browser's Python runs the waiting work on its own timer.
    expect(page.locator(".bc-schedule thead th").nth(1)).to_have_text("Day 3", timeout=UPDATE_MS)
    expect(page.locator("a.bc-deep-link")).to_have_attribute("href", re.compile(r"[?&]days=3&"), timeout=UPDATE_MS)

    # A deep link reaches Python as QUERY_STRING, as on the Voila server.
    _open(page, site_origin, "?days=30&episode=recurrent", "li.bc-item")
    expect(page.locator(".bc-stage").first).to_contain_text("Day 30", timeout=UPDATE_MS)
    expect(page.locator("li.bc-item", has_text=STRENGTHENING).first).to_be_visible(timeout=UPDATE_MS)
    headings = page.locator("h3.bc-heading").all_inner_texts()
    assert any("Exercise" in heading for heading in headings), headings

    # The navigation's plain link opens the quiz in the same page of the site.
    page.get_by_role("link", name="Quiz").click()
    page.locator(".bc-quiz").first.wait_for(state="visible", timeout=READY_MS)
    assert "page=quiz" in page.url

    # The evidence lens runs in the browser's Python too (no pandas or matplotlib there): the day from
    # the link reaches its reconciler, and its chart is an SVG picture.
    _open(page, site_origin, "?page=evidence&days=12", ".bc-evidence")
    expect(page.locator(".bc-evidence").first).to_contain_text("On day 12 the labels differ", timeout=UPDATE_MS)
    chart = page.locator(".bc-evidence figure svg.bc-effect-svg")
    expect(chart).to_be_visible(timeout=UPDATE_MS)
    expect(chart.locator("text", has_text="MID 10").first).to_be_visible()
    expect(page.locator(".bc-evidence-table")).to_contain_text("Pain falls by 7.3 points")
    expect(page.locator(".bc-notice")).to_have_count(0)  # not the dashboard's fallback notice

    assert _outside(requests, site_origin) == []
    assert any(url.endswith("/static/pyodide/pyodide.asm.wasm") for url in requests)

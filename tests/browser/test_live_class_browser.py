"""A live class in real Chromium against a real ``backcare-nb dashboard --class-db DIR`` server:
one presenter's page (the dashboard's presenter bar) and three learners' phone pages, each in a
browser context of its own (its own kernel, its own device).

The learners answer; the presenter's chart shows the right counts within 2 s (a user-visible
deadline: the panel polls the store every 0.5 s); the reveal reaches every learner and moves the
dashboard to the case; the exported CSV gives the chart's counts.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.browser.conftest import ARTIFACTS, PAGE_READY_MS, UPDATE_MS, server_for_module

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHART_DEADLINE_MS = 2_000
# The address phones would use; the QR code and the join link point there.
PUBLIC_URL = "http://teach.example.org/backcare/"
ACUTE, LATER = "Acute stage (0-7 days)", "Sub-acute and chronic stage (1 week to 3+ months)"


@pytest.fixture(scope="module")
def class_server():
    with (
        tempfile.TemporaryDirectory(prefix="backcare-class-browser-") as directory,
        server_for_module("live-class", "--class-db", directory, "--public-url", PUBLIC_URL) as server,
    ):
        yield server


def _expect():
    from playwright.sync_api import expect

    return expect


def _context_page(browser, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    return context, context.new_page()


def _keep_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"live-class-{name}.png"), full_page=True)
    except Exception as error:  # the page may be what broke
        print(f"could not save a screenshot of {name}: {error}")


def test_a_class_of_three_phones_answers_and_the_presenter_sees_it(browser, class_server):
    expect = _expect()
    contexts = []
    pages = {}
    try:
        context, presenter = _context_page(browser, {"width": 1280, "height": 900})
        contexts.append(context)
        pages["presenter"] = presenter
        presenter.goto(class_server.url("?days=40"), wait_until="domcontentloaded")
        presenter.locator(".bc-stage").first.wait_for(state="visible", timeout=PAGE_READY_MS)
        presenter.get_by_role("button", name="Live class").click()
        presenter.get_by_role("button", name="Start a class").click()
        code_box = presenter.locator(".bc-class-code")
        expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{6}$"), timeout=UPDATE_MS)
        code = code_box.inner_text().strip()
        expect(presenter.locator(".bc-class-key")).to_be_visible()
        expect(presenter.locator(".bc-chart")).to_have_attribute("data-respondents", "0")
        # The room scans the QR code: it holds the join link shown under it, on the public address.
        shot = presenter.locator(".bc-class-qr svg").screenshot()
        scanned = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("L"))]
        assert scanned == [f"{PUBLIC_URL}?page=class&join={code}"]
        expect(presenter.locator(".bc-class-presenter").get_by_text(scanned[0], exact=True)).to_be_visible()
        query = "?" + scanned[0].split("?", 1)[1]  # this test's server stands in for the public address

        learners = []
        for number in range(3):
            context, page = _context_page(browser, PHONE)
            contexts.append(context)
            pages[f"learner-{number}"] = page
            page.goto(class_server.url(query), wait_until="domcontentloaded")
            page.locator(".bc-class-option").first.wait_for(state="visible", timeout=PAGE_READY_MS)
            learners.append(page)

        phone = learners[0]
        expect(phone.locator(".bc-class-question")).to_contain_text("Question 1 of 3")
        expect(phone.locator(".bc-class-learner")).to_contain_text("Day 2: first episode at a desk job")
        for option in phone.locator(".bc-class-option").all():
            assert option.bounding_box()["height"] >= 44  # touch targets
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        for page, label in zip(learners, [ACUTE, ACUTE, LATER], strict=True):
            page.get_by_role("button", name=label).click()
        for page, label in zip(learners, [ACUTE, ACUTE, LATER], strict=True):
            expect(page.locator(".bc-class-status").first).to_contain_text(
                f"Your answer is in: {label}", timeout=UPDATE_MS
            )

        chart = presenter.locator(".bc-chart")
        expect(chart).to_have_attribute("data-respondents", "3", timeout=CHART_DEADLINE_MS)
        expect(presenter.locator('.bc-chart-row[data-option="acute"]')).to_have_attribute("data-count", "2")
        expect(presenter.locator('.bc-chart-row[data-option="subacute_chronic"]')).to_have_attribute("data-count", "1")
        expect(chart).to_contain_text("2 (67%)")

        presenter.get_by_role("button", name="Reveal the answer").click()
        expect(presenter.locator(".bc-chart-row.bc-right")).to_have_attribute("data-option", "acute", timeout=UPDATE_MS)
        expect(presenter.locator(".bc-class-answer")).to_contain_text("The answer: Acute stage")
        # The dashboard moved to the case's scenario: day 2, not the 40 it was opened on.
        expect(presenter.get_by_label("Days since onset (0-365)")).to_have_value("2", timeout=UPDATE_MS)
        for page, verdict in zip(learners, ["✔ Right", "✔ Right", "✘ Not right"], strict=True):
            expect(page.locator(".bc-class-result")).to_contain_text(verdict, timeout=UPDATE_MS)
            expect(page.locator(".bc-class-result")).to_contain_text("Sources:")
            assert "Traceback" not in page.content()

        presenter.get_by_role("button", name="Export results (CSV)").click()
        link = presenter.locator("a.bc-class-export")
        link.wait_for(state="visible", timeout=UPDATE_MS)
        with presenter.expect_download() as download_info:
            link.click()
        rows = list(csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
        first = [row for row in rows if row["question_number"] == "1"]
        assert sorted(row["answer_keys"] for row in first) == ["acute", "acute", "subacute_chronic"]
        assert sorted(row["learner"] for row in first) == ["1", "2", "3"]

        presenter.get_by_role("button", name="Next question").click()
        for page in learners:
            expect(page.locator(".bc-class-question")).to_contain_text("Question 2 of 3", timeout=UPDATE_MS)
        expect(chart).to_have_attribute("data-respondents", "0", timeout=UPDATE_MS)
    except Exception:
        for name, page in pages.items():
            _keep_screenshot(page, name)
        raise
    finally:
        for context in contexts:
            context.close()


def test_a_stale_join_code_gets_a_clear_message(browser, class_server):
    context, page = _context_page(browser, PHONE)
    try:
        page.goto(class_server.url("?page=class&join=ZZZZZZ"), wait_until="domcontentloaded")
        _expect()(page.locator(".bc-class-learner .bc-error")).to_contain_text(
            "There is no class with the code ZZZZZZ", timeout=PAGE_READY_MS
        )
        assert page.get_by_label("Join code").is_visible()
    finally:
        context.close()

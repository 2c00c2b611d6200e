"""The handouts as a reader gets them: printed to PDF by Chromium on A4 and Letter, read on a phone,
and the QR code scanned back into the dashboard."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from backcare_nb import Scenario, build_plan, load_content
from backcare_nb.handout import HandoutDetails, clinician_handout, patient_handout, scenario_link

pytestmark = pytest.mark.browser

DAY_3 = Scenario(3, "first", 5)
#: The most pages each handout of a day-3 first episode may take.
MAX_PAGES = {"patient": 3, "clinician": 6}
HANDOUTS = {"patient": patient_handout, "clinician": clinician_handout}


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _headings(html: str) -> set[str]:
    return {unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html)}


def _last_lines(pdf: bytes) -> list[str]:
    lines = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        lines.append(text[-1] if text else "")
    return lines


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("kind", ["patient", "clinician"])
def test_a_printed_handout_fits_its_pages_and_leaves_no_heading_at_a_page_bottom(page, kind, paper):
    content = load_content()
    html = HANDOUTS[kind](build_plan(DAY_3, content), HandoutDetails(public_url="https://teach.example.org/"))
    page.set_content(html, wait_until="load")
    pdf = page.pdf(format=paper, print_background=True)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 1 <= pages <= MAX_PAGES[kind], f"{kind} handout on {paper}: {pages} pages"
    headings = _headings(html)
    for number, last in enumerate(_last_lines(pdf)[:-1], start=1):
        assert last not in headings, f"page {number} of the {kind} handout ends with the heading {last!r}"
    # 14 mm margins: the first line of text starts at least 12 mm from the paper's top edge.
    first_page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(first_page.mediabox.height) > 700  # points: A4 842, Letter 792


@pytest.mark.parametrize("kind", ["patient", "clinician"])
def test_a_handout_on_a_390_px_phone_needs_no_sideways_scrolling(page, kind):
    content = load_content()
    plan = build_plan(Scenario(40, "recurrent", cautions=("anticoagulant",)), content)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_content(HANDOUTS[kind](plan, HandoutDetails(public_url="https://teach.example.org/backcare/")))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("figure.picture svg").first.bounding_box()["width"] <= 390


def test_the_qr_code_scans_back_to_the_scenario_and_opens_it_in_the_dashboard(browser, dashboard_server, dashboard):
    content = load_content()
    scenario = Scenario(10, "recurrent", 6, cautions=("age_65_plus",))
    plan = build_plan(scenario, content)
    public_url = dashboard_server.url()
    context = browser.new_context(viewport={"width": 800, "height": 1200})
    reader = context.new_page()
    reader.set_content(patient_handout(plan, HandoutDetails(public_url=public_url)))
    shot = reader.locator(".qr svg").screenshot()
    context.close()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)).convert("L"))
    assert [code.text for code in found] == [scenario_link(plan, public_url)]

    dashboard.page.goto(found[0].text, wait_until="domcontentloaded")
    dashboard.page.locator(".bc-stage").first.wait_for(state="visible", timeout=90_000)
    dashboard.expect_text(".bc-stage", "Day 10")
    assert "Recurrent, pain 6/10" in dashboard.text(".bc-stage")
    assert dashboard.checkbox("Aged 65 or over").is_checked()


def test_the_dashboard_offers_both_handouts_and_prints_one(dashboard):
    dashboard.open("?days=3")
    dashboard.page.get_by_role("button", name="Make the handouts for this plan").click()
    links = dashboard.page.locator("a.bc-handout")
    links.first.wait_for()
    assert links.all_inner_texts() == ["Patient handout", "Clinician summary"]
    with dashboard.page.context.expect_page() as opened:
        dashboard.page.get_by_role("button", name="Print or save as PDF").first.click()
    handout = opened.value
    handout.wait_for_load_state()
    assert handout.title() == "Your back: what to do now (day 3)"
    assert "Warning signs: get help" in handout.locator("body").inner_text()
    handout.close()

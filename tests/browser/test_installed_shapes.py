"""Every control of every page, in the shapes people install, used in real Chromium.

- **The serving extra only:** the session's wheel installed with ``[serve]`` into a fresh venv
  (``serve_venv``; tests/test_packaging.py checks it has no pandas, matplotlib or numpy), served by
  that venv's ``backcare-nb dashboard`` from a folder outside the checkout.
- **The static site:** the session's one build (``static_site``, by the wheel installed with
  ``[site]``), served by ``python -m http.server``; Python runs in the page.

On each, the dashboard (at several scenarios), the quiz, the evidence lens and, where the server
has one, a learner's page of a live class are opened (the pages from the navigation bar), and every
control found on them is used (tests/browser/clickthrough.py). Nothing may go wrong: no failure
notice, traceback or notebook error on the page, no console error, no error in the server's log.
The last test forces a real failure (a broken dependency) on a served page and sees its notice.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.browser import free_port
from tests.browser.clickthrough import Problems, click_through, page_faults, server_log_faults
from tests.browser.conftest import (
    ARTIFACTS,
    PAGE_READY_MS,
    DashboardServer,
    start_dashboard_server,
    static_server,
    stop_dashboard_server,
)
from tests.shapes import venv_environment

pytestmark = pytest.mark.browser

#: Dashboard scenarios beyond the default day 2: an emergency, a recurrent episode with a caution
#: and severe pain, a teaching case. Their panels are opened and their buttons used.
SCENARIOS = (
    "?days=1&flags=saddle_numbness",
    "?days=40&episode=recurrent&cautions=age_65_plus&pain=9",
    "?case=golfer_recurrent",
)
#: What marks each page as loaded: the dashboard's stage, else the page's own container.
READY = {"dashboard": ".bc-stage", "quiz": ".bc-quiz", "evidence": ".bc-evidence", "class": ".bc-class-learner"}
STATIC_READY_MS = 240_000  # Python starting in the browser, on a busy 2-core machine


@pytest.fixture(scope="module")
def installed_server(serve_venv, tmp_path_factory) -> Iterator[DashboardServer]:
    """``backcare-nb dashboard`` of the venv with only ``[serve]``, run outside the checkout."""
    elsewhere = tmp_path_factory.mktemp("served-from-the-wheel")
    port = free_port()
    server = start_dashboard_server(
        ARTIFACTS / "installed-serve-server.log",
        "--class-db",
        str(elsewhere / "class-db"),
        "--public-url",  # the handouts then carry a QR code (segno, from the core)
        f"http://127.0.0.1:{port}/",
        program=(str(serve_venv / "bin" / "backcare-nb"),),
        cwd=elsewhere,
        env=venv_environment(serve_venv),
        port=port,
    )
    yield server
    stop_dashboard_server(server.process)


@pytest.fixture
def viewer(browser, request) -> Iterator[tuple[object, Problems]]:
    """A fresh page whose console errors are recorded; a failing test leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.on("page", lambda popup: popup.close() if popup is not context.pages[0] else None)  # print windows
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    yield page, problems
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            (ARTIFACTS / f"{request.node.name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # the page may be what broke
            print(f"could not save a screenshot: {error}")
    context.close()


def _open(page, url: str, ready: str, timeout: int = PAGE_READY_MS) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.locator(ready).first.wait_for(state="visible", timeout=timeout)


def _pages(page) -> list[str]:
    """The pages the navigation bar offers, by name (``?page=NAME``)."""
    links = page.locator(".bc-nav a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    return [link.split("page=", 1)[1] for link in links]


def _check(page, problems: Problems, where: str, used: list[str]) -> None:
    faults = page_faults(page) + [f"console: {message}" for message in problems.console]
    assert faults == [], f"{where}: {faults}\nafter using: {used[-10:]}"
    assert used, f"{where}: no control found"


def _walk_site(
    page, problems: Problems, base: str, ready_ms: int, server: DashboardServer | None, scenarios: tuple[str, ...]
) -> dict:
    """Open every page under ``base`` (a page's URL without query) and the dashboard at ``scenarios``
    (where only the buttons and folded groups are used: the full walk sets the rest), and use every
    control."""
    used: dict[str, list[str]] = {}
    _open(page, base, READY["dashboard"], ready_ms)
    pages = _pages(page)
    used["dashboard"] = click_through(page)
    _check(page, problems, "dashboard", used["dashboard"])
    code = page.locator(".bc-class-code").first.inner_text() if page.locator(".bc-class-code").count() else ""
    for scenario in scenarios:
        _open(page, base + scenario, READY["dashboard"], ready_ms)
        used[scenario] = click_through(page, kinds=("button", "summary", "group"))
        _check(page, problems, scenario, used[scenario])
    for name in pages:
        if name == "dashboard":
            continue
        query = f"?page={name}" + (f"&join={code}" if name == "class" and code else "")
        _open(page, base + query, READY.get(name, ".bc-page"), ready_ms)
        used[name] = click_through(page)
        _check(page, problems, name, used[name])
    if server is not None:
        assert server_log_faults(server.log_text()) == []
    return used


def test_every_control_works_on_a_server_installed_with_only_the_serving_extra(viewer, installed_server):
    page, problems = viewer
    used = _walk_site(page, problems, installed_server.url(), PAGE_READY_MS, installed_server, SCENARIOS)
    dashboard = used["dashboard"]
    for expected in ("Compare with another day", "Make the handouts for this plan", "Live class"):
        assert f"button: {expected}" in dashboard, dashboard
    assert "checkbox: Show items that stay the same" in dashboard  # inside the compare panel
    assert {"quiz", "evidence", "class"} <= set(used)
    print({where: len(controls) for where, controls in used.items()})


@pytest.fixture(scope="module")
def static_origin(static_site) -> Iterator[str]:
    with static_server(static_site, "installed-static-http.log") as origin:
        yield origin


def test_every_control_works_in_the_static_site(viewer, static_origin):
    from backcare_nb.site import PAGE

    page, problems = viewer
    # The dashboard once: each page load starts Python in the browser (about 20 s), and the full walk
    # sets every case, flag and caution from the page itself.
    used = _walk_site(page, problems, f"{static_origin}/{PAGE}", STATIC_READY_MS, None, ())
    assert "button: Compare with another day" in used["dashboard"]
    assert "checkbox: Show items that stay the same" in used["dashboard"]
    assert {"quiz", "evidence"} <= set(used)
    print({where: len(controls) for where, controls in used.items()})


def test_a_failed_button_on_a_served_page_says_so_beside_it(serve_venv, viewer, tmp_path):
    """A broken dependency, as a broken install leaves it: importing segno (the handouts' QR code) fails."""
    broken = tmp_path / "broken"
    (broken / "segno").mkdir(parents=True)
    (broken / "segno" / "__init__.py").write_text('raise ImportError("segno is broken on purpose by this test")\n')
    port = free_port()
    server = start_dashboard_server(
        ARTIFACTS / "broken-segno-server.log",
        "--class-db",
        str(tmp_path / "class-db"),
        "--public-url",
        f"http://127.0.0.1:{port}/",
        program=(str(serve_venv / "bin" / "backcare-nb"),),
        cwd=tmp_path,
        env=venv_environment(serve_venv, PYTHONPATH=str(broken)),
        port=port,
    )
    try:
        page, _ = viewer
        _open(page, server.url(), READY["dashboard"])
        assert page_faults(page) == []  # the page loads: segno is needed only for the handouts
        page.get_by_role("button", name="Make the handouts for this plan").click()
        from playwright.sync_api import expect

        notice = page.locator(".bc-handout-toggle + * .bc-failure")  # right under the button pressed
        expect(notice).to_contain_text("Sorry, something went wrong", timeout=30_000)
        faults = page_faults(page)
        assert len(faults) == 1 and faults[0].startswith("notice: Sorry"), faults
        assert "segno" not in page.locator("body").inner_text()  # the cause stays on the server
        log = server.log_text()
        assert "Traceback" in log and "segno is broken on purpose" in log and "show_handouts" in log
    finally:
        stop_dashboard_server(server.process)

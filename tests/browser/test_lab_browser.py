"""Exploring in JupyterLab as an educator would: `make lab` starts Lab on the tour, every cell runs
without an error, and Lab's Voilà preview of the dashboard stays on the server's own origin."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.browser import free_port
from tests.browser.conftest import stop_dashboard_server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 120
RUN_ALL_MS = 180_000
TOUR = REPO / "notebooks" / "explore.ipynb"
ARTIFACTS = REPO / "tests" / "artifacts"
# "done" when every code cell has run, "error" as soon as one shows an error, "stalled" when the
# kernel is idle with cells never run; nothing (keep waiting) otherwise.
ALL_RAN_OR_ERROR = """() => {
    if (document.querySelector("[data-mime-type='application/vnd.jupyter.stderr']")) return "error";
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
    if (prompts.length && prompts.every(text => /\\[\\d+\\]/.test(text))) return "done";
    const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
    if (idle && !prompts.some(text => text.includes("*")) && window.__bcRunAsked
        && Date.now() - window.__bcRunAsked > 15000) return "stalled";
    return null;
}"""


def run_all(page) -> None:
    """Run > Run All Cells, as a person would, noting when it was asked.

    On a loaded machine Lab may ask which kernel to use (its kernel took too long to start): a
    person takes the offered Python kernel. Any other dialog is a failure, named by its text.
    """
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.first.is_visible():
        text = dialog.first.inner_text()
        assert "Select Kernel" in text, f"Lab showed a dialog: {text}"
        dialog.first.locator(".jp-mod-accept").click()
        dialog.first.wait_for(state="detached", timeout=30_000)
    page.evaluate("window.__bcRunAsked = Date.now()")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab PORT=<free> BROWSER=no`, the README's command (Lab's root is notebooks/); yields (origin, token)."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("lab") / "lab.log"
    # Lab saves open notebooks every two minutes; the tour in the checkout must stay stripped.
    settings = log_path.parent / "settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text('{"autosave": false}')
    # Lab 4 renders only the cells in view; draw them all, so every output can be checked.
    notebook_settings = log_path.parent / "settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", "BROWSER=no"],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={
                **os.environ,
                "JUPYTER_RUNTIME_DIR": str(log_path.parent / "runtime"),
                "JUPYTERLAB_SETTINGS_DIR": str(log_path.parent / "settings"),
            },
        )
    token = None
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and token is None:
        if process.poll() is not None:
            pytest.fail(f"make lab exited with {process.returncode}:\n{log_path.read_text()}")
        found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log_path.read_text())
        token = found.group(1) if found else None
        time.sleep(0.5)
    if token is None:
        pytest.fail(f"make lab did not start within {START_SECONDS} s:\n{log_path.read_text()}")
    yield f"http://127.0.0.1:{port}", token
    stop_dashboard_server(process)  # the same stop as the Voila servers: process group, then stragglers


def test_make_lab_runs_the_tour_without_an_error(browser, lab):
    origin, token = lab
    before = TOUR.read_bytes()
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{origin}/lab/tree/explore.ipynb?token={token}", wait_until="domcontentloaded")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=90_000)
        code_cells = sum(cell["cell_type"] == "code" for cell in json.loads(before)["cells"])
        page.wait_for_function(
            f"document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === {code_cells}", timeout=90_000
        )
        run_all(page)
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
        outcome = page.wait_for_function(ALL_RAN_OR_ERROR, timeout=RUN_ALL_MS).json_value()
        if outcome == "stalled":  # Lab dropped the command while still settling: ask once more
            run_all(page)
            outcome = page.wait_for_function(ALL_RAN_OR_ERROR, timeout=RUN_ALL_MS).json_value()
        if outcome != "done":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lab-tour.png"), full_page=True)
        errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.all_inner_texts()
        assert outcome == "done", f"the tour did not finish: {prompts.all_inner_texts()}"
        assert prompts.count() == code_cells  # every code cell of the tour ran
        assert page.locator(".jp-RenderedHTMLCommon .bc-display").count() >= 1  # a plan's rich display
    finally:
        context.close()
    assert TOUR.read_bytes() == before, "Lab saved outputs into the committed tour"


def test_the_voila_preview_from_lab_uses_the_offline_template(browser, lab):
    origin, token = lab
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"{origin}/voila/render/dashboard.ipynb?token={token}", wait_until="domcontentloaded")
        page.locator(".bc-stage").first.wait_for(state="visible", timeout=90_000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    outside = [url for url in requests if not url.startswith((origin, "data:", "blob:"))]
    assert outside == []
    assert any("/voila/" in url for url in requests)

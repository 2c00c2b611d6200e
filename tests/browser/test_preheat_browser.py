"""``backcare-nb dashboard --preheat 1``: a pooled kernel has run the notebook before the viewer
asked, and must still honour the viewer's deep link (DashboardApp waits for the request)."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

POOL_READY_SECONDS = 120
PAGE_READY_MS = 90_000


@pytest.fixture(scope="module")
def preheated_server(start_server):
    server = start_server("preheated", "--preheat", "1")
    deadline = time.monotonic() + POOL_READY_SECONDS
    while "is filled with 1 kernel" not in server.log_text():
        assert time.monotonic() < deadline, f"the kernel pool never filled:\n{server.log_text()}"
        time.sleep(0.2)
    return server


def test_a_preheated_kernel_still_honours_the_deep_link(dashboard, preheated_server):
    dashboard.server = preheated_server
    # Voila logs "filled" before the pooled kernel has finished running the notebook, and the page is
    # served only then: on a busy two-core machine that can pass Playwright's 30 s navigation default.
    dashboard.page.set_default_navigation_timeout(PAGE_READY_MS)
    dashboard.open("?days=40&episode=recurrent&pain=4")
    dashboard.expect_text(".bc-stage", "Day 40")
    assert dashboard.slider_value("Pain (0-10)") == 4
    assert "bent_over_row" in dashboard.item_ids()
    assert "Using pre-heated kernel" in preheated_server.log_text()

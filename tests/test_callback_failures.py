"""A control whose callback fails says so next to itself, and the traceback stays in the server's log.

The failures are real ones, forced by breaking a dependency as a broken install would (importing it
fails), never by replacing the project's own code: segno draws the handouts' QR code, only when a
public address is known; sqlite3 holds a live class's answers (some Python builds lack it).
tests/browser/test_installed_shapes.py forces the same handout failure on a served page.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from backcare_nb.ui.callbacks import FRIENDLY_MESSAGE
from backcare_nb.ui.dashboard import DashboardApp
from tests.conftest import REPO
from tests.widget_walk import failure_notices


@pytest.fixture
def server_log(caplog):
    """The ``backcare_nb`` log records (it does not propagate to the root logger: listen on it)."""
    logger = logging.getLogger("backcare_nb")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="backcare_nb"):
            yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def test_handouts_that_cannot_be_made_say_so_under_their_button_and_log_the_traceback(content, monkeypatch, server_log):
    monkeypatch.setenv("BACKCARE_PUBLIC_URL", "https://teach.example.org/")  # the handouts carry a QR code
    monkeypatch.setitem(sys.modules, "segno", None)  # the QR code's library is broken: importing it fails
    app = DashboardApp(content)
    assert failure_notices(app.widget) == []  # the page itself loads: segno is only needed for the handouts

    app.handout_button.click()

    assert FRIENDLY_MESSAGE in app.handout_notice.value  # next to the button that was pressed
    assert failure_notices(app.widget) == [app.handout_notice.value]
    assert "Traceback" not in app.handout_notice.value and "segno" not in app.handout_notice.value
    assert app.outputs["handout_links"].value == ""
    assert "Day 2" in app.outputs["stage"].value  # the rest of the page works on
    failures = [record for record in server_log.records if record.exc_info]
    assert failures and isinstance(failures[0].exc_info[1], ImportError)
    assert "show_handouts" in failures[0].getMessage()

    monkeypatch.delitem(sys.modules, "segno")  # repaired: the next press works and the notice goes
    app.handout_button.click()  # folds the (empty) handouts away
    app.handout_button.click()
    assert failure_notices(app.widget) == []
    assert "Patient handout" in app.outputs["handout_links"].value


def test_a_live_class_without_sqlite_says_so_beside_its_toggle_and_the_dashboard_works_on(tmp_path):
    # In a fresh Python, as on a machine whose Python was built without sqlite3.
    script = (
        "import sys, json\n"
        "sys.modules['sqlite3'] = None\n"
        "from backcare_nb import load_content\n"
        "from backcare_nb.ui.dashboard import DashboardApp\n"
        "from tests.widget_walk import failure_notices\n"
        "app = DashboardApp(load_content())\n"
        "app.class_toggle.value = True\n"
        "app.days_text.value = 9\n"
        "print('REPORT ' + json.dumps({'beside': app.presenter.message.value, 'error': app.outputs['error'].value,\n"
        "    'stage': app.outputs['stage'].value, 'notices': failure_notices(app.widget)}))\n"
    )
    environment = {**os.environ, "BACKCARE_CLASS_DB": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(next(line for line in run.stdout.splitlines() if line.startswith("REPORT "))[7:])
    assert FRIENDLY_MESSAGE in report["beside"]  # in the presenter bar, beside the "Live class" toggle
    assert report["notices"] == [report["beside"]]  # nowhere else
    assert "Day 9" in report["stage"]
    assert "Traceback" in run.stderr and "sqlite3" in run.stderr  # the server's log has the cause
    assert "DashboardApp._show_class_panel" in run.stderr

"""Every page and every control runs on the core dependencies: no pandas, matplotlib or numpy.

A server installed with only the ``serve`` extra and the static site's Python in the browser have
none of them (pyproject.toml). Each test here runs in a fresh Python where importing any of them
fails, opens every page of the app (the pages come from ``backcare_nb.ui.app.PAGES``), uses every
control with tests/widget_walk.py, and checks what a viewer would see: no failure notice, no
traceback, nothing logged as an error. tests/browser/test_installed_shapes.py does the same in
Chromium against a wheel installed with only ``[serve]``, and in the static site.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import HEAVY_MODULES, REPO

# Run in a fresh Python: importing a blocked module raises ModuleNotFoundError, as where it is absent.
PROBE = """
import sys
for name in {heavy!r}:
    sys.modules[name] = None
import json
from backcare_nb import load_content
from backcare_nb.ui.app import PAGES, AppPage
from tests.widget_walk import failure_notices, use_every_control

from backcare_nb.classroom import LiveClass, open_store

content = load_content()
# A class to join, so the learner's page shows its question and answer buttons too.
view, _key = LiveClass(open_store(), content).start(content.records["cases"][0]["id"])
queries = [f"page={{name}}" for name in PAGES] + {extra!r} + [f"page=class&join={{view.code}}"]
report = {{}}
for query in queries:
    page = AppPage(content, query)
    used = use_every_control(page.widget)
    report[query] = {{"page": page.name, "used": used, "notices": failure_notices(page.widget)}}
    for app in (getattr(page.app, "class_panel", None), page.app):
        if hasattr(app, "close"):
            app.close()  # stop a live class's polling before the next page
print("REPORT " + json.dumps(report))
"""
#: Dashboard scenarios beyond the default: an emergency, a recurrent episode with cautions, a case.
SCENARIOS = [
    "page=dashboard&days=1&flags=saddle_numbness",
    "page=dashboard&days=40&episode=recurrent&cautions=age_65_plus&pain=9",
    "page=dashboard&case=golfer_recurrent",
]


def _probe(tmp_path, extra: list[str]) -> tuple[dict, str]:
    environment = {key: value for key, value in os.environ.items() if key != "QUERY_STRING"}
    environment["BACKCARE_CLASS_DB"] = str(tmp_path / "class-db")  # the live class's store, the test's own
    script = PROBE.format(heavy=HEAVY_MODULES, extra=extra)
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-4000:]
    line = next(line for line in run.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT ")), run.stderr


def test_every_page_and_every_control_works_without_pandas_matplotlib_or_numpy(tmp_path):
    report, log = _probe(tmp_path, SCENARIOS)
    assert {entry["page"] for entry in report.values()} >= {"dashboard", "quiz", "evidence", "class"}
    for query, entry in report.items():
        assert entry["notices"] == [], f"{query}: {entry['notices']}"
        assert entry["used"], query
    assert "Traceback" not in log and "Error in" not in log, log[-4000:]
    dashboard = report["page=dashboard"]["used"]
    # The controls the issue is about, and those reached only through them, were all used.
    for expected in (
        "Button: Open: Compare with another day",
        "Button: Open: Evidence lens at this day",
        "Button: Make the handouts for this plan",
        "ToggleButton: Live class",
        "Button: Start a class",
        "Button: Reveal the answer",
        "Button: Export results (CSV)",
        "Checkbox: Show items that stay the same",  # inside the compare panel
        "Dropdown: Verdict",  # inside the evidence lens
    ):
        assert expected in dashboard, expected
    assert sum(kind.startswith("Checkbox") for kind in dashboard) > 20  # red flags, cautions, compare's
    assert "Button: Submit" in report["page=quiz"]["used"]
    assert "Button: Join" in report["page=class"]["used"]
    (joined,) = (entry["used"] for query, entry in report.items() if "join=" in query)
    assert len(joined) >= 2  # the question's answer buttons

"""The panels below the timeline wait until a viewer's changes pause (backcare_nb.ui.pacing).

Run inside a real asyncio loop, as in a kernel: Voilà's and JupyterLab's ipykernel run widget
handlers on one, and so does Pyodide in the static site.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from backcare_nb import load_content
from backcare_nb.ui import DashboardApp
from backcare_nb.ui import dashboard as dashboard_module
from backcare_nb.ui.pacing import SETTLE_SECONDS, Settle
from backcare_nb.ui.panels import FRIENDLY_ERROR

CONTENT = load_content()


def run_in_a_loop(coroutine):
    """``asyncio.run`` in a thread of its own: in the full suite, Playwright's loop is already running
    in the main thread (the browser tests' driver), and asyncio allows one running loop a thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_outside_a_kernel_the_work_runs_at_once_even_in_a_running_loop():
    done = []

    async def change() -> None:
        settle = Settle()  # finds no kernel: pytest has no IPython shell
        settle.later(lambda: done.append(1))
        assert done == [1] and not settle.waiting

    run_in_a_loop(change())


def test_in_a_loop_only_the_latest_work_runs_once_the_changes_pause():
    done: list[int] = []

    async def presses() -> None:
        settle = Settle(0.05, loop=asyncio.get_running_loop)
        for step in range(5):  # a held key: each press replaces the waiting work
            settle.later(lambda step=step: done.append(step))
            await asyncio.sleep(0.01)
        assert done == [] and settle.waiting
        await asyncio.sleep(0.1)
        assert not settle.waiting

    run_in_a_loop(presses())
    assert done == [4]


def test_a_key_press_shows_the_day_and_plan_at_once_and_the_week_after_a_pause():
    async def press() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        # As in a kernel (outside one, kernel_loop finds none and all is drawn at once).
        app = DashboardApp(CONTENT, settle=Settle(loop=asyncio.get_running_loop))
        # Its first render is complete: a page never opens half drawn.
        before = {name: widget.value for name, widget in app.outputs.items()}
        app.days_slider.value = 9  # as the browser's message does
        at_once = {name: widget.value for name, widget in app.outputs.items()}
        await asyncio.sleep(SETTLE_SECONDS + 0.1)
        return before, at_once, {name: widget.value for name, widget in app.outputs.items()}

    before, at_once, settled = run_in_a_loop(press())
    assert "Day 9" in at_once["stage"] and "Day 2" in before["stage"]
    assert at_once["timeline_marker"] != before["timeline_marker"]
    assert at_once["schedule"] == before["schedule"] and at_once["handout"] == before["handout"]
    assert settled["schedule"] != before["schedule"] and "days=9" in settled["handout"]
    reference = DashboardApp(CONTENT)
    reference.days_text.value = 9  # no loop here: everything at once
    assert settled == {name: widget.value for name, widget in reference.outputs.items()}


def test_a_failure_in_the_waiting_panels_shows_the_friendly_message(monkeypatch):
    async def press() -> str:
        app = DashboardApp(CONTENT, settle=Settle(loop=asyncio.get_running_loop))

        def broken(*args, **kwargs):
            raise RuntimeError("the week could not be built")

        monkeypatch.setattr(dashboard_module, "schedule_for", broken)
        app.days_slider.value = 9
        await asyncio.sleep(SETTLE_SECONDS + 0.1)
        return app.outputs["error"].value

    assert FRIENDLY_ERROR in run_in_a_loop(press())

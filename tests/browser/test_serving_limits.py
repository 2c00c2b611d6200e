"""The serving limits of ``backcare-nb dashboard`` (backcare_nb/limits.py, room.py, kernel.py),
against real Voila servers started with the project's command, over HTTP and the kernel
websocket as a page (or a crafted page) speaks them.

- a crowd of 30 simultaneous viewers of a preheated server each get the whole dashboard;
- crafted widget messages (a string for the days slider, index 99 for a dropdown, malformed
  messages) bring back no traceback and write no file;
- past the kernel cap the next viewer reads "the room is full"; a kernel over its memory limit is
  stopped with a message while the server carries on;
- a foreign Host or Origin is refused; the access token never reaches the log.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ARTIFACTS, REPO, kernel_pids, start_dashboard_server, stop_dashboard_server
from kernel_socket import KernelSocket

from backcare_nb import kernel, limits
from benchmarks.browser import free_port

pytestmark = pytest.mark.browser

CROWD = 30
POOL = 5
PAGE_SECONDS = 240  # the whole crowd shares two cores with its 35 kernels
# The dashboard cell's output: the app's widget view, rendered into the page by Voila.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = PAGE_SECONDS) -> tuple[int, str, dict]:
    """(status, body, headers) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace"), dict(error.headers)


def kernel_id_of(page: str) -> str:
    match = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)
    assert match, "the page names no kernel"
    return match.group(1)


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


# --- a crowd on a preheated server ----------------------------------------------------------------


@pytest.fixture(scope="module")
def preheated_crowd_server():
    server = start_dashboard_server(ARTIFACTS / "crowd-server.log", "--preheat", str(POOL))
    try:
        wait_for(lambda: f"is filled with {POOL} kernel" in server.log_text(), 120, "the kernel pool")
        yield server
    finally:
        stop_dashboard_server(server.process)


def test_a_crowd_on_a_preheated_server_gets_every_dashboard(preheated_crowd_server):
    results: list[tuple[int, str, dict] | Exception] = [Exception("not run")] * CROWD

    def viewer(index: int) -> None:
        try:
            results[index] = fetch(preheated_crowd_server.url(f"?days={index}&episode=recurrent"))
        except Exception as error:  # recorded and reported below
            results[index] = error

    threads = [threading.Thread(target=viewer, args=(index,)) for index in range(CROWD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PAGE_SECONDS + 30)
    blank = []
    for index, result in enumerate(results):
        assert not isinstance(result, Exception), f"viewer {index}: {result!r}"
        status, page, _ = result
        assert status == 200, f"viewer {index} got {status}"
        if WIDGET_VIEW not in page:
            blank.append(index)
    assert blank == [], f"{len(blank)} of {CROWD} pages came back without the dashboard: {blank}"
    log = preheated_crowd_server.log_text()
    assert "Timeout waiting for IOPub output" not in log
    assert "Using pre-heated kernel" in log
    # Each pooled page still read its own link (the lighter wait in backcare_nb/preheat.py).
    assert "Traceback" not in log


# --- crafted widget messages ----------------------------------------------------------------------


def _files_around_the_kernel() -> set[Path]:
    """Files a kernel could write without asking: its working folder (notebooks/), the checkout's
    top level and the home folder (new files only: the repository's own files may be edited)."""
    found: set[Path] = set()
    for folder in (REPO / "notebooks", REPO, Path.home()):
        found.update(path for path in folder.iterdir() if path.is_file())
    return found


def test_crafted_widget_messages_bring_back_no_traceback(dashboard_server):
    before = _files_around_the_kernel()
    status, page, _ = fetch(dashboard_server.url("?days=3"))
    assert status == 200 and WIDGET_VIEW in page
    socket = KernelSocket.open(dashboard_server.origin, kernel_id_of(page))
    try:
        states = socket.widget_states()
        slider = next(i for i, s in states.items() if s.get("description") == "Days since onset (0-365)")
        episode = next(i for i, s in states.items() if s.get("description") == "Episode")
        crafted = [
            {"comm_id": slider, "data": {"method": "update", "state": {"value": "abc"}, "buffer_paths": []}},
            {"comm_id": episode, "data": {"method": "update", "state": {"index": 99}, "buffer_paths": []}},
            {"comm_id": slider, "data": {"method": "update", "state": {"value": [1, 2]}, "buffer_paths": [["x"]]}},
            {"comm_id": slider, "data": "not an object"},
            {"comm_id": slider},
            {"comm_id": "no-such-widget", "data": {"method": "update", "state": {}}},
            {"data": {"method": "update"}},
        ]
        for content in crafted:
            socket.send("comm_msg", content)
        socket.send("comm_open", {"comm_id": "x", "target_name": "jupyter.widget", "data": {"state": "?"}})
        errors = [m for m in socket.collect(8) if m.get("msg_type") in ("error", "stream")]
        # The kernel still answers: the slider takes a good value.
        socket.send("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": 40}}})
        socket.collect(3)
    finally:
        socket.close()
    received = "\n".join(socket.frames)
    assert "Traceback" not in received
    assert "site-packages" not in received
    assert 'File "' not in received
    # Each bad message is answered with the short notice, not silence that hides a failure.
    assert any(kernel.HIDDEN_ERROR in json.dumps(m) for m in errors)
    assert _files_around_the_kernel() - before == set()
    # The details are in the server's own log instead.
    wait_for(lambda: "TraitError" in dashboard_server.log_text(), 10, "the error in the server log")


# --- the kernel cap -------------------------------------------------------------------------------


def test_past_the_kernel_cap_the_next_viewer_reads_the_room_is_full():
    token = "cap-test-token"
    server = start_dashboard_server(ARTIFACTS / "capped-server.log", "--max-kernels", "2", "--token", token)
    try:
        for days in (1, 2):
            status, page, _ = fetch(server.url(f"?days={days}&token={token}"))
            assert status == 200 and WIDGET_VIEW in page
        status, page, headers = fetch(server.url(f"?days=3&token={token}"))
        assert status == 503
        assert "The room is full" in page and "try again in a minute" in page
        assert headers.get("Retry-After") == str(limits.RETRY_AFTER_SECONDS)
        assert "Traceback" not in page and "kernelId" not in page
        assert len(kernel_pids(server.process.pid)) == 2
        assert fetch(server.url(f"?days=4&token={token}"))[0] == 503
        # A place frees up when a viewer's kernel is shut down (here through the kernels API).
        first_kernel = re.findall(r"Kernel started: ([0-9a-f-]{36})", server.log_text())[0]
        request = urllib.request.Request(
            f"{server.origin}/api/kernels/{first_kernel}", method="DELETE", headers={"Authorization": f"token {token}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 204
        status, page, _ = fetch(server.url(f"?days=5&token={token}"))
        assert status == 200 and WIDGET_VIEW in page
    finally:
        stop_dashboard_server(server.process)


# --- the memory limit -----------------------------------------------------------------------------

HUNGRY_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": "hoard = bytearray(3 * 1024**3)  # three gigabytes: over any sensible kernel limit",
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_a_kernel_over_its_memory_limit_is_stopped_with_a_message(tmp_path):
    notebook = tmp_path / "hungry.ipynb"
    notebook.write_text(json.dumps(HUNGRY_NOTEBOOK), encoding="utf-8")
    port = free_port()
    log_path = ARTIFACTS / "memory-server.log"
    serve = (
        "import sys; from pathlib import Path; from backcare_nb import serve; "
        f"sys.exit(serve.serve(serve.ServeOptions(port={port}, notebook=Path({str(notebook)!r}), "
        "open_browser=False, kernel_memory_mb=512)))"
    )
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", serve], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(origin), 90, "the server")
        status, page, _ = fetch(origin + "/")
        assert status == 200
        assert kernel.MEMORY_MESSAGE in page
        assert "MemoryError" not in page and "Traceback" not in page
        wait_for(lambda: kernel_pids(process.pid) == [], 30, "the kernel to stop")
        log_text = log_path.read_text(encoding="utf-8")
        assert "reached its memory limit of 512 MB" in log_text
        # The server carries on and serves the next viewer.
        assert process.poll() is None
        status, page, _ = fetch(origin + "/")
        assert status == 200 and kernel.MEMORY_MESSAGE in page
    finally:
        stop_dashboard_server(process)


def _answers(origin: str) -> bool:
    try:
        return fetch(origin + "/voila/static/voila.js", timeout=2)[0] == 200
    except OSError:
        return False


# --- host names, origins and the log --------------------------------------------------------------


def test_a_foreign_host_or_origin_is_refused(dashboard_server):
    asset = dashboard_server.origin + "/voila/static/voila.js"
    port = dashboard_server.origin.rsplit(":", 1)[1]
    assert fetch(asset)[0] == 200
    assert fetch(asset, {"Host": f"localhost:{port}"})[0] == 200
    status, page, _ = fetch(asset, {"Host": f"attacker.example:{port}"})
    assert status == 403 and "does not answer to that address" in page
    assert fetch(dashboard_server.url(), {"Host": "rebound.example"})[0] == 403
    assert fetch(asset, {"Origin": "http://attacker.example"})[0] == 403
    assert fetch(asset, {"Origin": dashboard_server.origin})[0] == 200


def test_a_public_name_is_answered_when_given():
    server = start_dashboard_server(
        ARTIFACTS / "public-server.log", "--public-url", "https://teach.example.org/back", "--allow-host", "clinic.lan"
    )
    try:
        asset = server.origin + "/voila/static/voila.js"
        assert fetch(asset, {"Host": "teach.example.org"})[0] == 200
        assert fetch(asset, {"Host": "clinic.lan:8866"})[0] == 200
        assert fetch(asset, {"Host": "other.example.org"})[0] == 403
    finally:
        stop_dashboard_server(server.process)


def test_the_token_never_reaches_the_log():
    secret = "s3cret-token-for-the-log-test"
    server = start_dashboard_server(ARTIFACTS / "token-log-server.log", "--token", secret)
    try:
        for path in ("/voila/files/nothing.txt", "/voila/static/missing.js", "/api/kernels/unknown"):
            status, _, _ = fetch(f"{server.origin}{path}?token={secret}")
            assert status >= 400
        fetch(f"{server.origin}/?days=3&token=wrong-{secret}")
        request_lines = [line for line in server.log_text().splitlines() if re.search(r"\b[2-5]\d\d [A-Z]+ /", line)]
        assert any("/voila/static/missing.js?token=[hidden]" in line for line in request_lines)
        assert [line for line in request_lines if secret in line] == []
        assert secret not in server.log_text()
    finally:
        stop_dashboard_server(server.process)


def test_the_server_keeps_its_tracebacks_setting_for_kernels_it_starts():
    # The kernels run through backcare_nb.kernel with a memory limit (the process list says so).
    server = start_dashboard_server(ARTIFACTS / "launcher-server.log", "--kernel-memory", "900")
    try:
        fetch(server.url())
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in kernel_pids(server.process.pid)]
        assert commands and all(b"backcare_nb.kernel" in command for command in commands)
        assert all(command[command.index(b"--memory-limit-mb") + 1] == b"900" for command in commands)
        environ = Path(f"/proc/{kernel_pids(server.process.pid)[0]}/environ").read_bytes().split(b"\0")
        assert f"MALLOC_ARENA_MAX={limits.MALLOC_ARENAS}".encode() in environ
    finally:
        stop_dashboard_server(server.process)

"""The serving limits' rules (backcare_nb/limits.py), the preheated kernel's wait for its viewer
(backcare_nb/preheat.py) against a real tornado websocket, and the argv serve.py gives Voila."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
import tornado.web
import tornado.websocket

from backcare_nb import limits, preheat, serve

# --- limits ---------------------------------------------------------------------------------------


def test_the_kernel_cap_is_sized_to_the_machine():
    assert limits.default_max_kernels(24 * 1024) == 24 * 1024 * 6 // 10 // limits.KERNEL_BUDGET_MB == 122
    assert limits.default_max_kernels(2 * 1024) == 10
    assert limits.default_max_kernels(256) == limits.MIN_DEFAULT_KERNELS
    assert limits.default_max_kernels(0) == 32  # memory unknown
    assert limits.machine_memory_mb() > 0


def test_loopback_names_are_answered_and_others_are_not():
    room = limits.RoomLimits(max_kernels=3)
    for host in ("127.0.0.1:8866", "localhost:8866", "LOCALHOST", "[::1]:8866", "127.0.0.1"):
        assert room.allows_host(host), host
    for host in ("evil.example:8866", "127.0.0.1.evil.example", "", None, "localhost.:8866", "0x7f.1"):
        assert not room.allows_host(host), host
    # An address is not a name an attacker's DNS can rebind: a room types the machine's address.
    for host in ("192.0.2.7:8866", "[2001:db8::1]:8866", "10.0.0.2"):
        assert room.allows_host(host), host


def test_origins_must_name_an_allowed_host():
    room = limits.RoomLimits(max_kernels=3, allowed_hosts=limits.allowed_host_names("127.0.0.1", "https://teach.org"))
    assert room.allows_origin(None)  # a plain page load sends none
    assert room.allows_origin("http://127.0.0.1:8866")
    assert room.allows_origin("https://teach.org")
    for origin in ("null", "http://evil.example", "file://", "javascript:alert(1)", "https://teach.org.evil.example"):
        assert not room.allows_origin(origin), origin
    # A page served from an address may talk to that address, and only to it.
    assert room.allows_origin("http://192.0.2.7:8866", "192.0.2.7:8866")
    assert not room.allows_origin("http://203.0.113.9", "192.0.2.7:8866")
    assert not room.allows_origin("http://203.0.113.9")


def test_the_allowed_names_follow_the_options():
    assert limits.allowed_host_names("127.0.0.1") == limits.LOOPBACK_NAMES
    # On the network, the machine's own name is answered ("every address" itself names no host).
    assert limits.allowed_host_names("0.0.0.0") == limits.LOOPBACK_NAMES | {
        socket.gethostname().lower(),
        socket.gethostname().lower() + ".local",
    }
    assert "192.0.2.5" in limits.allowed_host_names("192.0.2.5")
    names = limits.allowed_host_names("0.0.0.0", "https://Teach.Example.org:8443/back/", ["clinic.lan", " "])
    assert {"teach.example.org", "clinic.lan"} <= names
    assert "teach.example.org" in limits.allowed_host_names("0.0.0.0", "teach.example.org")


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("/?token=abc", "/?token=[hidden]"),
        ("/voila/static/x.js?v=1&token=abc&days=3", "/voila/static/x.js?v=1&token=[hidden]&days=3"),
        ("/?TOKEN=abc", "/?TOKEN=[hidden]"),
        ("/api/kernels/k/channels?session_id=s&token=abc", "/api/kernels/k/channels?session_id=s&token=[hidden]"),
        ("/?days=3&mytoken=abc", "/?days=3&mytoken=abc"),
        ("/login?_xsrf=abc", "/login?_xsrf=[hidden]"),
    ],
)
def test_tokens_are_hidden_in_logged_addresses(uri, shown):
    assert limits.redact_query(uri) == shown


def test_serve_hands_voila_the_limits():
    argv = serve.voila_argv(
        serve.ServeOptions(
            max_kernels=7, kernel_memory_mb=900, allowed_hosts=("clinic.lan",), public_url="https://t.org"
        )
    )
    assert "--VoilaConfiguration.multi_kernel_manager_class=backcare_nb.room.RoomKernelManager" in argv
    assert "--RoomKernelManager.max_kernels=7" in argv
    assert "--LimitedKernelManager.memory_limit_mb=900" in argv
    allowed = {arg.split("=", 1)[1] for arg in argv if arg.startswith("--RoomVoila.allowed_hosts=")}
    assert allowed == {"127.0.0.1", "localhost", "::1", "clinic.lan", "t.org"}
    # A preheated pool cannot use up the whole cap: the first viewer always gets in.
    assert "--RoomKernelManager.max_kernels=6" in serve.voila_argv(serve.ServeOptions(max_kernels=2, preheat=5))


def test_a_public_url_reaches_the_kernels_for_the_handouts():
    environ: dict[str, str] = {}
    serve.prepare_environment(serve.ServeOptions(public_url="https://teach.example.org/"), environ)
    assert environ["BACKCARE_PUBLIC_URL"] == "https://teach.example.org/"


# --- the preheated kernel's wait --------------------------------------------------------------------


class _QuerySocket(tornado.websocket.WebSocketHandler):
    """Voila's RequestInfoSocketHandler in miniature: sends the request info after a delay."""

    payload: str = ""

    async def open(self, kernel_id: str) -> None:
        self.application.settings["opened"].append(kernel_id)
        await asyncio.sleep(0.2)  # the viewer arrives a little after the kernel asked
        self.ping(b"are you there")
        await self.write_message(self.payload)


@pytest.fixture
def query_server():
    """A tornado server on a loopback port in a thread; yields (port, opened kernel ids)."""
    loop = asyncio.new_event_loop()
    opened: list[str] = []
    started = threading.Event()
    state: dict = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        app = tornado.web.Application([(r"/voila/query/(.*)", _QuerySocket)], opened=opened)
        server = app.listen(0, "127.0.0.1")
        state["port"] = next(iter(server._sockets.values())).getsockname()[1]
        state["server"] = server
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    yield state["port"], opened
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_preheated_kernel_receives_its_viewers_link(query_server):
    port, opened = query_server
    info = {"QUERY_STRING": "days=40&episode=recurrent", "SCRIPT_NAME": "/", "SERVER_NAME": "127.0.0.1"}
    _QuerySocket.payload = json.dumps(info) + " " * 70_000  # long enough to need a 64-bit length
    environ = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": str(port), "VOILA_KERNEL_ID": "k-1", "VOILA_SERVER_URL": "/"}
    assert preheat.wait_for_request(environ) is True
    assert environ["QUERY_STRING"] == "days=40&episode=recurrent"
    assert environ["VOILA_PREHEAT"] == "False"
    assert opened == ["k-1"]
    # Once served, the kernel is like one started for the viewer: no second wait.
    assert preheat.wait_for_request(environ) is False
    assert opened == ["k-1"]


def test_without_preheating_there_is_nothing_to_wait_for():
    environ = {"QUERY_STRING": "days=3"}
    assert preheat.wait_for_request(environ) is False
    assert environ == {"QUERY_STRING": "days=3"}


def test_the_query_socket_address_follows_voilas_variables():
    environ = {"VOILA_APP_IP": "::1", "VOILA_APP_PORT": "9000", "VOILA_KERNEL_ID": "abc", "VOILA_SERVER_URL": "/base/"}
    assert preheat.query_socket_url(environ) == "ws://[::1]:9000/base/voila/query/abc"
    environ["VOILA_WS_BASE_URL"] = "/ws/"
    assert preheat.query_socket_url(environ) == "ws://[::1]:9000/ws/voila/query/abc"


def test_an_unreachable_server_raises_an_os_error():
    environ = {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": "1", "VOILA_KERNEL_ID": "k"}
    with pytest.raises(OSError):
        preheat.wait_for_request(environ)
    with pytest.raises(preheat.RequestWaitError):
        preheat.receive_request_info("wss://127.0.0.1:1/voila/query/k")

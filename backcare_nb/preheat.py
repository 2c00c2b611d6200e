"""Wait, in a preheated kernel, for the viewer whose page it will serve.

With ``--preheat N`` Voilà starts kernels and runs the notebook before anyone asks for the page,
so the page's link (``QUERY_STRING``) is not known yet. Voilà's own ``voila.utils.wait_for_request``
fetches it over a websocket, but importing ``voila.utils`` pulls in jupyter_server, jupyterlab_server
and the ``websockets`` package: seconds of CPU and about 44 MB in every pooled kernel, which in a
crowd costs more than the preheating saves. This is the same wait with the standard library only:
one HTTP upgrade, one text frame read, the connection dropped.

Voilà's protocol (voila 0.5, ``RequestInfoSocketHandler``): the kernel opens
``ws://$VOILA_APP_IP:$VOILA_APP_PORT$VOILA_WS_BASE_URL voila/query/$VOILA_KERNEL_ID``; when a viewer
is given this kernel the server sends one JSON object of environment variables (``QUERY_STRING``,
``SCRIPT_NAME``, ...). Without preheating none of this is needed and :func:`wait_for_request`
returns at once.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
from urllib.parse import urlsplit

#: Voilà sets this to "True" in pooled kernels only.
PREHEAT_ENV = "VOILA_PREHEAT"
#: A viewer may take hours to arrive; only the connection itself has a deadline.
CONNECT_SECONDS = 30.0
# The request info is a few hundred bytes; refuse anything absurd rather than buffer it.
MAX_MESSAGE_BYTES = 1 << 20


class RequestWaitError(OSError):
    """The server could not be reached or answered something other than Voilà's request info."""


def query_socket_url(environ: dict[str, str] | os._Environ[str] | None = None) -> str:
    """The websocket address Voilà sends this kernel's request info on, from the kernel's environment."""
    environ = os.environ if environ is None else environ
    protocol = environ.get("VOILA_WS_PROTOCOL", "ws")
    host = environ.get("VOILA_APP_IP", "127.0.0.1")
    port = environ.get("VOILA_APP_PORT", "8866")
    base_url = environ.get("VOILA_WS_BASE_URL", environ.get("VOILA_SERVER_URL", "/"))
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"{protocol}://{host}:{port}{base_url}voila/query/{environ.get('VOILA_KERNEL_ID', '')}"


def _read_exactly(connection: _PrefixedSocket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise RequestWaitError("the server closed the connection before sending the request")
        data += chunk
    return bytes(data)


def _read_text_message(connection: _PrefixedSocket) -> str:
    """One text message from a server (server frames are never masked); pings are answered."""
    pieces: list[bytes] = []
    while True:
        first, second = _read_exactly(connection, 2)
        opcode, final = first & 0x0F, bool(first & 0x80)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", _read_exactly(connection, 2))
        elif length == 127:
            (length,) = struct.unpack("!Q", _read_exactly(connection, 8))
        if length > MAX_MESSAGE_BYTES:
            raise RequestWaitError(f"a {length}-byte message is not Voila's request info")
        payload = _read_exactly(connection, length)
        if opcode == 0x8:
            raise RequestWaitError("the server closed the websocket before sending the request")
        if opcode == 0x9:  # ping: answer with a masked pong, as a client must
            connection.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
            continue
        if opcode in (0x1, 0x0):
            pieces.append(payload)
            if final:
                return b"".join(pieces).decode("utf-8")


def receive_request_info(url: str, connect_seconds: float = CONNECT_SECONDS) -> dict[str, str]:
    """Open the websocket ``url`` (``ws://`` only: Voilà's query socket is on the server itself),
    wait for the one message and return it as a dict of environment variables.

    Raises :class:`RequestWaitError` (an ``OSError``) when the server is unreachable or answers
    something else.
    """
    parts = urlsplit(url)
    if parts.scheme != "ws" or not parts.hostname:
        raise RequestWaitError(f"cannot wait on {url!r}: only ws:// addresses on this server are supported")
    port = parts.port or 80
    path = parts.path or "/"
    key = base64.b64encode(os.urandom(16)).decode("ascii")
    host_header = f"[{parts.hostname}]:{port}" if ":" in parts.hostname else f"{parts.hostname}:{port}"
    handshake = (
        f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, port), timeout=connect_seconds) as connection:
        connection.sendall(handshake.encode("ascii"))
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk or len(head) > 65536:
                raise RequestWaitError("the server did not accept the websocket")
            head += chunk
        status_line = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status_line + b" ":
            raise RequestWaitError(f"the server answered {status_line.decode('latin-1')!r}")
        # Bytes after the handshake already belong to the first frame: put them back in front.
        leftover = head.split(b"\r\n\r\n", 1)[1]
        connection.settimeout(None)  # the viewer may be a long time coming
        reader = _PrefixedSocket(connection, leftover)
        message = _read_text_message(reader)
    info = json.loads(message)
    if not isinstance(info, dict):
        raise RequestWaitError("the request info was not a JSON object")
    return {str(name): str(value) for name, value in info.items()}


class _PrefixedSocket:
    """A socket whose first ``recv`` calls return bytes already read."""

    def __init__(self, connection: socket.socket, prefix: bytes) -> None:
        self._connection = connection
        self._prefix = prefix

    def recv(self, size: int) -> bytes:
        if self._prefix:
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            return data
        return self._connection.recv(size)

    def sendall(self, data: bytes) -> None:
        self._connection.sendall(data)


def wait_for_request(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """In a preheated kernel, block until a viewer is given this kernel and put their request's
    variables (``QUERY_STRING`` and the rest) into ``environ`` (default ``os.environ``).

    Returns True when it waited and received them, False when there was nothing to wait for (not a
    preheated kernel, or it has already waited). ``VOILA_PREHEAT`` is set to "False" afterwards,
    so a second call (or Voilà's own helper) returns at once, as in a kernel started for the viewer.
    Raises :class:`RequestWaitError` when the server cannot be reached.
    """
    environ = os.environ if environ is None else environ
    if environ.get(PREHEAT_ENV) != "True":
        return False
    info = receive_request_info(query_socket_url(environ))
    environ.update(info)
    environ[PREHEAT_ENV] = "False"
    return True

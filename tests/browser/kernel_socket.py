"""A minimal Jupyter kernel websocket client (JSON messages, as Voila's page speaks them), for tests
that send what a crafted page could send and read everything the server sends back."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field

import websocket  # websocket-client, a dependency of jupyter_server


def _message(msg_type: str, content: dict, session: str, channel: str = "shell") -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": session,
            "username": "test",
            "version": "5.3",
            "date": "2026-01-01T00:00:00Z",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


@dataclass
class KernelSocket:
    """One open kernel websocket; ``frames`` holds every text frame received, as received."""

    connection: websocket.WebSocket
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    frames: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, origin: str, kernel_id: str) -> KernelSocket:
        url = origin.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
        return cls(websocket.create_connection(url, timeout=10, origin=origin))

    def send(self, msg_type: str, content: dict) -> str:
        message = _message(msg_type, content, self.session)
        self.connection.send(json.dumps(message))
        return message["header"]["msg_id"]

    def send_raw(self, text: str) -> None:
        self.connection.send(text)

    def collect(self, seconds: float) -> list[dict]:
        """Read frames for ``seconds``; returns those that parse as messages."""
        messages = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.connection.settimeout(left)
            try:
                frame = self.connection.recv()
            except websocket.WebSocketTimeoutException:
                break
            if isinstance(frame, bytes):
                frame = frame.decode("utf-8", errors="replace")
            self.frames.append(frame)
            try:
                messages.append(json.loads(frame))
            except ValueError:
                continue
        return messages

    def widget_states(self) -> dict[str, dict]:
        """comm id -> state of every widget in the kernel (asks each for its state, as the page does)."""
        self.send("comm_info_request", {"target_name": "jupyter.widget"})
        comms: dict = {}
        for message in self.collect(5):
            if message.get("msg_type") == "comm_info_reply":
                comms = message["content"]["comms"]
        for comm_id in comms:
            self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        states = {}
        deadline = time.monotonic() + 30
        while len(states) < len(comms) and time.monotonic() < deadline:
            for message in self.collect(1):
                content = message.get("content", {})
                data = content.get("data", {})
                if message.get("msg_type") == "comm_msg" and data.get("method") == "update":
                    states[content["comm_id"]] = data.get("state", {})
        return states

    def close(self) -> None:
        self.connection.close()

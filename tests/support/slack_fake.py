"""A local fake of the Slack Web API (chat.postMessage, auth.test) on 127.0.0.1.

Point slack-sdk at `fake.base_url`. Faults are scripted per test: `rate_limit()` answers 429
with Retry-After, `down()` answers 503 until `up()`, `fail_with(error)` answers `ok: false`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

TOKEN = "xoxb-test-token"

# (HTTP status, JSON body, extra headers)
Reply = tuple[int, dict[str, Any], dict[str, str]]


class SlackFake:
    """State and script of the fake; thread-safe, as the server answers on its own threads."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.posts: list[dict[str, Any]] = []  # accepted chat.postMessage payloads
        self.requests = 0  # every chat.postMessage request, answered or refused
        self._lock = threading.Lock()
        self._rate_limited = 0
        self._retry_after = 1
        self._down = False
        self._error: str | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        # A short poll keeps shutdown() at teardown quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The API root to give slack-sdk (`base_url`)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def start(self) -> SlackFake:
        """Serve in a background thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def rate_limit(self, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` posts with 429 and this Retry-After."""
        with self._lock:
            self._rate_limited, self._retry_after = times, retry_after

    def down(self) -> None:
        """Answer every request with 503 until `up()`."""
        with self._lock:
            self._down = True

    def up(self) -> None:
        """Undo `down()`."""
        with self._lock:
            self._down = False

    def fail_with(self, error: str) -> None:
        """Answer every post with `{"ok": false, "error": error}` (HTTP 200, as Slack does)."""
        with self._lock:
            self._error = error

    def answer_post(self, payload: dict[str, Any], authorization: str) -> Reply:
        """Decide the reply to one chat.postMessage."""
        with self._lock:
            self.requests += 1
            if self._down:
                return 503, {}, {}
            if self._rate_limited > 0:
                self._rate_limited -= 1
                retry_after = {"Retry-After": str(self._retry_after)}
                return 429, {"ok": False, "error": "ratelimited"}, retry_after
            if authorization != f"Bearer {self.token}":
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            if self._error is not None:
                return 200, {"ok": False, "error": self._error}, {}
            self.posts.append(payload)
            ts = f"1700000000.{len(self.posts):06d}"
            return 200, {"ok": True, "channel": payload.get("channel"), "ts": ts}, {}

    def answer_auth_test(self, authorization: str) -> Reply:
        """Reply to auth.test."""
        with self._lock:
            if self._down:
                return 503, {}, {}
        if authorization != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        return 200, {"ok": True, "team": "Panel Test", "user": "panel-bot", "bot_id": "B1"}, {}


def _payload(content_type: str, body: bytes) -> dict[str, Any]:
    """slack-sdk sends JSON for chat.postMessage; form posts are accepted as well."""
    if content_type.startswith("application/json"):
        parsed: dict[str, Any] = json.loads(body or b"{}")
        return parsed
    form: dict[str, Any] = dict(parse_qsl(body.decode("utf-8")))
    if isinstance(form.get("blocks"), str):
        form["blocks"] = json.loads(form["blocks"])
    return form


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        fake: SlackFake = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        authorization = self.headers.get("Authorization", "")
        if self.path == "/api/chat.postMessage":
            payload = _payload(self.headers.get("Content-Type", ""), body)
            reply = fake.answer_post(payload, authorization)
        elif self.path == "/api/auth.test":
            reply = fake.answer_auth_test(authorization)
        else:
            reply = 404, {"ok": False, "error": "unknown_method"}, {}
        self._reply(*reply)

    def _reply(self, status: int, answer: dict[str, Any], headers: dict[str, str]) -> None:
        if status == 503:
            content, content_type = b"<h1>Service Unavailable</h1>", "text/html"
        else:
            content, content_type = json.dumps(answer).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output should not fill with access logs."""


@pytest.fixture
def slack_fake() -> Iterator[SlackFake]:
    """A running Slack Web API fake, stopped at teardown."""
    fake = SlackFake().start()
    yield fake
    fake.stop()

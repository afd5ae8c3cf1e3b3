"""The loopback redirect listener for the authorization-code grant (RFC 8252).

Accepts only ``response_mode=form_post`` (the code arrives in a POST body, never in a URL
a browser history or proxy log keeps), checks ``state``, and can be cancelled: the wait
polls a :class:`threading.Event` in short slices and the server thread is always joined.
"""

from __future__ import annotations

import html
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

from outmail_gui.oauth.errors import OAuthCancelled, OAuthError

MAX_BODY = 64 * 1024
_SLICE_S = 0.1
DONE_PAGE = "<!doctype html><title>Outmail</title><p>Sign-in complete. You can close this tab and return to Outmail."
FAILED_PAGE = "<!doctype html><title>Outmail</title><p>Sign-in failed: {error}. Return to Outmail for details."
WAITING_PAGE = "<!doctype html><title>Outmail</title><p>Outmail is waiting for the sign-in to finish."


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._reply(400 if "?" in self.path else 200, WAITING_PAGE)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            self._reply(400, FAILED_PAGE.format(error="empty or oversized response"))
            return
        fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()}
        if fields.get("state") != self.server.expected_state:
            self._reply(400, FAILED_PAGE.format(error="unexpected state"))
            return
        if "code" not in fields and "error" not in fields:
            self._reply(400, FAILED_PAGE.format(error="no code"))
            return
        if "error" in fields:
            self._reply(200, FAILED_PAGE.format(error=html.escape(fields["error"])))
        else:
            self._reply(200, DONE_PAGE)
        self.server.deliver(fields)

    def _reply(self, status: int, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence: request lines would carry nothing secret, but stderr is not ours to fill."""


class _Server(HTTPServer):
    expected_state = ""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.response: dict[str, str] | None = None
        self.arrived = threading.Event()

    def deliver(self, fields: dict[str, str]) -> None:
        if self.response is None:
            self.response = fields
            self.arrived.set()


class LoopbackReceiver:
    """``with LoopbackReceiver() as r:`` then use ``r.redirect_uri``, ``r.expect(state)``, ``r.wait()``."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(_SLICE_S,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        # Entra ID registers "http://localhost" for desktop apps and accepts any port on it.
        return f"http://localhost:{self.port}"

    def expect(self, state: str) -> None:
        self._server.expected_state = state

    def __enter__(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, timeout_s: float, cancel: threading.Event | None = None) -> dict[str, str]:
        """The form fields the browser posted (``code`` or ``error`` plus ``state``)."""
        deadline = time.monotonic() + timeout_s
        while not self._server.arrived.wait(_SLICE_S):
            if cancel is not None and cancel.is_set():
                raise OAuthCancelled()
            if time.monotonic() > deadline:
                raise OAuthError("The browser sign-in did not finish in time.", code="timeout")
        assert self._server.response is not None
        return dict(self._server.response)

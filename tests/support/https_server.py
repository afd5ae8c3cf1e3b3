"""A real HTTPS server for tests (the standard library's, with trustme certificates), serving
autoconfig files from a table of paths, on a loopback address and port 443 (or any other)."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Body = bytes | Callable[[], Iterator[bytes]]  # a generator: streamed without Content-Length


@dataclass
class Page:
    body: Body = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        self.server.requests.append((host, self.path))
        page = self.server.pages.get((host, self.path.split("?")[0]))
        if page is None:
            self.send_error(404)
            return
        self.send_response(page.status)
        for key, value in page.headers.items():
            self.send_header(key, value)
        if isinstance(page.body, bytes):
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)
            return
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for chunk in page.body():
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client stopped reading, as it should
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[tuple[str, str], Page]
    requests: list[tuple[str, str]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-response is part of the hostile tests


class HttpsServer:
    """Serves ``pages`` keyed by (Host, path) over TLS with ``context`` on ``address``:``port``."""

    def __init__(self, address: str, port: int, context: ssl.SSLContext, pages: dict[tuple[str, str], Page]) -> None:
        self.httpd = _Server((address, port), _Handler, bind_and_activate=False)
        self.httpd.allow_reuse_address = True
        self.httpd.server_bind()
        self.httpd.server_activate()
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.pages = pages
        self.httpd.requests = []
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def requests(self) -> list[tuple[str, str]]:
        return self.httpd.requests

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

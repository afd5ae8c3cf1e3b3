"""Fixtures for ``outmail-gui check``: aiosmtpd servers whose trustme certificates expire when a
test says, a settings store to put them in, and the environment a scheduled run would have
(the test CA as the system's, the in-memory keyring)."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store.repository import ServerRepository
from tests.support.keyrings import MemoryKeyring
from tests.support.smtp_servers import RecordingHandler, TlsMaterial, aiosmtpd_server, make_tls

pytestmark = pytest.mark.integration
CertServer = Callable[..., int]  # days the certificate stays valid -> the server's port


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tls: TlsMaterial, tmp_path: Path) -> Iterator[Path]:
    """The data directory of a run whose system CAs are the test CA (SMTP and identity provider)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca_file))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    MemoryKeyring.reset()
    yield tmp_path / "data"
    MemoryKeyring.reset()


@pytest.fixture
def cert_server(tls: TlsMaterial, tmp_path: Path) -> Iterator[CertServer]:
    """``cert_server(days)``: aiosmtpd with STARTTLS and a certificate that expires in ``days``
    (negative: expired), issued by the test CA; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(days: float, handler: RecordingHandler | None = None) -> int:
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            material = make_tls(
                tmp_path / "certs",
                ca=tls.ca,
                not_after=now + dt.timedelta(days=days),
                not_before=now - dt.timedelta(days=400),
            )
            server = stack.enter_context(aiosmtpd_server(handler or RecordingHandler({}), material))
            return server.port

        yield start


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def add_server(data: Path, name: str, port: int, **fields: Any) -> ServerSettings:
    with ServerRepository.open(data) as repo:
        values: dict[str, Any] = {"server": "127.0.0.1", "outgoing_email_id": "desk@corp.example", **fields}
        return repo.save(new_server("smtp", name=name, port=port, **values))

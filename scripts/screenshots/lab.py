"""Loopback servers for the test pictures, and a real OAuth token for the Manage Token picture."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.oauth import TokenManager
from outmail_gui.store.secrets import SecretStore
from tests.support.oauth_server import Client, FakeBrowser, OAuthTestServer
from tests.support.smtp_servers import RecordingHandler, aiosmtpd_server, cert_sha256, make_tls

BRANCH_USER = "svc-branch"


@dataclasses.dataclass
class Lab:
    silent_port: int  # accepts connections, never greets: a test that keeps running
    smtp_port: int  # aiosmtpd with STARTTLS that refuses the seeded (old) password
    smtp_pin: str  # its certificate's SHA-256, trusted in the seeded record


@contextlib.contextmanager
def loopback_servers(tls_dir: Path) -> Iterator[Lab]:
    """Both servers on 127.0.0.1 ephemeral ports, stopped (and joined) on exit."""
    material = make_tls(tls_dir, names=("localhost",))
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # the probe's CA check aborts one handshake
    handler = RecordingHandler({BRANCH_USER: "the-right-password"})
    exclude = ("NTLM", "MSN", "XOAUTH2", "CRAM-MD5", "DIGEST-MD5")  # offers LOGIN and PLAIN, as Exchange does
    with (
        socket.create_server(("127.0.0.1", 0)) as silent,
        aiosmtpd_server(handler, material, exclude=exclude) as smtpd,
    ):
        yield Lab(silent.getsockname()[1], smtpd.port, cert_sha256(material))


def authorize_demo_token(data_dir: Path, secrets: SecretStore, server_id: str, settings: OAuthSettings) -> None:
    """Sign the mailbox in at a local Entra-like server; the window then reads the token from its cache."""
    material = make_tls(data_dir.parent / "entra-tls")
    with OAuthTestServer(material) as entra:
        entra.clients[settings.client_id] = Client(settings.client_id)
        entra.browser_user = settings.mailbox
        manager = TokenManager.for_data_dir(data_dir, secrets, ca_file=str(material.ca_file))
        local = settings.with_changes(tenant=entra.authority)  # the cache is keyed by client and mailbox
        manager.authorize(server_id, local, open_browser=FakeBrowser(material.ca_file).open, timeout_s=10)

"""Fixtures: one Entra-like authorization server per module (tests use distinct app
registrations, so MSAL's throttling of a 400 never carries over), an in-memory keyring,
and a TokenManager pointed at the server's test CA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.oauth import KeyringBlob, TokenManager
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial


@pytest.fixture
def keyring_backend() -> Iterator[MemoryKeyring]:
    MemoryKeyring.reset()
    yield MemoryKeyring()
    MemoryKeyring.reset()


@pytest.fixture
def manager(tmp_path: Path, keyring_backend: MemoryKeyring, tls: TlsMaterial) -> TokenManager:
    return TokenManager(tmp_path / "oauth", KeyringBlob(SecretStore(keyring_backend)), ca_file=str(tls.ca_file))


def settings_for(idp: OAuthTestServer, client_id: str, grant: GrantType, mailbox: str = MAILBOX) -> OAuthSettings:
    return OAuthSettings(enabled=True, tenant=idp.authority, client_id=client_id, grant_type=grant, mailbox=mailbox)

"""Fixtures shared by every OAuth 2.0 test: a test CA and the local Entra-like server.

Registered for the whole suite by ``pytest_plugins`` in tests/conftest.py; both are
module-scoped, so each test module gets a fresh server (MSAL caches a failed token response
per client for 60 s, so modules must not share clients).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial, make_tls

MAILBOX = "alerts@contoso.com"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls(tmp_path_factory.mktemp("oauth-tls"))


@pytest.fixture(scope="module")
def idp(tls: TlsMaterial) -> Iterator[OAuthTestServer]:
    with OAuthTestServer(tls) as server:
        server.add_user(MAILBOX)
        yield server

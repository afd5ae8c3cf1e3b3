"""The encrypted token cache and a long client secret with the real Secret Service (gnome-keyring).

Runs inside scripts/run-tests.sh's D-Bus session; skips elsewhere (fails there if the
promised Secret Service is missing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outmail_gui.domain.oauth import GrantType
from outmail_gui.oauth import TokenManager
from outmail_gui.store.secrets import SecretStore
from tests.integration.oauth.conftest import settings_for
from tests.support.oauth_server import OAuthTestServer
from tests.support.secret_service import needs_session
from tests.support.smtp_servers import TlsMaterial

pytestmark = [pytest.mark.integration, pytest.mark.keyring]


@needs_session
def test_cache_key_and_long_secret_in_the_secret_service(
    idp: OAuthTestServer, tmp_path: Path, tls: TlsMaterial
) -> None:
    secret = "real-keyring-secret-" + "s" * 3000  # split into parts, as Windows would need
    client = idp.add_client(secret=secret)
    settings = settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS)
    server_id = "c" * 32
    first = TokenManager.for_data_dir(tmp_path, SecretStore(), ca_file=str(tls.ca_file))
    try:
        first.set_client_secret(server_id, secret)
        token = first.authorize(server_id, settings)
        restarted = TokenManager.for_data_dir(tmp_path, SecretStore(), ca_file=str(tls.ca_file))
        assert restarted.client_secret(server_id) == secret
        assert restarted.token_for_test(server_id, settings).token == token.token
        assert token.token.encode() not in restarted.cache_path(server_id).read_bytes()
    finally:
        first.delete_server(server_id)
    assert first.client_secret(server_id) is None

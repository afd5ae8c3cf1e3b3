"""Identity-provider errors and SMTP replies, translated into what to do."""

from __future__ import annotations

import pytest
import requests

from outmail_gui.domain.oauth import GrantType
from outmail_gui.oauth import errors


@pytest.mark.parametrize(
    ("result", "code", "field"),
    [
        ({"error": "invalid_client", "error_codes": [7000215]}, "invalid_client", "oauth_client_secret"),
        (
            {"error": "invalid_client", "error_description": "AADSTS7000222: expired"},
            "invalid_client",
            "oauth_client_secret",
        ),
        ({"error": "invalid_client"}, "invalid_client", "oauth_client_secret"),
        ({"error": "invalid_grant", "error_codes": [65001]}, "consent_required", None),
        ({"error": "invalid_grant", "error_description": "user has not consented"}, "consent_required", None),
        ({"error": "invalid_grant", "error_codes": [50173]}, "invalid_grant", None),
        ({"error": "invalid_grant"}, "invalid_grant", None),
        ({"error": "unauthorized_client", "error_codes": ["700016"]}, "unauthorized_client", "oauth_client_id"),
        ({"error": "invalid_request", "error_codes": [90002]}, "invalid_tenant", "oauth_tenant"),
        ({"error": "access_denied"}, "access_denied", None),
        ({"error": "expired_token"}, "expired_token", None),
        ({"error": "temporarily_unavailable"}, "temporarily_unavailable", None),
    ],
)
def test_token_errors(result: dict[str, object], code: str, field: str | None) -> None:
    error = errors.from_token_response(result)
    assert (error.code, error.field) == (code, field)
    assert error.message and "None" not in error.message


def test_exceptions_are_named_without_internals() -> None:
    tls = errors.from_exception(requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"), "https://idp")
    assert tls.code == "tls"
    bad = errors.from_exception(ValueError("Unable to get authority configuration for x"), "https://idp/t")
    assert bad.field == "oauth_tenant"
    down = errors.from_exception(requests.exceptions.ConnectionError("refused"), "https://idp")
    assert down.code == "network" and "could not be reached" in down.message


def test_smtp_replies() -> None:
    assert errors.explain_smtp_rejection(535, "5.7.139 Authentication unsuccessful", None) == errors.SMTP_AUTH_DISABLED
    assert errors.explain_smtp_rejection(535, "5.7.30 Basic authentication is not supported", None) == (
        errors.BASIC_AUTH_RETIRED
    )
    assert errors.explain_smtp_rejection(535, "5.7.3 Authentication unsuccessful", GrantType.CLIENT_CREDENTIALS) == (
        errors.APP_NOT_PERMITTED
    )
    assert errors.explain_smtp_rejection(535, "5.7.8 bad credentials", None) == ""
    assert errors.offers_oauth_switch(535, "5.7.139 disabled") and not errors.offers_oauth_switch(535, "5.7.8")

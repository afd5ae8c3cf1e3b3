"""OAuth 2.0 settings: authority, validation messages, secret expiry, export form."""

from __future__ import annotations

import datetime as dt

import pytest

from outmail_gui.domain.oauth import (
    APP_ONLY_SCOPES,
    DELEGATED_SCOPES,
    GrantType,
    OAuthSettings,
    SecretExpiry,
    oauth_from_dict,
    secret_expiry,
    secret_expiry_message,
    validate_oauth,
)
from outmail_gui.domain.rules import Severity

TODAY = dt.date(2026, 11, 28)
GOOD = OAuthSettings(
    enabled=True,
    tenant="contoso.onmicrosoft.com",
    client_id="0b5b8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    grant_type=GrantType.CLIENT_CREDENTIALS,
    mailbox="alerts@contoso.com",
    client_secret_expires=dt.date(2027, 6, 1),
)


def fields(settings: OAuthSettings) -> dict[str, Severity]:
    return {i.field: i.severity for i in validate_oauth(settings, TODAY)}


def test_scopes_per_grant() -> None:
    assert GrantType.CLIENT_CREDENTIALS.scopes == APP_ONLY_SCOPES == ("https://outlook.office365.com/.default",)
    assert GrantType.DEVICE_CODE.scopes == DELEGATED_SCOPES
    assert GrantType.AUTHORIZATION_CODE.scopes == ("https://outlook.office.com/SMTP.Send", "offline_access")
    assert GrantType.CLIENT_CREDENTIALS.needs_client_secret and not GrantType.DEVICE_CODE.needs_client_secret


def test_authority_from_tenant_or_url() -> None:
    assert GOOD.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert GOOD.is_microsoft_authority
    sovereign = GOOD.with_changes(tenant="https://login.microsoftonline.us/contoso.us/")
    assert sovereign.authority == "https://login.microsoftonline.us/contoso.us" and sovereign.is_microsoft_authority
    local = GOOD.with_changes(tenant="https://127.0.0.1:8443/test")
    assert not local.is_microsoft_authority and local.authority_host == "127.0.0.1"


def test_valid_settings_have_no_issues_and_disabled_ones_are_not_checked() -> None:
    assert validate_oauth(GOOD, TODAY) == []
    assert validate_oauth(OAuthSettings(enabled=False), TODAY) == []


@pytest.mark.parametrize(
    ("tenant", "grant", "expected"),
    [
        ("", GrantType.CLIENT_CREDENTIALS, Severity.ERROR),
        ("organizations", GrantType.CLIENT_CREDENTIALS, Severity.ERROR),
        ("organizations", GrantType.DEVICE_CODE, None),
        ("9188040d-6c67-4c5b-b112-36a304b66dad", GrantType.CLIENT_CREDENTIALS, None),
        ("contoso", GrantType.CLIENT_CREDENTIALS, Severity.ERROR),
        ("http://login.example/tenant", GrantType.DEVICE_CODE, Severity.ERROR),
        ("https://login.example", GrantType.DEVICE_CODE, Severity.ERROR),
        ("https://login.example/tenant", GrantType.DEVICE_CODE, None),
        ("contoso.com\n", GrantType.DEVICE_CODE, Severity.ERROR),
    ],
)
def test_tenant_rules(tenant: str, grant: GrantType, expected: Severity | None) -> None:
    assert fields(GOOD.with_changes(tenant=tenant, grant_type=grant)).get("oauth_tenant") == expected


def test_client_id_and_mailbox_rules() -> None:
    assert fields(GOOD.with_changes(client_id=""))["oauth_client_id"] is Severity.ERROR
    assert fields(GOOD.with_changes(client_id="my app"))["oauth_client_id"] is Severity.ERROR
    assert fields(GOOD.with_changes(client_id="not-a-guid"))["oauth_client_id"] is Severity.WARNING
    assert "oauth_client_id" not in fields(GOOD.with_changes(client_id="test-app", tenant="https://idp.test/t"))
    assert fields(GOOD.with_changes(mailbox="not an address"))["oauth_mailbox"] is Severity.ERROR


@pytest.mark.parametrize(
    ("expires", "state", "days"),
    [
        (dt.date(2027, 6, 1), SecretExpiry.OK, 185),
        (dt.date(2026, 12, 20), SecretExpiry.OK, 22),
        (dt.date(2026, 12, 19), SecretExpiry.SOON, 21),
        (dt.date(2026, 11, 28), SecretExpiry.SOON, 0),
        (dt.date(2026, 11, 27), SecretExpiry.EXPIRED, -1),
        (None, SecretExpiry.UNKNOWN, None),
    ],
)
def test_secret_expiry(expires: dt.date | None, state: SecretExpiry, days: int | None) -> None:
    assert secret_expiry(GOOD.with_changes(client_secret_expires=expires), TODAY) == (state, days)


def test_secret_expiry_messages_and_warning() -> None:
    soon = GOOD.with_changes(client_secret_expires=dt.date(2026, 12, 10))
    assert secret_expiry_message(soon, TODAY) == (
        "The client secret expires in 12 days (2026-12-10): create a new one before then."
    )
    assert fields(soon)["oauth_client_secret_expires"] is Severity.WARNING
    expired = GOOD.with_changes(client_secret_expires=dt.date(2026, 1, 1))
    assert "expired on 2026-01-01" in secret_expiry_message(expired, TODAY)
    # Delegated grants use no secret, so its date says nothing.
    assert secret_expiry_message(soon.with_changes(grant_type=GrantType.DEVICE_CODE), TODAY) == ""


def test_export_round_trip_holds_no_secret() -> None:
    data = GOOD.to_dict()
    assert data["client_secret_expires"] == "2027-06-01" and "secret" not in {
        k for k in data if k != "client_secret_expires"
    }
    assert oauth_from_dict(data) == GOOD
    assert oauth_from_dict({}) == OAuthSettings()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"enabled": "yes"}, TypeError),
        ({"grant_type": "password"}, ValueError),
        ({"client_secret_expires": "next year"}, ValueError),
        ({"client_secret_expires": 20270101}, TypeError),
        ({"client_secret": "x"}, ValueError),
        ({"tenant": 5}, TypeError),
    ],
)
def test_import_rejects_bad_values(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        oauth_from_dict(data)

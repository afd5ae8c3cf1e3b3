"""One expiry rule for certificates and client secrets: whole days left, warning and critical days."""

from __future__ import annotations

import datetime as dt

import pytest

from outmail_gui.domain.expiry import ExpiryState, certificate_expiry_message, days_left, expiry_state
from outmail_gui.domain.oauth import GrantType, OAuthSettings, expiry_flags
from outmail_gui.domain.routing import ProblemKind, resolve
from outmail_gui.domain.settings import new_server

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("expires", "state", "days"),
    [
        (NOW + dt.timedelta(days=30), ExpiryState.OK, 30),
        (NOW + dt.timedelta(days=22), ExpiryState.OK, 22),
        (NOW + dt.timedelta(days=21, hours=23), ExpiryState.SOON, 21),  # whole days, rounded down
        (NOW + dt.timedelta(days=7, hours=1), ExpiryState.CRITICAL, 7),
        (NOW + dt.timedelta(hours=1), ExpiryState.CRITICAL, 0),
        (NOW - dt.timedelta(minutes=1), ExpiryState.EXPIRED, -1),
        (dt.date(2026, 12, 3), ExpiryState.CRITICAL, 0),  # a date runs to the end of that day
        (dt.date(2026, 12, 2), ExpiryState.EXPIRED, -1),
        (None, ExpiryState.UNKNOWN, None),
    ],
)
def test_expiry_state(expires: dt.date | dt.datetime | None, state: ExpiryState, days: int | None) -> None:
    assert expiry_state(expires, NOW, warn_days=21, critical_days=7) == (state, days)


def test_without_critical_days_only_warning_and_expired() -> None:
    assert expiry_state(NOW + dt.timedelta(days=1), NOW) == (ExpiryState.SOON, 1)
    assert days_left(dt.date(2027, 1, 2), NOW) == 30


def test_certificate_message_and_flags_name_the_date() -> None:
    assert certificate_expiry_message(NOW + dt.timedelta(days=40), NOW) == ""
    assert certificate_expiry_message(None, NOW) == ""
    assert certificate_expiry_message(NOW + dt.timedelta(days=1, hours=2), NOW) == (
        "The server's certificate expires in 1 day (2026-12-04): it must be renewed before then."
    )
    assert certificate_expiry_message(NOW - dt.timedelta(days=2), NOW) == (
        "The server's certificate expired on 2026-12-01: the server must install a new one."
    )
    secret = OAuthSettings(
        enabled=True,
        tenant="contoso.onmicrosoft.com",
        client_id="c",
        grant_type=GrantType.CLIENT_CREDENTIALS,
        mailbox="a@contoso.com",
        client_secret_expires=dt.date(2026, 12, 13),
    )
    flags = expiry_flags(
        {"a": secret, "b": secret.with_changes(client_secret_expires=dt.date(2027, 6, 1))},
        {"a": NOW + dt.timedelta(days=3), "c": NOW + dt.timedelta(days=300), "d": None},
        NOW.date(),
    )
    assert flags == {
        "a": "The server's certificate expires in 3 days (2026-12-06): it must be renewed before then. "
        "The client secret expires in 10 days (2026-12-13): create a new one before then."
    }


def test_routing_names_what_expires_on_the_sending_server() -> None:
    server = new_server("smtp", name="Relay", server="relay.example.com", outgoing_email_id="d@example.com")
    route = resolve(None, [server], partitioning_enabled=False, expiring={server.id: "The server's certificate …"})
    (problem,) = [p for p in route.problems if p.kind is ProblemKind.EXPIRING]
    assert problem.message == "'Relay': The server's certificate …"
    assert resolve(None, [server], partitioning_enabled=False).problems == ()

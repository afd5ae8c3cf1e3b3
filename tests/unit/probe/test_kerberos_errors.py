"""Kerberos failures become hints a helpdesk agent can act on, classified by MIT's own error codes.

The errors are the libraries' real exception types, made from the codes MIT Kerberos reports
(the realm tests in tests/integration/kerberos meet most of them for real; clock skew and a
locked or expired account cannot be provoked there without changing the machine's clock).
"""

from __future__ import annotations

from collections.abc import Callable

import krb5
import pytest
from gssapi.raw.misc import GSSError
from spnego.exceptions import SpnegoError

from outmail_gui.probe.auth.kerberos_errors import Cause, cause_of, kerberos_error

KRB5 = -1765328384  # ERROR_TABLE_BASE_krb5
GSS_S_FAILURE = 851968


def krb5_error(code: int) -> krb5.Krb5Error:
    """What the krb5 module raises when pyspnego gets a ticket with a password."""
    return krb5.Krb5Error(krb5.init_context(), code)


def gss_error(code: int) -> SpnegoError:
    """What pyspnego raises from a GSSAPI call: the minor code is unsigned there."""
    return SpnegoError(base_error=GSSError(GSS_S_FAILURE, code % 2**32), context_msg="Processing security token")


CASES = [
    (KRB5 + 37, Cause.CLOCK_SKEW, "clock differs from the domain controller's", True),
    (KRB5 + 24, Cause.WRONG_PASSWORD, "rejected the password", False),
    (KRB5 + 31, Cause.WRONG_PASSWORD, "rejected the password", False),
    (KRB5 + 23, Cause.PASSWORD_EXPIRED, "has expired", False),
    (KRB5 + 18, Cause.ACCOUNT_LOCKED, "locked or disabled", False),
    (KRB5 + 6, Cause.UNKNOWN_USER, "Check Login ID", True),
    (KRB5 + 7, Cause.UNKNOWN_SERVICE, "full host name, not its IP address", True),
    (KRB5 + 224, Cause.NO_REALM, "no Kerberos realm configured", True),
    (KRB5 + 154, Cause.NO_REALM, "no Kerberos realm configured", True),
    (KRB5 + 156, Cause.NO_KDC, "no domain controller (KDC)", True),
    (KRB5 + 141, Cause.NO_TICKET, "Sign in to the domain or run kinit", True),
    (KRB5 + 195, Cause.NO_TICKET, "Sign in to the domain or run kinit", True),
    (KRB5 + 32, Cause.NO_TICKET, "Sign in to the domain or run kinit", True),
]


@pytest.mark.parametrize("make", [krb5_error, gss_error], ids=["krb5", "gssapi"])
@pytest.mark.parametrize(("code", "cause", "words", "may_go_on"), CASES, ids=[c[1].value + str(c[0]) for c in CASES])
def test_each_cause_has_its_hint(
    make: Callable[[int], Exception], code: int, cause: Cause, words: str, may_go_on: bool
) -> None:
    exc = make(code)
    assert cause_of(exc) is cause
    error = kerberos_error(exc, "alice", "10.0.0.5")
    assert words in error.hint
    assert error.nothing_sent is may_go_on  # a refused credential stops the test (one-AUTH rule)
    assert str(error).startswith("Kerberos: ") and "-17653" not in str(error) and "Major (" not in str(error)


def test_unknown_service_hint_names_the_principal_and_points_at_server() -> None:
    error = kerberos_error(gss_error(KRB5 + 7), "", "10.0.0.5")
    assert "smtp/10.0.0.5" in error.hint and error.field == "server"


def test_no_ticket_hint_points_at_what_is_missing() -> None:
    without_login = kerberos_error(gss_error(KRB5 + 141), "", "mail.example")
    with_login = kerberos_error(gss_error(KRB5 + 141), "alice", "mail.example")
    assert without_login.field == "login_id" and with_login.field == "password"
    assert "ticket for alice" in with_login.hint


def test_after_the_exchange_began_nothing_may_go_on() -> None:
    assert not kerberos_error(gss_error(KRB5 + 37), "alice", "mail.example", sent=True).nothing_sent
    assert not kerberos_error(ValueError("odd"), "alice", "mail.example", sent=True).nothing_sent


def test_an_unknown_error_keeps_the_library_words_without_a_hint() -> None:
    error = kerberos_error(RuntimeError("something new"), "alice", "mail.example")
    assert str(error) == "Kerberos: something new" and error.hint == "" and error.nothing_sent


def test_a_library_that_cannot_load_is_unavailable() -> None:
    error = kerberos_error(ImportError("libgssapi_krb5.so.2: cannot open shared object file"), "", "h")
    assert str(error).startswith("unavailable on this workstation: Kerberos cannot load")
    assert error.nothing_sent


def test_messages_classify_where_no_code_is_known() -> None:
    assert cause_of(RuntimeError("Clock skew too great")) is Cause.CLOCK_SKEW
    assert cause_of(RuntimeError("Configuration file does not specify default realm")) is Cause.NO_REALM
    assert cause_of(RuntimeError("nothing we know")) is None

"""Kerberos failures in a helpdesk agent's words: what went wrong, what to do, and whether a
credential was tried (then the one-AUTH rule stops the test) or nothing was (then automatic
selection may go on with the next mechanism).

MIT Kerberos reports its reasons as com_err codes: pyspnego wraps them in a ``SpnegoError``
around a ``GSSError`` (the code as its unsigned ``min_code``), or lets the ``krb5`` module's
``Krb5Error`` (``err_code``) through when it gets a ticket with the password. The codes are the
same in every language; the message text is only a fallback.
"""

from __future__ import annotations

import enum
import re

from outmail_gui.probe.auth.base import MechanismError

_KRB5 = -1765328384  # ERROR_TABLE_BASE_krb5
UNAVAILABLE_HERE = "unavailable on this workstation"


class Cause(enum.Enum):
    NO_TICKET = "no_ticket"
    WRONG_PASSWORD = "wrong_password"
    PASSWORD_EXPIRED = "password_expired"
    ACCOUNT_LOCKED = "account_locked"
    UNKNOWN_USER = "unknown_user"
    CLOCK_SKEW = "clock_skew"
    UNKNOWN_SERVICE = "unknown_service"
    NO_REALM = "no_realm"
    NO_KDC = "no_kdc"


_BY_CODE: dict[int, Cause] = {
    _KRB5 + 6: Cause.UNKNOWN_USER,  # KDC_ERR_C_PRINCIPAL_UNKNOWN
    _KRB5 + 7: Cause.UNKNOWN_SERVICE,  # KDC_ERR_S_PRINCIPAL_UNKNOWN
    _KRB5 + 18: Cause.ACCOUNT_LOCKED,  # KDC_ERR_CLIENT_REVOKED
    _KRB5 + 23: Cause.PASSWORD_EXPIRED,  # KDC_ERR_KEY_EXP
    _KRB5 + 24: Cause.WRONG_PASSWORD,  # KDC_ERR_PREAUTH_FAILED
    _KRB5 + 31: Cause.WRONG_PASSWORD,  # KRB_AP_ERR_BAD_INTEGRITY: the reply did not decrypt with the password
    _KRB5 + 32: Cause.NO_TICKET,  # KRB_AP_ERR_TKT_EXPIRED
    _KRB5 + 37: Cause.CLOCK_SKEW,  # KRB_AP_ERR_SKEW
    _KRB5 + 141: Cause.NO_TICKET,  # KRB5_CC_NOTFOUND: no ticket (for that principal) in the cache
    _KRB5 + 154: Cause.NO_REALM,  # KRB5_REALM_UNKNOWN: no KDC known for the realm
    _KRB5 + 156: Cause.NO_KDC,  # KRB5_KDC_UNREACH
    _KRB5 + 195: Cause.NO_TICKET,  # KRB5_FCC_NOFILE: no credential cache
    _KRB5 + 224: Cause.NO_REALM,  # KRB5_CONFIG_NODEFREALM
}

# Message fragments for what has no stable code here (library versions differ), lower-case.
_BY_TEXT: tuple[tuple[str, Cause], ...] = (
    ("does not specify default realm", Cause.NO_REALM),
    ("cannot find kdc for", Cause.NO_REALM),
    ("cannot contact any kdc", Cause.NO_KDC),
    ("server not found in kerberos database", Cause.UNKNOWN_SERVICE),
    ("client not found in kerberos database", Cause.UNKNOWN_USER),
    ("preauthentication failed", Cause.WRONG_PASSWORD),
    ("password incorrect", Cause.WRONG_PASSWORD),
    ("decrypt integrity check failed", Cause.WRONG_PASSWORD),
    ("password has expired", Cause.PASSWORD_EXPIRED),
    ("clock skew too great", Cause.CLOCK_SKEW),
    ("credentials have been revoked", Cause.ACCOUNT_LOCKED),
    ("no kerberos credentials available", Cause.NO_TICKET),
    ("can't find client principal", Cause.NO_TICKET),
    ("no credentials cache found", Cause.NO_TICKET),
    ("credential cache is empty", Cause.NO_TICKET),
    ("ticket expired", Cause.NO_TICKET),
)

# Failures after which a credential was tried and refused: the one-AUTH rule stops the test.
_REFUSED = frozenset({Cause.WRONG_PASSWORD, Cause.PASSWORD_EXPIRED, Cause.ACCOUNT_LOCKED})


def not_installed(missing: list[str]) -> str:
    """What is missing for Kerberos, by module name (``gssapi``, ``krb5``)."""
    plural = len(missing) > 1
    return (
        f"Kerberos support is not installed (Python module{'s' if plural else ''} {' and '.join(missing)} "
        f"missing: install pyspnego[kerberos], as the README's set-up does)"
    )


def _codes(exc: BaseException) -> list[int]:
    """Every status code found on ``exc`` and the errors it wraps."""
    codes: list[int] = []
    seen: BaseException | None = exc
    for _depth in range(4):
        if seen is None:
            break
        for attr in ("min_code", "err_code"):
            value = getattr(seen, attr, None)
            if isinstance(value, int):
                codes.append(value - 2**32 if value >= 2**31 else value)  # GSSAPI's minor codes are unsigned
        seen = getattr(seen, "base_error", None) or seen.__cause__
    return codes


def cause_of(exc: BaseException) -> Cause | None:
    for code in _codes(exc):
        if code in _BY_CODE:
            return _BY_CODE[code]
    text = str(exc).lower()
    for fragment, cause in _BY_TEXT:
        if fragment in text:
            return cause
    return None


def _principal(login_id: str) -> str:
    return f"'{login_id}'" if login_id else "this workstation's ticket"


def _hint(cause: Cause, login_id: str, host: str) -> tuple[str, str | None]:
    """The hint for ``cause`` (what to do first, then why) and the settings field concerned."""
    if cause is Cause.NO_TICKET:
        for_whom = f" for {login_id}" if login_id else ""
        return (
            "Sign in to the domain or run kinit, then test again (or enter Login ID and Password, and a ticket is "
            f"obtained with them): this workstation has no valid Kerberos ticket{for_whom}.",
            "login_id" if not login_id else "password",
        )
    if cause is Cause.WRONG_PASSWORD:
        return (
            f"Check Password: the domain (Kerberos realm) rejected the password of {_principal(login_id)}. "
            "The test stopped there, without trying another method, so the account is not locked out by "
            "repeated attempts.",
            "password",
        )
    if cause is Cause.PASSWORD_EXPIRED:
        return (
            "Change the password in the domain, then update Password: the account's password has expired.",
            "password",
        )
    if cause is Cause.ACCOUNT_LOCKED:
        return ("Ask the domain administrator: the domain refuses this account (locked or disabled).", "login_id")
    if cause is Cause.UNKNOWN_USER:
        return (
            f"Check Login ID (user or user@REALM): the Kerberos realm has no user {_principal(login_id)}.",
            "login_id",
        )
    if cause is Cause.CLOCK_SKEW:
        return (
            "Correct this workstation's date, time and time zone (or synchronise with the domain's time server), "
            "then test again: its clock differs from the domain controller's by more than Kerberos allows "
            "(usually 5 minutes).",
            None,
        )
    if cause is Cause.UNKNOWN_SERVICE:
        return (
            "Enter in Server the mail server's full host name, not its IP address or an alias; if Server holds the "
            "full name, ask the domain administrator to register that name for the mail server: the Kerberos "
            f"realm has no mail service named smtp/{host}.",
            "server",
        )
    if cause is Cause.NO_REALM:
        return (
            "Join the domain or install the domain's Kerberos configuration (krb5.conf), or give the realm in "
            "Login ID (user@REALM): this workstation has no Kerberos realm configured (no default realm, or no "
            "domain controller known for it).",
            None,
        )
    return (
        "Check the network connection to the domain: no domain controller (KDC) of the Kerberos realm answers.",
        None,
    )


def _detail(exc: BaseException) -> str:
    """The library's own words, without the wrappers' codes: GSSAPI's minor message, krb5's text."""
    text = str(getattr(exc, "base_error", None) or exc).strip()
    if "Minor (" in text:
        text = text.split("Minor (", 1)[1].split("): ", 1)[-1]
    return re.sub(r" -?\d{6,}$", "", text) or type(exc).__name__  # Krb5Error appends its code


def kerberos_error(exc: BaseException, login_id: str, host: str, sent: bool = False) -> MechanismError:
    """``exc`` from pyspnego as a :class:`MechanismError` with a hint.

    ``sent``: the exchange with the server had begun. Otherwise nothing reached the server, and
    automatic selection may try the next mechanism unless a credential was refused by the realm.
    """
    detail = _detail(exc)
    if isinstance(exc, ImportError):  # found but cannot load (e.g. a missing system library)
        return MechanismError(f"{UNAVAILABLE_HERE}: Kerberos cannot load ({detail})", nothing_sent=True)
    cause = cause_of(exc)
    if cause is None:
        return MechanismError(f"Kerberos: {detail}", nothing_sent=not sent)
    hint, field = _hint(cause, login_id, host)
    return MechanismError(
        f"Kerberos: {detail}",
        nothing_sent=not sent and cause not in _REFUSED,
        hint=hint,
        field=field,
    )

"""Which mechanism to use, and why.

Auto-select takes the strongest mechanism (``AuthMethod`` order) that the server offers and
that can be used here; it downgrades only when a stronger one is not offered (or cannot work
on this workstation, which the report says). Explicit methods: only those ticked, strongest
first. Either way the engine stops at a rejected login and never retries another mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass

from outmail_gui.domain.methods import AuthMethod
from outmail_gui.probe.auth.base import Credentials, Mechanism
from outmail_gui.probe.auth.simple import Login, Plain, XOAuth2

_SIMPLE: dict[AuthMethod, type[Mechanism]] = {
    AuthMethod.XOAUTH2: XOAuth2,
    AuthMethod.PLAIN: Plain,
    AuthMethod.LOGIN: Login,
}


@dataclass(slots=True)
class AuthPlan:
    """The mechanisms to try, in order, and why the first one was chosen."""

    candidates: list[AuthMethod]
    reason: str
    unavailable: dict[str, str]  # mechanism -> why it cannot be used although offered/ticked


def offered_mechanisms(capabilities: list[str]) -> list[str]:
    """Mechanisms from ``AUTH a b`` and the old ``AUTH=a b`` EHLO lines, upper-case, in order."""
    out: list[str] = []
    for line in capabilities:
        upper = line.upper()
        if upper.startswith(("AUTH ", "AUTH=")):
            for mech in upper[5:].split():
                if mech not in out:
                    out.append(mech)
    return out


DIGEST_NON_ASCII = (
    "skipped by automatic selection for a non-ASCII password: servers disagree on its encoding "
    "(RFC 2831 and Cyrus use ISO 8859-1, Dovecot UTF-8)"
)


def _unusable(method: AuthMethod, has_login: bool, has_token: bool, auto: bool, ascii_password: bool) -> str | None:
    if method is AuthMethod.DIGEST_MD5 and auto and not ascii_password:
        return DIGEST_NON_ASCII
    if method is AuthMethod.XOAUTH2:
        return None if has_token else "needs an OAuth 2.0 token"
    if method is AuthMethod.GSSAPI:
        from outmail_gui.probe.auth.gssapi import kerberos_problem

        return kerberos_problem()
    return None if has_login else "needs a Login ID"


def plan_auth(
    offered: list[str],
    auth_auto: bool,
    ticked: tuple[AuthMethod, ...],
    has_login: bool,
    has_token: bool,
    ascii_password: bool = True,
) -> AuthPlan:
    unavailable: dict[str, str] = {}
    wanted = list(AuthMethod) if auth_auto else [m for m in AuthMethod if m in ticked]
    candidates: list[AuthMethod] = []
    for method in wanted:
        if method.value not in offered:
            if not auth_auto:
                unavailable[method.value] = "not offered by the server"
            continue
        problem = _unusable(method, has_login, has_token, auth_auto, ascii_password)  # only for offered ones
        if problem:
            unavailable[method.value] = problem
            continue
        candidates.append(method)
    if not candidates:
        return AuthPlan([], "", unavailable)
    first = candidates[0]
    if auth_auto:
        stronger = [
            m
            for m in AuthMethod
            if m.value in unavailable and list(AuthMethod).index(m) < list(AuthMethod).index(first)
        ]
        reason = f"automatic selection: {first.value} is the most secure mechanism the server offers"
        if stronger:
            reason += " that works here (" + "; ".join(f"{m.value} {unavailable[m.value]}" for m in stronger) + ")"
    else:
        reason = f"{first.value} is the most secure of the ticked methods that the server offers"
    return AuthPlan(candidates, reason, unavailable)


def mechanism_class(method: AuthMethod) -> type[Mechanism]:
    """The class for ``method``; the challenge-response ones are imported only when used (start-up time)."""
    if method in _SIMPLE:
        return _SIMPLE[method]
    if method is AuthMethod.CRAM_MD5:
        from outmail_gui.probe.auth.cram import CramMd5

        return CramMd5
    if method is AuthMethod.DIGEST_MD5:
        from outmail_gui.probe.auth.digest import DigestMd5

        return DigestMd5
    if method is AuthMethod.GSSAPI:
        from outmail_gui.probe.auth.gssapi import Gssapi

        return Gssapi
    from outmail_gui.probe.auth.ntlm import Msn, Ntlm

    return {AuthMethod.NTLM: Ntlm, AuthMethod.MSN: Msn}[method]


def create_mechanism(method: AuthMethod, credentials: Credentials) -> Mechanism:
    return mechanism_class(method)(credentials)

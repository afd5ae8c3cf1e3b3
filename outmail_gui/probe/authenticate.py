"""The AUTH step: choose a mechanism, run its exchange, stop at the first rejected login.

Only redacted text reaches the transcript: the AUTH command is recorded as
``AUTH MECH <redacted>`` and every answer to a challenge as ``<redacted>``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib

from outmail_gui.domain.methods import AuthMethod
from outmail_gui.probe import hints, plain
from outmail_gui.probe.auth import Credentials, Mechanism, MechanismError, create_mechanism, plan_auth
from outmail_gui.probe.auth.kerberos_errors import UNAVAILABLE_HERE
from outmail_gui.probe.auth.select import offered_mechanisms
from outmail_gui.probe.connection import Reply, SmtpConnection, printable
from outmail_gui.probe.errors import ProbeFailure, ProtocolViolation
from outmail_gui.probe.redact import REDACTED
from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.probe.request import ProbeRequest

MAX_CHALLENGES = 8
ABORT_GRACE_S = 1.0
_NOT_ACCEPTED = 504  # mechanism not accepted: the only reply after which the next candidate is tried


def authenticate(
    conn: SmtpConnection,
    request: ProbeRequest,
    caps: list[str],
    report: ProbeReport,
    step: Step,
    host: str,
    follow: list[str] | None = None,
) -> None:
    """``follow``: commands that may go in one group behind AUTH PLAIN with its initial response (RFC 4954
    section 4: a one-round-trip mechanism; PIPELINING offered), when PLAIN is the last candidate, so no
    other mechanism could be tried after it. Their replies are left for the steps that sent them
    (``conn.ahead``, ``conn.quit_sent``), or read here when the login fails."""
    offered = offered_mechanisms(caps)
    report.auth.offered = offered
    if not request.auth_auto and not request.auth_methods:
        step.status = StepStatus.SKIPPED
        step.detail = "No authentication: automatic selection is off and no method is ticked."
        return
    if not request.login_id and not request.oauth_token and not _ticket_is_identity(request, offered):
        step.status = StepStatus.SKIPPED
        step.detail = "No Login ID given: the test does not authenticate."
        return
    if not offered:
        hint = hints.no_auth_offered(conn.encrypted)
        if conn.encrypted:
            raise ProbeFailure(
                "The server offers no authentication (no AUTH in its EHLO reply), so the Login ID cannot be used.",
                hint.text,
                hint.field,
            )
        raise ProbeFailure("The server offers no authentication on this unencrypted connection.", hint.text, hint.field)
    plan = plan_auth(
        offered,
        request.auth_auto,
        request.auth_methods,
        bool(request.login_id),
        bool(request.oauth_token),
        ascii_password=request.password.isascii(),
    )
    report.auth.unavailable = plan.unavailable
    if not plan.candidates:
        why = "; ".join(f"{m}: {r}" for m, r in plan.unavailable.items()) or "no mechanism in common"
        hint = hints.no_usable_mechanism(
            kerberos_missing=plan.unavailable.get(AuthMethod.GSSAPI.value, "").startswith(UNAVAILABLE_HERE)
        )
        raise ProbeFailure(
            f"No usable authentication mechanism. The server offers {' '.join(offered)} ({why}).",
            hint.text,
            hint.field,
        )
    if not conn.encrypted and not request.allow_insecure_auth:
        hint = hints.insecure_auth()
        raise ProbeFailure(
            "Stopped before AUTH: the connection is not encrypted, so the credentials would travel in clear. "
            "Nothing was sent.",
            hint.text,
            hint.field,
        )
    credentials = Credentials(request.login_id, request.password, request.oauth_token, host)
    notes: list[str] = []
    skipped: list[str] = []  # mechanisms that failed here before anything was sent, and why
    for index, method in enumerate(plan.candidates):
        mechanism = create_mechanism(method, credentials)
        report.auth.mechanism = method.value
        report.auth.reason = plan.reason if index == 0 else _next_reason(method, request.auth_auto, skipped)
        more = index + 1 < len(plan.candidates)
        behind = follow if follow and method is AuthMethod.PLAIN and not more else []
        try:
            reply, last_challenge = _exchange(conn, mechanism, report, behind)
        except MechanismError as exc:  # raised only before the AUTH command: nothing reached the server
            if exc.nothing_sent and more:
                report.auth.unavailable[method.value] = f"skipped: {exc}" + (f" ({exc.hint})" if exc.hint else "")
                skipped.append(f"{method.value} skipped: {exc.hint or exc}")
                continue
            field = exc.field or "auth_methods"
            raise ProbeFailure(f"{method.value} could not start: {exc}.", exc.hint, field) from None
        if reply.code == 235:
            insecure = "" if conn.encrypted else " WITHOUT encryption (explicitly allowed)"
            step.detail = f"{method.value} accepted{insecure}; {report.auth.reason}" + "".join(notes)
            step.summary = plain.signed_in(method.value, conn.encrypted)
            return
        _read_ahead(conn)
        if reply.code == _NOT_ACCEPTED and more:
            notes.append(f"; {method.value} not accepted ({reply.first_line})")
            continue
        hint = hints.reply_hint(reply.code, reply.text, "auth_methods")
        separate_line = method is AuthMethod.XOAUTH2 and not mechanism.uses_initial_response
        if separate_line and reply.code in (500, 501) and hints.says_too_long(reply.text):
            hint = hints.line_too_long(mechanism.name)
        extra = f" The server said: {last_challenge}" if last_challenge else ""
        raise ProbeFailure(
            f"{method.value} authentication failed: {reply.first_line}.{extra}",
            hint.text,
            hint.field,
            summary=plain.sign_in_refused(reply.code, reply.text, method.value),
        )


def _ticket_is_identity(request: ProbeRequest, offered: list[str]) -> bool:
    """Without a Login ID, GSSAPI can still sign in with this workstation's Kerberos ticket: when
    GSSAPI is ticked (a missing ticket is then reported), or when automatic selection finds it
    offered and a ticket present."""
    if AuthMethod.GSSAPI in request.auth_methods and not request.auth_auto:
        return True
    if not request.auth_auto or AuthMethod.GSSAPI.value not in offered:
        return False
    from outmail_gui.probe.auth.gssapi import has_ticket

    return has_ticket()


def _next_reason(method: AuthMethod, auto: bool, skipped: list[str]) -> str:
    """Why ``method``, tried after the first candidate, was chosen."""
    if not skipped:
        return f"{method.value}: the next ticked/offered mechanism"
    which = "automatic selection" if auto else "the ticked methods"
    return f"{which}: {method.value} is the next mechanism the server offers ({'; '.join(skipped)})"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii") if data else "="


def _exchange(conn: SmtpConnection, mechanism: Mechanism, report: ProbeReport, behind: list[str]) -> tuple[Reply, str]:
    name = mechanism.name
    initial = mechanism.initial_response() if mechanism.uses_initial_response else None  # MechanismError: not sent
    if initial is None:
        conn.send_line(f"AUTH {name}")
    elif behind and initial:
        conn.send_group([f"AUTH {name} {_b64(initial)}", *behind], shown_first=f"AUTH {name} {REDACTED}")
        conn.ahead = [command for command in behind if command != "QUIT"]
        conn.quit_sent = "QUIT" in behind
    else:
        conn.send_line(f"AUTH {name} {_b64(initial)}", shown=f"AUTH {name} {REDACTED}")
    report.auth.attempts += 1
    last = ""
    for _round in range(MAX_CHALLENGES + 1):
        reply = conn.read_reply()
        if reply.code != 334:
            return reply, last
        if conn.ahead or conn.quit_sent:
            raise ProtocolViolation(f"The server sent a challenge to {name} with its initial response: aborted.")
        if _round == MAX_CHALLENGES:
            _abort(conn)
            raise ProtocolViolation(f"The server sent more than {MAX_CHALLENGES} {name} challenges: aborted.")
        encoded = reply.lines[0].strip() if reply.lines else ""
        try:
            challenge = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            _abort(conn)
            raise ProtocolViolation(f"The server's {name} challenge is not valid base64.") from None
        if name == "XOAUTH2":
            last = printable(challenge)[:300]
        try:
            answer = mechanism.respond(challenge)
        except MechanismError as exc:
            _abort(conn)
            raise ProbeFailure(f"{name} failed: {exc}.", exc.hint, exc.field or "auth_methods") from None
        conn.send_line(_b64(answer) if answer else "", shown=REDACTED)
    raise AssertionError("unreachable")  # pragma: no cover


def _read_ahead(conn: SmtpConnection) -> None:
    """After a refused login, read the replies to the commands sent behind AUTH (QUIT's is left for the
    goodbye). A DATA the server accepted is never given a message: only closing the connection ends it."""
    ahead, conn.ahead = conn.ahead, []
    with contextlib.suppress(ProbeFailure), conn.grace(ABORT_GRACE_S):
        for command in ahead:
            if conn.read_reply().code == 354 and command == "DATA":
                conn.in_data = True


def _abort(conn: SmtpConnection) -> None:
    """Cancel the exchange (RFC 4954 ``*``) and read the server's answer, if any."""
    with contextlib.suppress(ProbeFailure), conn.grace(ABORT_GRACE_S):
        conn.send_line("*")
        conn.read_reply()

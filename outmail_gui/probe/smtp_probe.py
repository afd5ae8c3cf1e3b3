"""SmtpProbe: the SMTP connection test, step by step, within one deadline.

resolve -> connect -> [implicit TLS] -> greeting -> EHLO -> [STARTTLS -> EHLO] -> AUTH ->
[MAIL/RCPT dry run | test message] -> QUIT. Credentials are sent only over TLS (unless the
user explicitly allowed otherwise) and only after the certificate was verified or matched
the host's pinned fingerprint.
"""

from __future__ import annotations

import contextlib
import enum
import ssl
import time
from typing import TYPE_CHECKING

from outmail_gui.probe import hints, network, plain, tls
from outmail_gui.probe.authenticate import authenticate
from outmail_gui.probe.connection import CancelCheck, Deadline, Reply, SmtpConnection, Transcript, without_zone
from outmail_gui.probe.errors import (
    Cancelled,
    CertificateProblem,
    ConnectionLost,
    DeadlineExceeded,
    EndlessReply,
    ProbeFailure,
    ProtocolViolation,
)
from outmail_gui.probe.redact import Redactor
from outmail_gui.probe.report import ProbeReport, TlsInfo, days_left_text, plural
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.probe.steps import StepCallback, StepRecorder

if TYPE_CHECKING:
    from outmail_gui.probe.message import TestMessage

QUIT_GRACE_S = 1.0
# A server that sends no greeting at all is given up on this long before the deadline (at most a quarter of
# the time left), to check on a second connection whether the port speaks implicit TLS instead.
IMPLICIT_TLS_CHECK_S = 3.0


class _Mode(enum.Enum):
    NORMAL = "normal"
    PINNED = "pinned"  # handshake without verification; continue only if the fingerprint matches the pin
    FETCH_CERT = "fetch"  # quiet session after a verification failure, only to show the certificate


class _PinRetry(ProbeFailure):
    """Verification failed on a host with a pinned fingerprint: reconnect and compare."""

    def __init__(self, problem: CertificateProblem) -> None:
        super().__init__(problem.message, problem.hint, problem.field, summary=problem.summary)
        self.problem = problem


class SmtpProbe:
    def __init__(
        self, request: ProbeRequest, on_step: StepCallback | None = None, cancel: CancelCheck | None = None
    ) -> None:
        self.request = request
        self.security = request.effective_security
        self.host = network.network_host(request.host) if request.host.strip() else ""
        self.redact = Redactor([request.password, request.oauth_token])
        self.report = ProbeReport(host=request.host.strip(), port=request.port, security=self.security.value)
        self.transcript = Transcript(self.redact)
        self.recorder = StepRecorder(self.report, self.redact, on_step)
        self.deadline = Deadline(request.timeout_s, cancel)
        self.shown_host = hints.shown_host(self.host, request.host)  # "mäil.example (xn--mil-qla.example)"
        self.addresses: list[network.Address] = []
        self._peer: network.Address | None = None
        self._fetched: TlsInfo | None = None

    def run(self) -> ProbeReport:
        try:
            with self.recorder.step("resolve") as step:
                if self.request.addresses:
                    self.addresses = network.literal_addresses(self.request.addresses, self.request.port)
                else:
                    self.addresses = network.resolve(self.host, self.request.port, self.deadline, self.request.host)
                step.detail = f"{self.shown_host} -> {network.describe(self.addresses)}"
                step.summary = plain.resolved(self.shown_host, network.describe(self.addresses))
            try:
                self._session(_Mode.NORMAL, self.recorder, self.transcript)
            except _PinRetry as retry:
                self._retry_pinned(retry.problem)
        except ProbeFailure as failure:
            if isinstance(failure, CertificateProblem):
                self._show_certificate_after_failure(failure)
        finally:
            self._finish()
        return self.report

    # -- the session ---------------------------------------------------------
    def _session(self, mode: _Mode, recorder: StepRecorder, transcript: Transcript) -> None:
        with recorder.step("connect") as step:
            sock = network.connect(self.addresses, self.shown_host, self.request.port, self.deadline)
            peer = sock.getpeername()
            self._peer = (sock.family, tuple(peer))
            step.detail = f"connected to {peer[0]} port {peer[1]}"
            step.summary = plain.connected(peer[0], peer[1])
        conn = SmtpConnection(sock, self.deadline, transcript, self.request.port)
        polite = False
        try:
            if self.security is Security.IMPLICIT:
                self._implicit_tls(conn, mode, recorder)
            with recorder.step("greeting") as step:
                greeting = self._greeting(conn, mode)
                step.detail, step.summary = greeting.first_line, plain.greeting(greeting)
            with recorder.step("ehlo") as step:
                polite = True
                caps, step.detail = self._ehlo(conn)
                step.summary = plain.features(caps, after_tls=self.security is Security.IMPLICIT)
            if self.security is Security.IMPLICIT:
                self._store_caps(after_tls=caps, mode=mode)
            elif self.security is Security.STARTTLS:
                self._store_caps(before_tls=caps, mode=mode)
                self._starttls(conn, caps, mode, recorder)
                with recorder.step("ehlo_tls") as step:
                    caps, step.detail = self._ehlo(conn)
                    step.summary = plain.features(caps, after_tls=True)
                self._store_caps(after_tls=caps, mode=mode)
            else:
                self._store_caps(before_tls=caps, mode=mode)
                recorder.skip("tls", "Use SSL is off: the connection is not encrypted.")
            if mode is _Mode.FETCH_CERT:
                return
            message = self._message()
            with recorder.step("auth") as step:
                authenticate(conn, self.request, caps, self.report, step, self.host, self._after_auth(caps, message))
            self._mail_steps(conn, caps, recorder, message)
            with recorder.step("quit") as step:
                polite = False
                step.detail = self._quit(conn)
                step.summary = plain.goodbye(step.detail.startswith("221"))
        except (ConnectionLost, DeadlineExceeded, ProtocolViolation, Cancelled):
            polite = False  # after a violation nothing more is sent; a dead or late peer gets nothing either
            raise
        finally:
            if polite:
                self._quiet_quit(conn)
            conn.close()

    def _greeting(self, conn: SmtpConnection, mode: _Mode) -> Reply:
        # Without implicit TLS, a silent server is most often an implicit-TLS port waiting for our
        # ClientHello: keep some time to check that on a second connection.
        check_tls = mode is _Mode.NORMAL and self.security is not Security.IMPLICIT
        reserve = min(IMPLICIT_TLS_CHECK_S, self.deadline.remaining() / 4) if check_tls else 0.0
        started = time.monotonic()
        try:
            reply = conn.read_greeting(silence_reserve_s=reserve)
        except DeadlineExceeded:
            raise self._no_greeting(conn, time.monotonic() - started, check_tls) from None
        if reply.code != 220:
            hint = hints.for_reply(reply.code, reply.text) or hints.SESSION_REFUSED
            raise ProbeFailure(
                f"The server refused the session: {reply.first_line}.",
                hint.text,
                hint.field,
            )
        return reply

    def _no_greeting(self, conn: SmtpConnection, waited: float, check_tls: bool) -> ProbeFailure:
        """Why the greeting did not come: a drip, an implicit-TLS port, or a silent non-SMTP service."""
        timeout = f"{self.request.timeout_s:g} s"
        port, security = self.request.port, self.security
        if conn.bytes_received:
            partial = conn.unread_text()
            if partial:
                conn.transcript.note(f"incomplete greeting line so far: {partial}")
            hint = hints.greeting_incomplete()
            shown = f": {partial[:40]!r}" if partial else ""
            return ProbeFailure(
                f"The server started its greeting but did not complete it within the time-out ({timeout}): "
                f"only {plural(conn.bytes_received, 'byte')} arrived{shown}.",
                hint.text,
                hint.field,
            )
        silent = f"No greeting from the server within {waited:.1f} s (time-out {timeout})"
        if not check_tls:
            hint = hints.no_greeting(port, security)
            return ProbeFailure(f"{silent}.", hint.text, hint.field)
        conn.close()  # before the second connection: some servers allow one connection per client
        speaks_tls, how = self._speaks_implicit_tls()
        if speaks_tls:
            hint = hints.implicit_tls_port(port, security)
            return ProbeFailure(
                f"{silent}: the server waits for the client to speak first. A TLS handshake on a second "
                f"connection succeeded ({how}): this port uses implicit TLS.",
                hint.text,
                hint.field,
            )
        if speaks_tls is False:
            hint = hints.greeting_too_late() if how == "it answered in plain text" else hints.not_smtp_nor_tls(port)
            return ProbeFailure(
                f"{silent}, and the port does not speak implicit TLS either (a TLS handshake on a second "
                f"connection failed: {how}).",
                hint.text,
                hint.field,
            )
        hint = hints.no_greeting(port, security)
        return ProbeFailure(
            f"{silent}; whether the port speaks implicit TLS instead is unknown ({how}).", hint.text, hint.field
        )

    def _speaks_implicit_tls(self) -> tuple[bool | None, str]:
        """A TLS handshake on a new connection to the same address, within the time left: True (with the
        TLS version), False (with the reason) or None (no time, or no answer). Nothing but the TLS
        handshake is sent: no SMTP command, no credential; the connection is closed at once."""
        self.transcript.note(
            "no greeting: checking on a second connection whether this port speaks implicit TLS "
            "(TLS handshake only; nothing else is sent)"
        )
        if self._peer is None:
            return None, "no address to connect to"
        try:
            sock = network.connect([self._peer], self.shown_host, self.request.port, self.deadline)
        except Cancelled:
            raise
        except ProbeFailure as exc:
            return None, f"the second connection failed: {exc.message.rstrip('.')}"
        conn = SmtpConnection(sock, self.deadline, Transcript(self.redact), self.request.port)
        try:
            tls_sock = conn.start_tls(tls.inspection_context(), self.host)
        except Cancelled:
            raise
        except DeadlineExceeded:
            verdict: tuple[bool | None, str] = None, "no answer to the TLS handshake within the time-out"
        except ssl.SSLError as exc:
            reason = exc.reason or ""
            plain = reason in tls.PLAIN_TEXT_REASONS
            verdict = False, "it answered in plain text" if plain else (reason or str(exc)).lower().replace("_", " ")
        except (OSError, EOFError) as exc:
            verdict = False, f"the server closed the connection ({type(exc).__name__})"
        else:
            verdict = True, tls_sock.version() or "TLS"
        finally:
            conn.close()
        self.transcript.note(
            "the port completed a TLS handshake: it uses implicit TLS"
            if verdict[0]
            else f"no implicit TLS found: {verdict[1]}"
        )
        return verdict

    def _ehlo(self, conn: SmtpConnection) -> tuple[list[str], str]:
        name = self.request.ehlo_name or _address_literal(conn)
        try:
            reply = conn.command(f"EHLO {name}")
        except EndlessReply as exc:
            hint = hints.endless_reply("EHLO reply")
            raise EndlessReply(exc.message.replace("server's reply", "server's EHLO reply"), hint.text) from None
        if reply.code == 250:
            caps = list(reply.lines[1:])
            listed = ": " + ", ".join(c.split(" ")[0] for c in caps) if caps else ""
            return caps, plural(len(caps), "extension") + listed
        if 500 <= reply.code < 600:
            helo = conn.command(f"HELO {name}")
            if helo.code == 250:
                return [], f"EHLO refused ({reply.first_line}); HELO accepted, so the server offers no extensions."
            reply = helo
        hint = hints.reply_hint(reply.code, reply.text)
        raise ProbeFailure(f"The server refused EHLO and HELO: {reply.first_line}.", hint.text, hint.field)

    def _store_caps(self, mode: _Mode, before_tls: list[str] | None = None, after_tls: list[str] | None = None) -> None:
        if mode is _Mode.FETCH_CERT:
            return
        if before_tls is not None:
            self.report.capabilities_before_tls = [self.redact(c) for c in before_tls]
        if after_tls is not None:
            self.report.capabilities_after_tls = [self.redact(c) for c in after_tls]

    # -- TLS -------------------------------------------------------------------
    def _starttls(self, conn: SmtpConnection, caps: list[str], mode: _Mode, recorder: StepRecorder) -> None:
        with recorder.step("tls") as step:
            if not any(c.upper().split(" ")[0] == "STARTTLS" for c in caps):
                hint = hints.starttls_missing()
                raise ProbeFailure(
                    "The server does not offer STARTTLS.", hint.text, hint.field, summary=plain.no_encryption_offered()
                )
            reply = conn.command("STARTTLS")
            if reply.code != 220:
                hint = hints.starttls_missing()
                raise ProbeFailure(
                    f"The server refused STARTTLS: {reply.first_line}. No password was sent.",
                    hint.text,
                    hint.field,
                    summary=plain.encryption_refused(),
                )
            if conn.has_pending_bytes():
                hint = hints.bytes_after_starttls()
                raise ProtocolViolation(
                    "The server sent data after its reply to STARTTLS and before the TLS handshake: a protocol "
                    "violation (possibly an injection attack). The test was aborted; nothing else was sent.",
                    hint.text,
                    hint.field,
                )
            step.detail = self._handshake(conn, mode, implicit=False)
            step.summary = plain.encryption(self.report.tls) if mode is not _Mode.FETCH_CERT else ""

    def _implicit_tls(self, conn: SmtpConnection, mode: _Mode, recorder: StepRecorder) -> None:
        with recorder.step("tls") as step:
            step.detail = self._handshake(conn, mode, implicit=True)
            step.summary = plain.encryption(self.report.tls) if mode is not _Mode.FETCH_CERT else ""

    def _handshake(self, conn: SmtpConnection, mode: _Mode, implicit: bool) -> str:
        verified = mode is _Mode.NORMAL
        context = tls.verifying_context(self.request.ca_file) if verified else tls.inspection_context()
        try:
            sock = conn.start_tls(context, self.host)
        except (ssl.SSLError, ConnectionError, EOFError) as exc:
            failure = tls.explain_handshake_error(exc, self.host, self.request.port, implicit)
            if isinstance(failure, CertificateProblem) and self.request.pinned_sha256 and mode is _Mode.NORMAL:
                raise _PinRetry(failure) from None
            raise failure from None
        info = tls.tls_info(sock, "implicit" if implicit else "starttls", verified, self.host)
        if mode is _Mode.FETCH_CERT:
            self._fetched = info
            return ""
        if mode is _Mode.PINNED:
            self._check_pin(info)
        self.report.tls = info
        cert = info.certificate
        detail = f"{info.version}, {info.cipher}"
        if cert:
            state = "verified" if cert.verified else "not verifiable, accepted by its pinned fingerprint"
            if cert.matches_host is False:
                state += f"; made out for {', '.join(cert.sans[:5]) or cert.subject}, not for {self.shown_host}"
            detail += f"; certificate {cert.subject} ({state}, {days_left_text(cert.days_left)})"
        return detail

    def _check_pin(self, info: TlsInfo) -> None:
        cert = info.certificate
        got = tls.normalize_fingerprint(cert.sha256 if cert else "")
        if not got or got != tls.normalize_fingerprint(self.request.pinned_sha256):
            hint = hints.certificate_changed()
            raise CertificateProblem(
                "The server's certificate is not trusted and differs from the one accepted for this server "
                f"(SHA-256 {cert.sha256 if cert else 'unknown'}).",
                hint.text,
                hint.field,
            )
        assert cert is not None
        cert.pinned = True
        if cert.matches_host is False:
            # The pin names this exact certificate (SHA-256) for this server, so it stands for the server's
            # identity whatever names the certificate carries; the difference is never hidden, though.
            self.report.warnings.append(
                f"The certificate is made out for {', '.join(cert.sans[:5]) or cert.subject or 'other names'}, "
                f"not for {self.shown_host}: it is accepted only because its SHA-256 fingerprint is the one "
                "trusted for this server."
            )

    def _retry_pinned(self, problem: CertificateProblem) -> None:
        """Verification failed but the user pinned a fingerprint for this host: reconnect and compare."""
        self.report.steps[:] = self.report.steps[:1]
        self.report.hint, self.report.hint_field = "", None
        self.transcript.note(
            f"certificate not verifiable ({problem.message}); reconnecting to compare it with the pinned fingerprint"
        )
        self.report.warnings.append(f"Certificate not verifiable by this workstation: {problem.message}")
        self._session(_Mode.PINNED, self.recorder, self.transcript)

    def _show_certificate_after_failure(self, failure: CertificateProblem) -> None:
        """Fetch the certificate only to show it (quiet session, nothing sent after the handshake).

        Verification stops at its first problem (an untrusted issuer comes before the name, the name
        before the dates): the fetched certificate is checked for the others, so all are reported.
        """
        self._fetched = None
        quiet = StepRecorder(self.report, self.redact, None, quiet=True)
        with contextlib.suppress(ProbeFailure, OSError):
            self._session(_Mode.FETCH_CERT, quiet, Transcript(self.redact))
        info = self._fetched
        if info is None:
            return
        self.report.tls = info
        cert = info.certificate
        if cert is None:
            return
        names = cert.sans or ([cert.subject] if cert.subject else [])
        wrong_host = failure.verify_code in (tls.V_ERR_HOSTNAME_MISMATCH, tls.V_ERR_IP_ADDRESS_MISMATCH)
        hint: hints.Hint | None = None
        if failure.verify_code == tls.V_ERR_CERT_HAS_EXPIRED:
            hint = hints.certificate_expired(cert.not_after[:10])
        elif wrong_host:
            hint = hints.certificate_wrong_host(self.shown_host, names)
        else:  # untrusted (or not yet valid): verification did not get as far as the name and the dates
            expired_on = cert.not_after[:10] if cert.days_left is not None and cert.days_left < 0 else ""
            if cert.matches_host is False:
                hint = hints.certificate_untrusted_and_wrong_host(self.shown_host, names, expired_on)
                also = f" It is also made out for {', '.join(names[:5]) or 'other names'}, not for {self.shown_host}"
                self._append_to_failed_step(
                    "tls",
                    also + (f", and it expired on {expired_on}." if expired_on else "."),
                    summary=plain.certificate_untrusted() + " It is also made out for another name.",
                )
            elif expired_on:
                self._append_to_failed_step("tls", f" It has also expired (on {expired_on}).")
                self.report.hint += f" The certificate has also expired (on {expired_on}): it must be renewed."
        if hint is not None:
            self.report.hint, self.report.hint_field = hint.text, hint.field
        self.report.hint += f" (certificate SHA-256 {cert.sha256})"

    def _append_to_failed_step(self, name: str, text: str, summary: str = "") -> None:
        for step in self.report.steps:
            if step.name == name and not step.ok:
                step.detail += text
                step.summary = summary or step.summary
                return

    # -- after authentication -------------------------------------------------
    def _message(self) -> TestMessage | None:
        """The test message, built once (its size is announced before it is sent)."""
        if not self.request.to_address or self.request.dry_run:
            return None
        from outmail_gui.probe.message import build_test_message  # only when mail is sent

        return build_test_message(self.request)

    def _after_auth(self, caps: list[str], message: TestMessage | None) -> list[str]:
        """The commands that may go behind AUTH PLAIN in one group: what the next step would send first."""
        if not any(c.upper().split(" ")[0] == "PIPELINING" for c in caps):
            return []
        if not self.request.to_address:
            return ["QUIT"]
        from outmail_gui.probe.sending import after_auth

        return after_auth(self.request, caps, message)

    def _mail_steps(
        self, conn: SmtpConnection, caps: list[str], recorder: StepRecorder, message: TestMessage | None
    ) -> None:
        if not self.request.to_address:
            return
        from outmail_gui.probe.sending import send_dry_run, send_test_message  # only when mail is sent

        # QUIT follows: where PIPELINING allows, it goes out with the last group (one round trip less).
        if message is None:
            with recorder.step("dry_run") as step:
                send_dry_run(conn, self.request, caps, self.report, step, quit_after=True)
        else:
            with recorder.step("message") as step:
                send_test_message(conn, self.request, caps, self.report, step, quit_after=True, message=message)

    def _quit(self, conn: SmtpConnection) -> str:
        """Everything that matters has passed by now: a server that answers QUIT badly or late
        (within a short grace) is noted, not failed."""
        try:
            with conn.grace(QUIT_GRACE_S):
                reply = conn.read_reply() if conn.quit_sent else conn.command("QUIT")
        except ConnectionLost:
            return "the server closed the connection without answering QUIT"
        except DeadlineExceeded:
            return "no answer to QUIT (ignored)"
        except ProtocolViolation as exc:
            return f"garbled answer to QUIT (ignored): {exc.message}"
        if reply.code != 221:
            return f"unexpected answer to QUIT (ignored): {reply.first_line}"
        return reply.first_line

    def _quiet_quit(self, conn: SmtpConnection) -> None:
        """After a refused command, say goodbye politely, but never wait long for it."""
        if conn.tls_pending or conn.in_data:  # a half-done handshake, or a message never sent: only closing ends it
            return
        with contextlib.suppress(ProbeFailure, OSError), conn.grace(QUIT_GRACE_S):
            if conn.quit_sent:  # already sent, pipelined with the last group
                conn.read_reply()
            else:
                conn.command("QUIT")

    def _finish(self) -> None:
        report = self.report
        report.transcript = [self.redact(line) for line in self.transcript.lines]
        report.hint = self.redact(report.hint)
        report.warnings = [self.redact(w) for w in report.warnings]
        report.auth.reason = self.redact(report.auth.reason)
        for step in report.steps:
            step.detail = self.redact(step.detail)
            step.summary = self.redact(step.summary)
        report.elapsed_ms = self.deadline.elapsed_ms()


def _address_literal(conn: SmtpConnection) -> str:
    try:
        local = conn.sock.getsockname()[0]
    except OSError:
        return "[127.0.0.1]"
    return f"[IPv6:{without_zone(local)}]" if ":" in local else f"[{local}]"

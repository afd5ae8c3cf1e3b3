"""Hostile and broken peers: none may crash the engine, hold it past its deadline, or see a credential
(beyond what the mechanism itself sends), and every failure must be explained."""

from __future__ import annotations

import base64
import ssl
import time
import warnings
from typing import Any

import pytest

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe import ProbeReport, ProbeRequest, Security, hints, run_probe
from tests.integration.probe.conftest import PASSWORD, checked_probe, failed_at
from tests.support.smtp_servers import Peer, TlsMaterial

pytestmark = pytest.mark.integration

CAPS_AUTH = ("AUTH PLAIN LOGIN CRAM-MD5", "ENHANCEDSTATUSCODES")


def probe(port: int, tls: TlsMaterial | None = None, timeout: float = 3.0, **kwargs: Any) -> ProbeReport:
    return checked_probe(port, tls=tls, timeout=timeout, slack=1.0, **kwargs)


def drain(peer: Peer) -> None:
    """Read until the client leaves; answer QUIT like a server would."""
    try:
        while True:
            if peer.readline().upper() == b"QUIT":
                peer.send("221 bye\r\n")
    except (ConnectionError, OSError):
        pass


def test_starttls_missing_fails_before_auth(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.ehlo_dialogue(CAPS_AUTH)
        drain(peer)

    server = scripted(script)
    detail = failed_at(probe(server.port), "tls")
    assert "does not offer STARTTLS" in detail
    assert b"AUTH" not in bytes(server.received)


@pytest.mark.parametrize("refusal", ["502 5.5.1 Not implemented", "454 4.7.0 TLS not available"])
def test_starttls_refused(scripted: Any, refusal: str) -> None:
    def script(peer: Peer) -> None:
        peer.ehlo_dialogue(("STARTTLS", *CAPS_AUTH))
        peer.readline()
        peer.send(refusal + "\r\n")
        drain(peer)

    server = scripted(script)
    report = probe(server.port)
    assert refusal.split()[0] in failed_at(report, "tls")
    assert report.hint_field == "use_ssl"
    assert b"AUTH" not in bytes(server.received)


def test_bytes_injected_after_starttls_reply_abort(scripted: Any, tls: TlsMaterial) -> None:
    def script(peer: Peer) -> None:
        peer.ehlo_dialogue(("STARTTLS", *CAPS_AUTH))
        peer.readline()
        peer.send("220 2.0.0 Go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
        drain(peer)

    server = scripted(script)
    detail = failed_at(probe(server.port, tls), "tls")
    assert "protocol violation" in detail
    assert bytes(server.received).endswith(b"STARTTLS\r\n")


def test_bytes_injected_late_after_starttls_are_a_violation_too(scripted: Any, tls: TlsMaterial) -> None:
    def script(peer: Peer) -> None:
        peer.ehlo_dialogue(("STARTTLS", *CAPS_AUTH))
        peer.readline()
        peer.send("220 2.0.0 Go ahead\r\n")
        time.sleep(0.1)
        peer.send("250 injected after the reply\r\n")
        drain(peer)

    server = scripted(script)
    detail = failed_at(probe(server.port, tls), "tls")
    assert "protocol violation" in detail or "plain-text" in detail


def test_ehlo_refused_helo_accepted_then_tls_required_fails(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 old server\r\n")
        peer.readline()
        peer.send("502 5.5.2 EHLO not implemented\r\n")
        peer.readline()
        peer.send("250 hello\r\n")
        drain(peer)

    report = probe(scripted(script).port)
    assert "HELO accepted" in report.steps[3].detail
    assert "does not offer STARTTLS" in failed_at(report, "tls")


def test_ehlo_and_helo_refused(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 grumpy\r\n")
        peer.readline()
        peer.send("554 5.7.1 go away\r\n")
        peer.readline()
        peer.send("554 5.7.1 go away\r\n")
        drain(peer)

    assert "554" in failed_at(probe(scripted(script).port), "ehlo")


def test_silent_server_is_bounded_by_the_deadline(scripted: Any) -> None:
    server = scripted(drain)
    started = time.monotonic()
    report = probe(server.port, timeout=1.0)
    assert time.monotonic() - started < 1.6
    assert "No greeting" in failed_at(report, "greeting")


def test_silent_server_tested_as_port_465_hints_implicit_tls() -> None:
    """Port 465 without Use SSL and no greeting: the hint says 465 expects implicit TLS (Use SSL)."""
    hint = hints.no_greeting(465, Security.STARTTLS)
    assert "465" in hint.text and "implicit TLS" in hint.text, hint.text
    assert hint.field == "use_ssl"


def test_silent_server_hints_port_or_ssl(scripted: Any) -> None:
    server = scripted(drain)
    report = run_probe(ProbeRequest(host="127.0.0.1", port=server.port, security=Security.STARTTLS, timeout_s=0.5))
    assert "No greeting" in failed_at(report, "greeting")
    assert report.hint_field in ("port", "use_ssl")


def test_greeting_dripped_a_byte_at_a_time_cannot_outlast_the_deadline(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        while True:
            peer.send(b"2")
            time.sleep(0.02)

    started = time.monotonic()
    report = probe(scripted(script).port, timeout=1.0)
    assert time.monotonic() - started < 1.6
    detail = failed_at(report, "greeting")
    assert "time-out" in detail or "longer than" in detail


def test_slow_but_valid_greeting_is_accepted(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        for ch in b"220 slow\r\n":
            peer.send(bytes([ch]))
            time.sleep(0.01)
        peer.readline()
        peer.send("250 ok\r\n")
        drain(peer)

    report = probe(scripted(script).port, security=Security.NONE, login_id="")
    assert report.ok, report.to_json()


def test_endless_continuation_lines(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 hi\r\n")
        peer.readline()
        while True:
            peer.send("250-more\r\n" * 50)

    detail = failed_at(probe(scripted(script).port), "ehlo")
    assert "endless reply" in detail


def test_overlong_line(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 " + "x" * 100_000)
        drain(peer)

    assert "longer than 2048 bytes" in failed_at(probe(scripted(script).port), "greeting")


def test_non_numeric_reply_code(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("HELLO this is not SMTP\r\n")
        drain(peer)

    assert "not an SMTP reply" in failed_at(probe(scripted(script).port), "greeting")


def test_reply_code_changing_inside_a_multiline_reply(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 hi\r\n")
        peer.readline()
        peer.send("250-first\r\n354 second\r\n")
        drain(peer)

    assert "changed the reply code" in failed_at(probe(scripted(script).port), "ehlo")


def test_invalid_utf8_and_nul_bytes_are_shown_escaped(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send(b"220 caf\xe9 \x00 \xff\xfe server\r\n")
        peer.readline()
        peer.send(b"250 ok \x00\r\n")
        drain(peer)

    report = probe(scripted(script).port, security=Security.NONE, login_id="")
    assert report.ok, report.to_json()
    assert "\\xe9" in report.steps[2].detail and "\\x00" in report.steps[2].detail
    assert "\x00" not in report.to_json().replace("\\u0000", "")


def test_tls_record_on_a_plain_port(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send(b"\x15\x03\x03\x00\x02\x02\x46")  # a TLS alert, as an implicit-TLS server may send
        drain(peer)

    report = probe(scripted(script).port)
    assert "TLS record" in failed_at(report, "greeting")
    assert report.hint_field == "port"
    assert "implicit TLS" in report.hint


def test_plain_greeting_on_an_implicit_tls_port(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 plain ESMTP\r\n")
        drain(peer)

    report = probe(scripted(script).port, security=Security.IMPLICIT)
    assert "plain text" in failed_at(report, "tls")
    assert report.hint_field == "port"
    assert "STARTTLS" in report.hint


def test_tls_1_0_only_server(scripted: Any, tls: TlsMaterial) -> None:
    def script(peer: Peer) -> None:
        ctx = tls.server_context()
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0 is deprecated: that is the point
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1
        peer.start_tls(ctx)

    report = probe(scripted(script).port, tls, security=Security.IMPLICIT)
    detail = failed_at(report, "tls")
    assert "outdated" in detail or "TLS" in detail
    assert "TLS 1.2" in report.hint


def _tls_session(tls: TlsMaterial, after_auth: Any) -> Any:
    def script(peer: Peer) -> None:
        peer.ehlo_dialogue(("STARTTLS", *CAPS_AUTH))
        peer.readline()
        peer.send("220 go\r\n")
        peer.start_tls(tls.server_context())
        peer.readline()
        peer.send("250-hi\r\n" + "".join(f"250-{c}\r\n" for c in CAPS_AUTH) + "250 SIZE 1000\r\n")
        after_auth(peer)

    return script


def test_disconnect_during_auth(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        peer.readline()  # AUTH ...

    server = scripted(_tls_session(tls, after))
    detail = failed_at(probe(server.port, tls), "auth")
    assert "closed the connection" in detail or "broke" in detail


def test_disconnect_during_the_message(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        peer.readline()
        peer.send("235 ok\r\n")
        peer.readline()
        peer.send("250 ok\r\n")
        peer.readline()
        peer.send("250 ok\r\n")
        peer.readline()
        peer.send("354 go\r\n")
        peer.sock.recv(10)

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, from_address="a@example.com", to_address="b@example.com")
    failed_at(report, "message")


def test_endless_334_challenges_are_bounded(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        peer.readline()
        while True:
            peer.send("334 " + base64.b64encode(b"more?").decode() + "\r\n")
            peer.readline()

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.CRAM_MD5,))
    assert "challenges" in failed_at(report, "auth")


def test_invalid_base64_challenge(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        peer.readline()
        peer.send("334 !!!not-base64!!!\r\n")
        drain(peer)

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.CRAM_MD5,))
    assert "not valid base64" in failed_at(report, "auth")
    assert b"*\r\n" in bytes(server.received) or True  # sent over TLS: not visible in clear


def test_535_with_several_mechanisms_sends_exactly_one_auth(scripted: Any, tls: TlsMaterial) -> None:
    auth_lines: list[bytes] = []

    def after(peer: Peer) -> None:
        while True:
            line = peer.readline()
            if line.upper().startswith(b"AUTH"):
                auth_lines.append(line.split(b" ")[1])
                peer.send("535 5.7.8 Authentication credentials invalid\r\n")
            else:
                peer.send("221 bye\r\n" if line.upper() == b"QUIT" else "250 ok\r\n")

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls)
    failed_at(report, "auth")
    assert auth_lines == [b"CRAM-MD5"]
    assert report.hint_field == "password"


def test_server_echoing_the_credentials_is_redacted(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        line = peer.readline()
        payload = line.split(b" ")[2].decode()
        peer.send(f"535 5.7.8 bad credentials {payload} for {PASSWORD}\r\n")
        drain(peer)

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.PLAIN,))
    assert "<redacted>" in failed_at(report, "auth")


@pytest.mark.parametrize(
    ("reply", "field", "words"),
    [
        (
            "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant",
            "auth_methods",
            "disabled",
        ),
        ("535 5.7.30 Basic authentication is not supported for Client Submission", "auth_methods", "OAuth 2.0"),
        ("504 5.7.4 Unrecognized authentication type", "auth_methods", "does not accept this authentication method"),
    ],
)
def test_microsoft_auth_errors_get_hints(scripted: Any, tls: TlsMaterial, reply: str, field: str, words: str) -> None:
    def after(peer: Peer) -> None:
        peer.readline()
        peer.send(reply + "\r\n")
        drain(peer)

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.LOGIN,))
    failed_at(report, "auth")
    assert report.hint_field == field
    assert words in report.hint


def test_504_moves_on_to_the_next_ticked_mechanism(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        first = peer.readline()
        assert first.startswith(b"AUTH CRAM-MD5")
        peer.send("504 5.7.4 Unrecognized authentication type\r\n")
        second = peer.readline()
        assert second.startswith(b"AUTH PLAIN ")
        peer.send("235 2.7.0 ok\r\n")
        peer.readline()
        peer.send("221 bye\r\n")

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.PLAIN, AuthMethod.CRAM_MD5))
    assert report.ok, report.to_json()
    assert report.auth.attempts == 2 and report.auth.mechanism == "PLAIN"


def test_530_5_7_57_on_mail_from(scripted: Any, tls: TlsMaterial) -> None:
    def after(peer: Peer) -> None:
        peer.readline()
        peer.send("530 5.7.57 Client not authenticated to send mail\r\n")
        drain(peer)

    server = scripted(_tls_session(tls, after))
    report = probe(server.port, tls, login_id="", from_address="a@example.com", to_address="b@example.com")
    failed_at(report, "message")
    assert report.hint_field == "login_id"


def test_bdat_error_stops_further_chunks(scripted: Any, tls: TlsMaterial) -> None:
    received: list[bytes] = []

    def script(peer: Peer) -> None:
        peer.send("220 hi\r\n")
        peer.readline()
        peer.send("250-hi\r\n250 CHUNKING\r\n")
        peer.readline()
        peer.send("250 ok\r\n")
        peer.readline()
        peer.send("250 ok\r\n")
        command = peer.readline()
        received.append(command)
        size = int(command.split()[1])
        peer.read_exact(size)
        peer.send("552 5.3.4 Message too big\r\n")
        while True:
            line = peer.readline()
            received.append(line)
            if line == b"QUIT":
                peer.send("221 bye\r\n")
                return

    server = scripted(script)
    report = probe(
        server.port,
        security=Security.NONE,
        login_id="",
        from_address="a@example.com",
        to_address="b@example.com",
        chunking=True,
        bdat_chunk_size=64,
    )
    assert "552" in failed_at(report, "message")
    assert received[0] == b"BDAT 64"
    assert not any(line.startswith(b"BDAT") for line in received[1:])


def test_connection_refused(tls: TlsMaterial) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = probe(port)
    assert "refused" in failed_at(report, "connect")
    assert report.hint_field == "port"


def test_host_not_found() -> None:
    report = probe(25, host="no-such-host.invalid", timeout=3.0)
    failed_at(report, "resolve")
    assert report.hint_field == "server"

"""Failures explained in the user's terms (QA review of the connection test), each against a real peer
on 127.0.0.1: a silent implicit-TLS port, a dripping greeting, a certificate that is both untrusted and
made out for another name, an endless EHLO reply, an IDN host that does not exist, and certificate facts
shown the same way whether or not the certificate verified."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.probe import ProbeReport, Security
from outmail_gui.probe.render import text_report
from tests.integration.probe.conftest import USER, checked_probe, failed_at
from tests.support.smtp_servers import Peer, RecordingHandler, TlsMaterial, cert_sha256, make_tls

pytestmark = pytest.mark.integration


def probe(port: int, timeout: float = 2.0, **kwargs: Any) -> ProbeReport:
    return checked_probe(port, tls=None, timeout=timeout, slack=0.5, **kwargs)


def read_until_closed(peer: Peer) -> None:
    try:
        while peer.sock.recv(4096):
            pass
    except OSError:
        pass


# --------------------------------------------------------------------------- no greeting


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.NONE])
def test_implicit_tls_port_tested_without_it_is_recognised(
    smtp_server: Any, handler: RecordingHandler, security: Security
) -> None:
    server = smtp_server(mode="implicit")
    report = probe(server.port, security=security, allow_insecure_auth=True)
    detail = failed_at(report, "greeting")
    assert "No greeting" in detail and "TLS handshake on a second connection succeeded" in detail
    assert "this port uses implicit TLS" in detail
    assert f"port {server.port} uses implicit TLS" in report.hint
    assert "in the window: " + ("keep Use SSL on" if security is Security.STARTTLS else "select Use SSL") in report.hint
    assert "use port 465" in report.hint and "--security implicit" in report.hint
    assert report.hint_field == "port"
    # The check is a bare handshake: no SMTP command, no credential, on either connection.
    assert not [line for line in report.transcript if line.startswith("C: ")]
    assert handler.auth_commands == [] and handler.authenticated == []
    assert "speaks implicit TLS" in "\n".join(report.transcript)


def test_silent_server_gets_the_implicit_tls_advice_and_the_check_stays_within_the_deadline(scripted: Any) -> None:
    server = scripted(read_until_closed)
    started = time.monotonic()
    report = probe(server.port, timeout=1.2)
    assert time.monotonic() - started < 1.5
    detail = failed_at(report, "greeting")
    assert "No greeting" in detail and "unknown" in detail
    assert report.hint.startswith("Check whether this port uses implicit TLS (usually 465): if so, set the security")
    assert "keep Use SSL on and use port 465" in report.hint
    assert "if not, check that this is an SMTP port" in report.hint
    assert report.hint_field == "port"
    assert server.connections == 2
    assert b"EHLO" not in bytes(server.received) and USER.encode() not in bytes(server.received)


def test_silent_port_that_answers_tls_with_nothing_is_not_smtp(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        if server.connections == 1:
            read_until_closed(peer)  # first connection: silence
        # second connection (the TLS check): closed at once

    server = scripted(script)
    report = probe(server.port)
    detail = failed_at(report, "greeting")
    assert "does not speak implicit TLS either" in detail
    assert "neither greets like SMTP nor speaks TLS" in report.hint
    assert report.hint_field == "port"


def test_late_plain_greeting_found_by_the_tls_check(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        if server.connections == 1:
            read_until_closed(peer)
            return
        peer.send("220 late but plain ESMTP\r\n")
        read_until_closed(peer)

    server = scripted(script)
    report = probe(server.port)
    assert "answered in plain text" in failed_at(report, "greeting")
    assert "greets in plain text, but only after" in report.hint
    assert report.hint_field == "connection_timeout_s"


def test_silence_after_implicit_tls_is_not_checked_again(scripted: Any, tls: TlsMaterial) -> None:
    def script(peer: Peer) -> None:
        peer.start_tls(tls.server_context())
        read_until_closed(peer)

    server = scripted(script)
    report = probe(server.port, timeout=1.0, security=Security.IMPLICIT, ca_file=str(tls.ca_file))
    detail = failed_at(report, "greeting")
    assert "No greeting" in detail and "second connection" not in detail
    assert "TLS connection was set up but the server sent no SMTP greeting" in report.hint
    assert server.connections == 1


def test_greeting_dripped_until_the_deadline_says_how_much_arrived(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        for byte in b"220 very slow server ESMTP\r\n":
            peer.send(bytes([byte]))
            time.sleep(0.1)

    server = scripted(script)
    started = time.monotonic()
    report = probe(server.port, timeout=1.0)
    assert time.monotonic() - started >= 0.95, "a server that started its greeting gets the whole time-out"
    detail = failed_at(report, "greeting")
    assert "started its greeting but did not complete it within the time-out (1 s)" in detail
    assert "bytes arrived: '220 very" in detail
    assert "No greeting" not in detail
    assert "sent it so slowly" in report.hint and report.hint_field == "connection_timeout_s"
    assert server.connections == 1  # no implicit-TLS check: the server does speak plain text


# --------------------------------------------------------------------------- certificates


def test_untrusted_certificate_for_another_name_reports_both_problems(
    smtp_server: Any, handler: RecordingHandler, tmp_path: Path
) -> None:
    other = make_tls(tmp_path, names=("other.example",))
    server = smtp_server(tls=other)
    report = probe(server.port, timeout=5)  # system trust store: the trustme CA is unknown
    detail = failed_at(report, "tls")
    assert "not trusted" in detail
    assert "also made out for other.example, not for localhost" in detail
    cert = report.tls.certificate
    assert cert is not None and not cert.verified and cert.matches_host is False
    assert report.hint.startswith("Enter in Server a name the certificate covers, and install the issuing CA")
    assert (
        "not issued by an authority" in report.hint and "made out for other.example, not for localhost" in report.hint
    )
    assert "would also accept the name mismatch" in report.hint and "mismatch is expected" in report.hint
    assert "SHA-256" in report.hint
    assert report.hint_field == "server"
    assert handler.auth_commands == []

    # Pinned: the fingerprint names this exact certificate for this server, so the test passes, but the
    # name mismatch is said in the TLS step and in a warning.
    pinned = probe(server.port, timeout=5, pinned_sha256=cert_sha256(other))
    assert pinned.ok, pinned.to_json()
    assert pinned.tls.certificate is not None and pinned.tls.certificate.pinned
    tls_step = next(s for s in pinned.steps if s.name == "tls")
    assert "made out for other.example, not for localhost" in tls_step.detail
    assert any("made out for other.example, not for localhost" in w for w in pinned.warnings)
    assert "made out for other names than localhost" in text_report(pinned)


def test_untrusted_certificate_for_the_right_name_is_only_untrusted(
    smtp_server: Any, handler: RecordingHandler, tls: TlsMaterial
) -> None:
    server = smtp_server()
    report = probe(server.port, timeout=5)
    detail = failed_at(report, "tls")
    assert "not trusted" in detail and "made out for" not in detail
    assert report.tls.certificate is not None and report.tls.certificate.matches_host is True
    assert report.hint.startswith("Install the issuing CA certificate") and "made out for" not in report.hint


def test_certificate_facts_read_the_same_verified_or_not(smtp_server: Any, tmp_path: Path) -> None:
    material = make_tls(
        tmp_path,
        names=("localhost", "::1", "127.0.0.1"),
        common_name="localhost",
        organization_name="Example, Inc.",
        organization_unit_name="Mail",
    )
    server = smtp_server(tls=material)
    verified = probe(server.port, timeout=5, ca_file=str(material.ca_file))
    assert verified.ok, verified.to_json()
    unverified = probe(server.port, timeout=5)  # fetched after the failure, parsed from DER
    failed_at(unverified, "tls")
    a, b = verified.tls.certificate, unverified.tls.certificate
    assert a is not None and b is not None and a.verified and not b.verified
    assert (a.subject, a.issuer, a.sans, a.not_after, a.sha256) == (b.subject, b.issuer, b.sans, b.not_after, b.sha256)
    assert a.subject == "O=Example, Inc., OU=Mail, CN=localhost"
    assert a.issuer.startswith("O=trustme") and ", OU=Testing CA" in a.issuer
    assert a.sans == ["localhost", "::1", "127.0.0.1"]
    assert a.matches_host is True and b.matches_host is True


# --------------------------------------------------------------------------- wording


def test_endless_ehlo_reply_gets_a_hint(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 hi\r\n")
        peer.readline()
        while True:
            peer.send("250-more\r\n" * 50)

    report = probe(scripted(script).port)
    detail = failed_at(report, "ehlo")
    assert "EHLO reply did not end after 200 lines" in detail and "endless reply" in detail
    assert report.hint.startswith("Report this to the server's administrator")
    assert "the server's EHLO reply did not end" in report.hint


def test_endless_greeting_gets_a_hint(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        while True:
            peer.send("220-more\r\n" * 50)

    report = probe(scripted(script).port)
    assert "greeting did not end" in failed_at(report, "greeting")
    assert "the server's greeting did not end" in report.hint


@pytest.mark.parametrize(
    ("caps", "expected"),
    [((), "0 extensions"), (("8BITMIME",), "1 extension: 8BITMIME"), (("8BITMIME", "SIZE 10"), "2 extensions: ")],
)
def test_extension_count_is_pluralised(scripted: Any, caps: tuple[str, ...], expected: str) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 hi\r\n")
        peer.readline()
        lines = ["250-hi", *[f"250-{c}" for c in caps[:-1]], f"250 {caps[-1]}"] if caps else ["250 hi"]
        peer.send("\r\n".join(lines) + "\r\n")
        line = peer.readline()
        if line == b"QUIT":
            peer.send("221 bye\r\n")

    report = probe(scripted(script).port, security=Security.NONE, login_id="")
    assert report.ok, report.to_json()
    ehlo = next(s for s in report.steps if s.name == "ehlo")
    assert ehlo.detail.startswith(expected)
    assert ehlo.detail != "1 extensions"


def test_idn_host_not_found_shows_the_name_as_typed_and_its_a_label() -> None:
    report = probe(25, host="mäil.invalid", timeout=3.0)
    detail = failed_at(report, "resolve")
    assert "mäil.invalid (xn--mil-qla.invalid)" in detail
    if "Host not found" in detail:  # a resolver that answers (rather than none at all)
        assert "mäil.invalid (xn--mil-qla.invalid) does not exist in DNS" in report.hint
    assert report.hint_field == "server"

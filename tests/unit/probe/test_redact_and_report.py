"""Redaction safety net, hints, request mapping, message building and the report's shape."""

from __future__ import annotations

import base64
import json
import re

import pytest

from outmail_gui.domain.settings import AuthMethod, Protocol, new_server
from outmail_gui.probe import ProbeReport, ProbeRequest, Security, Step, StepStatus
from outmail_gui.probe.hints import Hint, for_reply, plain_greeting_on_tls_port, says_too_long
from outmail_gui.probe.message import build_test_message, dot_stuff
from outmail_gui.probe.redact import REDACTED, Redactor
from outmail_gui.probe.render import text_report

SECRET = "sëcret-Pässwörd"


@pytest.mark.parametrize("prefix", [b"", b"\0", b"\0user\0", b"\0us\0"])
def test_base64_of_a_blob_containing_the_secret_is_redacted_at_every_alignment(prefix: bytes) -> None:
    redact = Redactor([SECRET])
    blob = base64.b64encode(prefix + SECRET.encode("utf-8") + b"tail").decode()
    assert SECRET not in redact(f"C: AUTH PLAIN {blob}")
    assert REDACTED in redact(f"C: AUTH PLAIN {blob}")


def test_plain_latin1_and_utf16_forms_are_redacted() -> None:
    redact = Redactor([SECRET])
    for form in (SECRET, SECRET.encode("utf-8").decode("latin-1"), base64.b64encode(SECRET.encode("latin-1")).decode()):
        assert redact(f"x {form} y") == f"x {REDACTED} y"
    assert redact("250 OK") == "250 OK"
    assert Redactor(["", "ab"])("250 ab") == "250 ab"  # too short to scrub safely; never sent in clear anyway


def _hint(code: int, text: str) -> Hint:
    hint = for_reply(code, text)
    assert hint is not None, f"no hint for {code} {text}"
    return hint


def test_hints_for_microsoft_and_standard_codes() -> None:
    assert _hint(535, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled").field == (
        "auth_methods"
    )
    assert "OAuth 2.0" in _hint(535, "5.7.30 Basic authentication is not supported").text
    assert _hint(504, "5.7.4 Unrecognized authentication type").field == "auth_methods"
    assert _hint(530, "5.7.57 Client not authenticated").field == "login_id"
    assert _hint(535, "5.7.8 bad").field == "password"
    assert _hint(530, "Must issue a STARTTLS command first").field == "use_ssl"
    assert for_reply(250, "ok") is None


def test_plain_text_on_port_465_does_not_suggest_port_465() -> None:
    hint = plain_greeting_on_tls_port(465)
    assert hint.field == "port"
    assert "expects STARTTLS or plain SMTP there" in hint.text
    assert hint.text.startswith("Use port 587 with STARTTLS (Use SSL on)")
    assert "ask the mail administrator to enable implicit TLS on port 465" in hint.text
    assert "use port 465" not in hint.text.lower()


def test_plain_text_on_another_port_points_to_465() -> None:
    hint = plain_greeting_on_tls_port(2465)
    assert hint.field == "port"
    assert "port 2465 answered in plain text" in hint.text and hint.text.startswith("Use port 465 for implicit TLS")


def test_security_auto_resolves_by_port() -> None:
    assert Security.AUTO.resolved(465) is Security.IMPLICIT
    assert Security.AUTO.resolved(587) is Security.STARTTLS
    assert Security.NONE.resolved(465) is Security.NONE


def test_request_from_settings_follows_the_record() -> None:
    record = new_server(
        Protocol.SMTP,
        server="smtp.example.com",
        port=587,
        login_id="u",
        use_ssl=False,
        auth_auto=False,
        auth_methods=frozenset({AuthMethod.LOGIN, AuthMethod.CRAM_MD5}),
        connection_timeout_s=30,
        chunking=True,
        outgoing_email_id="desk@example.com",
        sent_from_analyst=True,
        trusted_cert_sha256="AB:CD",
        pager_encoding="iso-8859-1",
    )
    req = ProbeRequest.from_settings(record, "pw", analyst_email="ana@example.com")
    assert req.security is Security.NONE and not req.tls_required
    assert req.auth_methods == (AuthMethod.CRAM_MD5, AuthMethod.LOGIN)
    assert req.timeout_s == 30 and req.chunking and req.pinned_sha256 == "AB:CD"
    assert req.envelope_from == "ana@example.com"
    assert req.pager_encoding == "iso-8859-1"
    assert ProbeRequest.from_settings(record.with_changes(use_ssl=True), "").security is Security.AUTO
    no_auth = ProbeRequest.from_settings(record.with_changes(auth_methods=frozenset()), "pw")
    assert not no_auth.wants_auth


def test_message_from_reply_to_receipt_and_pager() -> None:
    req = ProbeRequest(
        host="h",
        from_address="desk@example.com",
        to_address="to@example.com",
        analyst_email="ana@example.com",
        reply_to_forwarding_analyst=True,
        send_receipt=True,
        pager=True,
        pager_text="Алло ✓",
        pager_encoding="koi8-r",
    )
    msg = build_test_message(req, now=0)
    assert b"From: desk@example.com\r\n" in msg.data
    assert b"Reply-To: ana@example.com\r\n" in msg.data
    assert b"Disposition-Notification-To: desk@example.com\r\n" in msg.data
    assert msg.body == "Алло ?".encode("koi8-r")
    assert msg.info.unencodable == ["✓"]
    assert b"charset=koi8-r" in msg.data


def test_dot_stuffing() -> None:
    assert dot_stuff(b".a\r\nb\r\n.\r\n") == b"..a\r\nb\r\n..\r\n.\r\n"


def test_report_json_shape_and_text() -> None:
    report = ProbeReport(host="h", port=25)
    resolved = Step("resolve", StepStatus.PASSED, "h -> 1.2.3.4", 1.2, "h is at 1.2.3.4.")
    report.steps = [resolved, Step("connect", StepStatus.FAILED, "no")]
    report.hint, report.hint_field = "check the port", "port"
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["failed_step"] == "connect"
    assert data["steps"][0] == {
        "name": "resolve",
        "ok": True,
        "status": "passed",
        "detail": "h -> 1.2.3.4",
        "summary": "h is at 1.2.3.4.",
        "elapsed_ms": 1.2,
    }
    assert data["steps"][1]["summary"] is None
    assert {"hint", "tls", "auth", "capabilities", "transcript"} <= set(data)
    text = text_report(report)
    assert "FAIL  Connect" in text and "What to do: check the port [field: port]" in text
    assert not ProbeReport(host="h", port=1).ok  # no step ran: not a pass


@pytest.mark.parametrize("secret", ["hunter2", "pw1", "sëcret-Pässwörd", "a b c d", "0123456789abcdef", "x" * 61])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_a_server_echoing_the_base64_of_the_password_gets_the_whole_token_redacted(secret: str, encoding: str) -> None:
    redact = Redactor([secret])
    for blob in (
        base64.b64encode(secret.encode(encoding)).decode(),
        base64.b64encode(b"\0user\0" + secret.encode(encoding)).decode(),  # inside an AUTH PLAIN payload
        base64.urlsafe_b64encode(secret.encode(encoding)).decode(),
    ):
        for line in (f"535 5.7.8 {blob} rejected", f"535 5.7.8 {blob}", f"S: 334 {blob}=="):
            redacted = redact(line)
            assert blob not in redacted and redacted.count(REDACTED) == 1
            assert re.search(r"[A-Za-z0-9+/=_-]<redacted>|<redacted>[A-Za-z0-9+/=_-]", redacted) is None, redacted


def test_redaction_keeps_the_text_around_and_is_linear_on_long_lines() -> None:
    redact = Redactor(["hunter2"])
    blob = base64.b64encode(b"hunter2").decode()
    assert redact(f"a {blob} b {blob}.") == f"a {REDACTED} b {REDACTED}."
    unpadded = base64.b64encode(b"hunter2!!").decode()  # 9 bytes, no padding: repeats into one long token
    assert Redactor(["hunter2!!"])("A" * 200_000 + unpadded * 1000) == REDACTED
    assert redact(f"{blob}{blob}") == REDACTED * 2  # padding ends a token


@pytest.mark.parametrize(
    "text", ["Command line too long", "5.5.2 Line too long", "Error: chunk is longer than limit", "exceeds 512"]
)
def test_replies_saying_a_line_was_too_long_are_recognised(text: str) -> None:
    assert says_too_long(text)
    assert not says_too_long("5.7.8 Authentication credentials invalid")

"""Against a real MTA: Postfix (STARTTLS, CHUNKING/BDAT) with Dovecot SASL."""

from __future__ import annotations

import base64
import email
import email.policy
import time
from typing import Any

import pytest

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe import ProbeRequest, Security, run_probe
from outmail_gui.probe.message import build_test_message
from tests.integration.probe.conftest import PASSWORD, USER, assert_no_secret
from tests.support.mta import Mta
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration


def request(postfix: Mta, tls: TlsMaterial, **kwargs: Any) -> ProbeRequest:
    base: dict[str, Any] = {
        "host": "localhost",
        "port": postfix.port,
        "security": Security.STARTTLS,
        "ca_file": str(tls.ca_file),
        "login_id": USER,
        "password": PASSWORD,
        "timeout_s": 10,
    }
    base.update(kwargs)
    return ProbeRequest(**base)


def delivered(postfix: Mta, message_id: str) -> email.message.Message:
    raw = postfix.wait_for_mail(message_id.encode())
    for chunk in raw.split(b"\nFrom "):
        if message_id.encode() in chunk:
            return email.message_from_bytes(chunk.split(b"\n", 1)[1], policy=email.policy.compat32)
    raise AssertionError("message not found in the mailbox")


@pytest.mark.parametrize("chunk_size", [100, 65536])
def test_bdat_message_arrives_intact(postfix: Mta, tls: TlsMaterial, chunk_size: int) -> None:
    to = f"bdat-{chunk_size}@example.test"
    req = request(
        postfix,
        tls,
        from_address="helpdesk@example.test",
        to_address=to,
        chunking=True,
        bdat_chunk_size=chunk_size,
        pager=True,
        pager_text="Störung #42: Server down — bitte prüfen ✓",
        pager_encoding="utf-8",
        send_receipt=True,
    )
    report = run_probe(req)
    assert report.ok, report.to_json()
    assert "CHUNKING" in report.capabilities_after_tls
    assert report.message is not None and report.message.transfer == "BDAT"
    transcript = "\n".join(report.transcript)
    assert transcript.count("C: BDAT") == (-(-report.message.size // chunk_size))
    assert "LAST" in transcript
    msg_id = next(line.split("<", 1)[1].split(">", 1)[0] for line in [_message_id(postfix, to)])
    msg = delivered(postfix, msg_id)
    assert msg["Disposition-Notification-To"] == "helpdesk@example.test"
    body = base64.b64decode(_payload(msg))
    assert body == "Störung #42: Server down — bitte prüfen ✓".encode()
    assert_no_secret(report.to_json())


def _payload(msg: email.message.Message) -> str:
    """The body of a single-part message, as stored."""
    payload = msg.get_payload()
    assert isinstance(payload, str), "expected a single-part message"
    return payload


def _message_id(postfix: Mta, to: str, timeout: float = 8.0) -> str:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if postfix.mailbox.exists():
            for chunk in postfix.mailbox.read_bytes().split(b"\nFrom "):
                if f"To: {to}".encode() in chunk:
                    for line in chunk.split(b"\n"):
                        if line.startswith(b"Message-ID:"):
                            return line.decode()
        time.sleep(0.05)
    raise AssertionError(f"no message to {to} arrived")


def test_data_message_arrives_intact_when_chunking_is_off(postfix: Mta, tls: TlsMaterial) -> None:
    to = "data@example.test"
    req = request(postfix, tls, from_address="helpdesk@example.test", to_address=to)
    report = run_probe(req)
    assert report.ok, report.to_json()
    assert report.message is not None and report.message.transfer == "DATA"
    msg = delivered(postfix, _message_id(postfix, to).split("<", 1)[1].rstrip(">"))
    expected = build_test_message(req).body
    # mbox stores LF line ends and separates messages with an empty line
    assert _payload(msg).encode().replace(b"\n", b"\r\n").rstrip(b"\r\n") == expected.rstrip(b"\r\n")
    assert expected.startswith(b"This is a test message from Outmail")


@pytest.mark.parametrize("method", [AuthMethod.PLAIN, AuthMethod.LOGIN, AuthMethod.CRAM_MD5])
def test_dovecot_mechanisms_with_non_ascii_password(postfix: Mta, tls: TlsMaterial, method: AuthMethod) -> None:
    report = run_probe(request(postfix, tls, auth_auto=False, auth_methods=(method,)))
    assert report.ok, report.to_json()
    assert report.auth.mechanism == method.value
    assert_no_secret(report.to_json())


def test_dovecot_digest_md5(postfix: Mta, tls: TlsMaterial) -> None:
    report = run_probe(
        request(
            postfix,
            tls,
            login_id="bob",
            password="plain-ascii-pass",
            auth_auto=False,
            auth_methods=(AuthMethod.DIGEST_MD5,),
        )
    )
    assert report.ok, report.to_json()
    assert_no_secret(report.to_json(), "plain-ascii-pass")


def test_auto_select_against_postfix_takes_digest_md5(postfix: Mta, tls: TlsMaterial) -> None:
    report = run_probe(request(postfix, tls, login_id="bob", password="plain-ascii-pass"))
    assert report.ok, report.to_json()
    assert report.auth.mechanism == "DIGEST-MD5"
    assert "GSSAPI" not in report.auth.offered


def test_wrong_password_is_rejected_once(postfix: Mta, tls: TlsMaterial) -> None:
    report = run_probe(request(postfix, tls, password="not-the-password"))
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "auth"
    assert report.auth.attempts == 1
    assert report.hint_field == "password"
    assert_no_secret(report.to_json(), "not-the-password")


def test_postfix_without_tls_offers_no_auth(postfix: Mta) -> None:
    report = run_probe(
        ProbeRequest(host="127.0.0.1", port=postfix.port, security=Security.NONE, login_id=USER, password=PASSWORD)
    )
    assert not report.ok
    assert report.hint_field == "use_ssl"

"""The engine against real aiosmtpd servers with trustme certificates."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe import ProbeReport, ProbeRequest, Security, run_probe
from outmail_gui.probe.render import text_report
from tests.integration.probe.conftest import NTLM_USER, TOKEN, USER, assert_no_secret, request
from tests.support.smtp_servers import RecordingHandler, TlsMaterial, cert_sha256, make_tls

pytestmark = pytest.mark.integration


def check_clean(report: ProbeReport) -> None:
    assert_no_secret(report.to_json())
    assert_no_secret(text_report(report, transcript=True))


@pytest.mark.parametrize(
    ("method", "login"),
    [
        (AuthMethod.PLAIN, USER),
        (AuthMethod.LOGIN, USER),
        (AuthMethod.CRAM_MD5, USER),
        (AuthMethod.DIGEST_MD5, USER),
        (AuthMethod.NTLM, NTLM_USER),
        (AuthMethod.MSN, NTLM_USER),
        (AuthMethod.XOAUTH2, USER),
    ],
)
def test_each_mechanism_over_starttls_with_non_ascii_password(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler, method: AuthMethod, login: str
) -> None:
    server = smtp_server()
    report = run_probe(
        request(
            server.port,
            tls,
            login_id=login,
            auth_auto=False,
            auth_methods=(method,),
            oauth_token=TOKEN if method is AuthMethod.XOAUTH2 else "",
        )
    )
    assert report.ok, report.to_json()
    assert [s.name for s in report.steps] == [
        "resolve",
        "connect",
        "greeting",
        "ehlo",
        "tls",
        "ehlo_tls",
        "auth",
        "quit",
    ]
    assert report.auth.mechanism == method.value
    assert handler.authenticated == [(method.value, handler.authenticated[0][1])]
    assert "STARTTLS" in report.capabilities_before_tls
    assert any(c.startswith("AUTH ") for c in report.capabilities_after_tls)
    assert f"AUTH {method.value}" in "\n".join(report.transcript)
    # In plain words for the window; the protocol's words stay in the detail (report, tooltip).
    steps = {s.name: s for s in report.steps}
    assert steps["ehlo"].summary.startswith("Server features: encryption (STARTTLS)")
    assert steps["ehlo_tls"].summary.startswith("Server features after encryption: sign-in with ")
    assert method.value in steps["ehlo_tls"].summary and "extension" in steps["ehlo_tls"].detail
    assert (
        steps["tls"].summary.startswith("Encrypted with TLS 1.")
        and "the certificate is verified" in steps["tls"].summary
    )
    assert steps["auth"].summary == f"Signed in with {method.value}."
    check_clean(report)


def test_implicit_tls_auto_mode_on_465_semantics(smtp_server: Any, tls: TlsMaterial) -> None:
    server = smtp_server(mode="implicit")
    report = run_probe(
        request(server.port, tls, security=Security.IMPLICIT, auth_auto=False, auth_methods=(AuthMethod.PLAIN,))
    )
    assert report.ok, report.to_json()
    assert [s.name for s in report.steps][:4] == ["resolve", "connect", "tls", "greeting"]
    assert report.tls.mode == "implicit"
    assert report.tls.version.startswith("TLSv1.")
    cert = report.tls.certificate
    assert cert is not None and cert.verified
    assert "localhost" in cert.sans and "127.0.0.1" in cert.sans
    assert cert.sha256.replace(":", "").lower() == cert_sha256(tls)
    assert cert.days_left is not None and cert.days_left > 300
    assert "trustme" in cert.issuer


def test_auto_select_takes_the_strongest_offered(smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler) -> None:
    server = smtp_server(exclude=("NTLM", "XOAUTH2"))
    report = run_probe(request(server.port, tls))
    assert report.ok, report.to_json()
    # GSSAPI is not offered, NTLM is excluded, and DIGEST-MD5 is skipped for a non-ASCII password
    # (servers disagree on its encoding): CRAM-MD5 is next in strength.
    assert report.auth.mechanism == "CRAM-MD5"
    assert "most secure" in report.auth.reason and "DIGEST-MD5" in report.auth.reason
    assert "non-ASCII" in report.auth.unavailable["DIGEST-MD5"]
    assert handler.auth_commands == ["CRAM-MD5"]
    ascii_report = run_probe(request(server.port, tls, login_id="bob", password="ascii-only"))
    assert ascii_report.auth.mechanism == "DIGEST-MD5"
    assert handler.auth_commands == ["CRAM-MD5", "DIGEST-MD5"]


def test_rejected_login_stops_with_exactly_one_auth(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler
) -> None:
    server = smtp_server()
    wrong = "wrong-Pässword-99"
    report = run_probe(request(server.port, tls, password=wrong, login_id=NTLM_USER))
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "auth"
    assert handler.auth_commands == ["NTLM"]
    assert report.auth.attempts == 1
    assert report.hint_field == "password"
    assert "535" in report.failed_step.detail
    assert_no_secret(report.to_json(), wrong)


def test_explicit_methods_try_only_ticked_strongest_first(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler
) -> None:
    server = smtp_server()
    report = run_probe(request(server.port, tls, auth_auto=False, auth_methods=(AuthMethod.LOGIN, AuthMethod.CRAM_MD5)))
    assert report.ok
    assert handler.auth_commands == ["CRAM-MD5"]


def test_xoauth2_failure_shows_the_servers_error(smtp_server: Any, tls: TlsMaterial) -> None:
    server = smtp_server()
    report = run_probe(request(server.port, tls, oauth_token="expired-token-xyz", auth_auto=True))
    assert not report.ok
    assert report.auth.mechanism == "XOAUTH2"
    assert "535" in report.steps[-1].detail and "401" in report.steps[-1].detail
    assert_no_secret(report.to_json(), "expired-token-xyz")


def test_no_tls_refuses_auth_without_opt_in(smtp_server: Any, handler: RecordingHandler) -> None:
    server = smtp_server(mode="none", tls=None, auth_require_tls=False)
    report = run_probe(request(server.port, None, security=Security.NONE))
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "auth"
    assert "not encrypted" in report.failed_step.detail
    assert report.hint_field == "use_ssl"
    assert handler.auth_commands == []
    allowed = run_probe(request(server.port, None, security=Security.NONE, allow_insecure_auth=True))
    assert allowed.ok, allowed.to_json()
    assert "WITHOUT encryption" in allowed.steps[-2].detail
    check_clean(allowed)


def test_test_message_headers_follow_the_record(smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler) -> None:
    server = smtp_server()
    report = run_probe(
        request(
            server.port,
            tls,
            from_address="helpdesk@example.com",
            to_address="someone@example.com",
            analyst_email="analyst@example.com",
            sent_from_analyst=True,
            reply_to_forwarding_analyst=True,
            send_receipt=True,
        )
    )
    assert report.ok, report.to_json()
    assert report.message is not None and report.message.transfer == "DATA"
    assert "Enable chunking is off" in report.message.transfer_reason
    (msg,) = handler.messages
    assert msg["from"] == "analyst@example.com"
    data = msg["data"]
    assert b"From: analyst@example.com\r\n" in data
    assert b"Reply-To: analyst@example.com\r\n" in data
    assert b"Disposition-Notification-To: analyst@example.com\r\n" in data


def test_outgoing_email_id_is_from_without_analyst_options(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler
) -> None:
    server = smtp_server()
    report = run_probe(
        request(server.port, tls, from_address="helpdesk@example.com", to_address="x@example.com", chunking=True)
    )
    assert report.ok
    assert report.message is not None and report.message.transfer == "DATA"
    assert "does not offer CHUNKING" in report.message.transfer_reason
    data = handler.messages[0]["data"]
    assert b"From: helpdesk@example.com\r\n" in data
    assert b"Reply-To" not in data and b"Disposition-Notification-To" not in data


def test_pager_message_encoding_and_unencodable_characters(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler
) -> None:
    server = smtp_server()
    report = run_probe(
        request(
            server.port,
            tls,
            from_address="h@example.com",
            to_address="pager@example.com",
            pager=True,
            pager_text="Call 42: Straße ✓",
            pager_encoding="iso-8859-1",
        )
    )
    assert report.ok
    assert report.message is not None and report.message.unencodable == ["✓"]
    assert report.steps[-2].summary.endswith("iso-8859-1 cannot carry ✓: each arrives as “?”.")
    assert any("✓" in w for w in report.warnings)
    data = handler.messages[0]["data"]
    assert b"charset=iso-8859-1" in data
    import base64

    body = data.split(b"\r\n\r\n", 1)[1]
    assert base64.b64decode(body) == "Call 42: Straße ?".encode("iso-8859-1")


def test_dry_run_ends_with_rset_and_sends_nothing(
    smtp_server: Any, tls: TlsMaterial, handler: RecordingHandler
) -> None:
    server = smtp_server()
    report = run_probe(
        request(server.port, tls, from_address="h@example.com", to_address="x@example.com", dry_run=True)
    )
    assert report.ok
    assert report.steps[-2].name == "dry_run"
    assert "C: RSET" in report.transcript
    assert handler.messages == []


def test_untrusted_certificate_fails_before_auth_and_shows_it(
    smtp_server: Any, handler: RecordingHandler, tls: TlsMaterial
) -> None:
    server = smtp_server()
    report = run_probe(request(server.port, None))  # system trust store: trustme's CA is unknown
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "tls"
    assert "not trusted" in report.failed_step.detail
    assert report.tls.certificate is not None and not report.tls.certificate.verified
    assert report.tls.certificate.sha256.replace(":", "").lower() == cert_sha256(tls)
    assert "SHA-256" in report.hint
    assert handler.auth_commands == []


def test_pinned_fingerprint_accepts_that_certificate_only(
    smtp_server: Any, handler: RecordingHandler, tls: TlsMaterial
) -> None:
    server = smtp_server()
    pinned = run_probe(request(server.port, None, pinned_sha256=cert_sha256(tls)))
    assert pinned.ok, pinned.to_json()
    assert pinned.tls.certificate is not None and pinned.tls.certificate.pinned
    assert pinned.warnings
    other = run_probe(request(server.port, None, pinned_sha256="00" * 32))
    assert not other.ok
    assert other.failed_step is not None and other.failed_step.name == "tls"
    assert "differs" in other.failed_step.detail
    assert len(handler.auth_commands) == 1  # only the pinned (accepted) session authenticated


def test_expired_certificate(smtp_server: Any, tmp_path: Path, handler: RecordingHandler) -> None:
    expired = make_tls(tmp_path, not_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    server = smtp_server(tls=expired)
    report = run_probe(request(server.port, expired))
    assert not report.ok
    assert report.failed_step is not None and "expired" in report.failed_step.detail
    assert "2020-01-01" in report.hint
    assert report.tls.certificate is not None and report.tls.certificate.days_left is not None
    assert report.tls.certificate.days_left < 0
    assert handler.auth_commands == []


def test_wrong_host_certificate(smtp_server: Any, tmp_path: Path, handler: RecordingHandler) -> None:
    other = make_tls(tmp_path, names=("mail.example.org",))
    server = smtp_server(tls=other)
    report = run_probe(request(server.port, other))
    assert not report.ok
    assert report.failed_step is not None and "does not match" in report.failed_step.detail
    assert "mail.example.org" in report.hint
    assert report.hint_field == "server"
    assert handler.auth_commands == []


def test_on_step_reports_each_step_running_then_its_result(smtp_server: Any, tls: TlsMaterial) -> None:
    server = smtp_server()
    seen: list[tuple[str, str]] = []
    report = run_probe(request(server.port, tls), on_step=lambda step: seen.append((step.name, step.status.value)))
    assert report.ok
    names = [s.name for s in report.steps]
    assert [name for name, status in seen if status != "running"] == names
    # Every step that ran was announced as running just before its result.
    for name, status in (s for s in seen if s[1] not in ("running", "skipped")):
        assert seen[seen.index((name, status)) - 1] == (name, "running"), seen


def test_cancel_is_honoured_within_a_second(scripted: Any) -> None:
    def silent(peer: Any) -> None:
        peer.readline()  # waits until the client goes away

    server = scripted(silent)
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    report = run_probe(ProbeRequest(host="127.0.0.1", port=server.port, timeout_s=30), cancel=cancel)
    timer.join()
    assert time.monotonic() - started < 1.5
    assert report.cancelled and not report.ok

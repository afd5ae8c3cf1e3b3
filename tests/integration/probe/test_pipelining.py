"""Fewer round trips where RFC 2920 allows, against Postfix (which offers PIPELINING).

The relay between the probe and Postfix counts the round trips the probe needed (client
bursts the server answered); every reply of a pipelined group is still read and checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe import ProbeReport, run_probe
from tests.integration.probe.conftest import failed_at, request
from tests.support.latency_relay import LatencyRelay
from tests.support.mta import Mta
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration

# EHLO, STARTTLS, the TLS 1.3 handshake, EHLO again: before AUTH, in every STARTTLS test.
SESSION = 4
FROM = "helpdesk@example.com"


@pytest.fixture
def relay(postfix: Mta) -> Iterator[LatencyRelay]:
    # 25 ms each way: a client's own pause between two writes of one burst (the TLS Finished, then
    # EHLO) would have to pass 50 ms, even on a loaded machine, to be counted as a round trip.
    with LatencyRelay(postfix.port, one_way_s=0.025) as running:
        yield running


def probe(relay: LatencyRelay, tls: TlsMaterial, **kwargs: Any) -> ProbeReport:
    values: dict[str, Any] = {"auth_auto": False, "auth_methods": (AuthMethod.PLAIN,), "timeout_s": 10, **kwargs}
    return run_probe(request(relay.port, tls, **values))


def client_lines(report: ProbeReport) -> list[str]:
    return [line for line in report.transcript if line.startswith("C: ")]


def server_codes(report: ProbeReport) -> list[str]:
    return [line[3:6] for line in report.transcript if line.startswith("S: ")]


def size_of(report: ProbeReport) -> int:
    assert report.message is not None
    return report.message.size


def test_auth_plain_and_quit_go_in_one_group(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls)
    assert report.ok, report.to_json()
    assert report.tls.version == "TLSv1.3"
    assert "PIPELINING" in report.capabilities_after_tls
    assert relay.last().round_trips == SESSION + 1  # [AUTH PLAIN, QUIT]
    assert client_lines(report)[-2:] == ["C: AUTH PLAIN <redacted>", "C: QUIT"]
    assert server_codes(report)[-2:] == ["235", "221"]
    steps = {step.name: step.detail for step in report.steps}
    assert steps["auth"].startswith("PLAIN accepted") and steps["quit"].startswith("221")


def test_a_message_needs_two_round_trips_after_tls(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, from_address=FROM, to_address="pipelined@example.com")
    assert report.ok, report.to_json()
    assert relay.last().round_trips == SESSION + 2  # [AUTH, MAIL, RCPT, DATA], [message, QUIT]
    assert client_lines(report)[-7:] == [
        "C: AUTH PLAIN <redacted>",
        f"C: MAIL FROM:<{FROM}> SIZE={size_of(report)}",
        "C: RCPT TO:<pipelined@example.com>",
        "C: DATA",
        f"C: <message, {size_of(report)} bytes>",
        "C: .",
        "C: QUIT",
    ]
    assert server_codes(report)[-6:] == ["235", "250", "250", "354", "250", "221"]
    steps = {step.name: step.detail for step in report.steps}
    assert steps["message"].startswith("sent with DATA") and steps["quit"].startswith("221")


def test_bdat_goes_behind_auth_with_its_envelope(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, from_address=FROM, to_address="chunked@example.com", chunking=True)
    assert report.ok and report.message is not None and report.message.transfer == "BDAT", report.to_json()
    assert relay.last().round_trips == SESSION + 2  # [AUTH, MAIL, RCPT], [BDAT LAST, QUIT]
    assert client_lines(report)[-3:] == [
        f"C: BDAT {size_of(report)} LAST",
        f"C: <{size_of(report)} bytes of message data>",
        "C: QUIT",
    ]


def test_the_dry_run_goes_in_the_group_of_auth(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, from_address=FROM, to_address="dry@example.com", dry_run=True)
    assert report.ok, report.to_json()
    assert relay.last().round_trips == SESSION + 1
    assert client_lines(report)[-5:] == [
        "C: AUTH PLAIN <redacted>",
        f"C: MAIL FROM:<{FROM}>",
        "C: RCPT TO:<dry@example.com>",
        "C: RSET",
        "C: QUIT",
    ]
    assert "in one group (PIPELINING)" in report.steps[-2].detail
    assert report.steps[-1].name == "quit" and report.steps[-1].detail.startswith("221")


def test_a_refused_recipient_in_a_group_is_reported_and_every_reply_read(relay: LatencyRelay, tls: TlsMaterial) -> None:
    # Without AUTH, Postfix relays only to its own domains: the recipient is refused inside the group.
    report = probe(relay, tls, auth_methods=(), from_address=FROM, to_address="x@elsewhere.example.org")
    detail = failed_at(report, "message")
    assert "The recipient <x@elsewhere.example.org> refused: 554 5.7.1" in detail
    # MAIL 250, RCPT 554, DATA refused too (no valid recipients), then QUIT answered politely.
    assert server_codes(report)[-4:] == ["250", "554", "554", "221"]
    assert client_lines(report)[-4:] == [
        f"C: MAIL FROM:<{FROM}> SIZE={size_of(report)}",
        "C: RCPT TO:<x@elsewhere.example.org>",
        "C: DATA",
        "C: QUIT",
    ]


def test_a_refused_login_reads_the_grouped_replies_and_sends_no_message(
    relay: LatencyRelay, tls: TlsMaterial, postfix: Mta
) -> None:
    to = "never-delivered@example.com"
    report = probe(relay, tls, password="wrong-password", from_address=FROM, to_address=to)
    assert "PLAIN authentication failed: 535" in failed_at(report, "auth")
    assert report.hint_field == "password"
    # Postfix took MAIL and RCPT for its own domain without a login, and even DATA: the test read every
    # reply, sent no message (no ".") and closed the connection, which drops the transaction.
    assert server_codes(report)[-4:] == ["535", "250", "250", "354"]
    assert client_lines(report)[-1] == "C: DATA" and "C: ." not in client_lines(report)
    assert not [step for step in report.steps if step.name in ("message", "quit")]
    inbox = postfix.mailbox.read_bytes() if postfix.mailbox.exists() else b""
    assert to.encode() not in inbox


def test_a_refused_login_with_quit_behind_it_ends_politely(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, password="wrong-password")
    assert "PLAIN authentication failed: 535" in failed_at(report, "auth")
    assert client_lines(report)[-2:] == ["C: AUTH PLAIN <redacted>", "C: QUIT"]
    assert server_codes(report)[-2:] == ["535", "221"]

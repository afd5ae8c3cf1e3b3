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

# EHLO, STARTTLS, the TLS 1.3 handshake, EHLO again, AUTH: what every authenticated test needs.
SESSION = 5


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


def test_auth_only_needs_one_round_trip_per_step(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls)
    assert report.ok, report.to_json()
    assert report.tls.version == "TLSv1.3"
    assert "PIPELINING" in report.capabilities_after_tls
    assert relay.last().round_trips == SESSION + 1  # + QUIT


def test_message_goes_in_two_round_trips_with_quit_pipelined(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, from_address="helpdesk@example.com", to_address="pipelined@example.com")
    assert report.ok, report.to_json()
    assert relay.last().round_trips == SESSION + 2  # [MAIL, RCPT, DATA], [message, QUIT]
    lines = report.transcript
    mail = lines.index("C: MAIL FROM:<helpdesk@example.com> SIZE=" + str(report.message.size if report.message else 0))
    assert lines[mail + 1 : mail + 3] == ["C: RCPT TO:<pipelined@example.com>", "C: DATA"]
    assert lines[mail + 3].startswith("S: 250") and lines[mail + 5].startswith("S: 354")
    assert client_lines(report)[-1] == "C: QUIT" and lines[-1].startswith("S: 221")
    steps = {step.name: step for step in report.steps}
    assert steps["message"].detail.startswith("sent with DATA") and steps["quit"].detail.startswith("221")


def test_dry_run_sends_mail_rcpt_rset_and_quit_in_one_group(relay: LatencyRelay, tls: TlsMaterial) -> None:
    report = probe(relay, tls, from_address="helpdesk@example.com", to_address="dry@example.com", dry_run=True)
    assert report.ok, report.to_json()
    assert relay.last().round_trips == SESSION + 1
    assert client_lines(report)[-4:] == [
        "C: MAIL FROM:<helpdesk@example.com>",
        "C: RCPT TO:<dry@example.com>",
        "C: RSET",
        "C: QUIT",
    ]
    assert "in one group (PIPELINING)" in report.steps[-2].detail
    assert report.steps[-1].name == "quit" and report.steps[-1].detail.startswith("221")


def test_a_refused_recipient_in_a_group_is_reported_and_every_reply_read(relay: LatencyRelay, tls: TlsMaterial) -> None:
    # Without AUTH, Postfix relays only to its own domains: the recipient is refused inside the group.
    report = probe(
        relay, tls, auth_methods=(), from_address="helpdesk@example.com", to_address="x@elsewhere.example.org"
    )
    detail = failed_at(report, "message")
    assert "The recipient <x@elsewhere.example.org> refused: 554 5.7.1" in detail
    server = [line for line in report.transcript if line.startswith("S: ")]
    # MAIL 250, RCPT 554, DATA refused too (no valid recipients), then QUIT answered politely.
    assert [line[3:6] for line in server[-4:]] == ["250", "554", "554", "221"]
    assert client_lines(report)[-4:] == [
        "C: MAIL FROM:<helpdesk@example.com> SIZE=" + str(report.message.size if report.message else 0),
        "C: RCPT TO:<x@elsewhere.example.org>",
        "C: DATA",
        "C: QUIT",
    ]

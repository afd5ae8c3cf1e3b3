"""Discovery against real parts on loopback: dnsmasq (SRV, MX, A), an HTTPS server with autoconfig
files, and aiosmtpd on the standard ports of 127.x.y.z addresses (tests/support/discovery_world.py)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from outmail_gui.discovery import Candidate, DiscoveryReport, DiscoveryRequest, SourceStep, discover
from outmail_gui.discovery.model import Source
from outmail_gui.probe.request import Security
from tests.support.discovery_world import AUTOCONFIG_PATH, PASSWORD, USER, World

pytestmark = pytest.mark.integration

SLACK_S = 1.0  # beyond the deadline: thread start-up and the final ranking on a loaded machine


def run(world: World, target: str, timeout: float = 3.0, **kwargs: Any) -> DiscoveryReport:
    started = time.monotonic()
    report = discover(
        DiscoveryRequest(target, timeout_s=timeout, dns_server=world.dns.spec, ca_file=str(world.tls.ca_file), **kwargs)
    )
    assert time.monotonic() - started < timeout + SLACK_S, "discovery overran its deadline"
    json.loads(json.dumps(report.to_dict()))  # the --json shape is plain JSON
    return report


def source(report: DiscoveryReport, name: Source) -> SourceStep:
    return next(s for s in report.sources if s.name is name)


def candidate(report: DiscoveryReport, server: str, port: int) -> Candidate:
    return next(c for c in report.candidates if c.server == server and c.port == port)


def test_srv_only_honours_priority_and_the_no_service_dot(discovery_world: World) -> None:
    report = run(discovery_world, "alice@srv.example")
    srv = source(report, Source.SRV)
    assert srv.ok and srv.elapsed_ms > 0
    assert "submit.srv.example:465 (priority 0" in srv.detail
    assert '_submission._tcp.srv.example: "."' in srv.detail  # "." = the domain offers no such service
    assert not source(report, Source.AUTOCONFIG).ok and not source(report, Source.GUESS).ok
    best = report.recommended
    assert best is not None and (best.server, best.port, best.security) == (
        "submit.srv.example",
        465,
        Security.IMPLICIT,
    )
    assert best.source is Source.SRV and best.tls is not None and best.tls.verified and best.tls.version
    backup = candidate(report, "backup.srv.example", 465)  # priority 10: after the priority-0 target
    assert report.candidates.index(backup) > report.candidates.index(best) and not backup.recommended
    assert {c.source for c in report.candidates} == {Source.SRV}


def test_autoconfig_only(discovery_world: World) -> None:
    report = run(discovery_world, "alice@ac.example")
    step = source(report, Source.AUTOCONFIG)
    assert step.ok and "smtp-out.ac.example:587 (starttls)" in step.detail
    assert (
        "autoconfig.ac.example",
        f"{AUTOCONFIG_PATH}?emailaddress=alice%40ac.example",
    ) in discovery_world.https.requests
    best = report.recommended
    assert best is not None and (best.server, best.port, best.security) == (
        "smtp-out.ac.example",
        587,
        Security.STARTTLS,
    )
    assert best.source is Source.AUTOCONFIG and "PLAIN" in best.auth
    assert [c.server for c in report.candidates] == ["smtp-out.ac.example"]


def test_microsoft_365_recognised_by_mx(discovery_world: World) -> None:
    report = run(discovery_world, "bob@m365.example")
    step = source(report, Source.PROVIDER)
    assert step.ok and "Microsoft 365" in step.detail and "mail.protection.outlook.com" in step.detail
    best = report.recommended
    assert best is not None
    assert (best.server, best.port, best.security, best.source) == (
        "smtp.office365.com",
        587,
        Security.STARTTLS,
        Source.PROVIDER,
    )
    assert best.xoauth2 and any("OAuth 2.0" in p for p in best.problems)


def test_guesses_only_465_refused_587_good_25_silent(discovery_world: World) -> None:
    report = run(discovery_world, "carol@guess.example", timeout=2.5)
    assert [s.name for s in report.sources if s.ok] == [Source.GUESS]
    assert "smtp.guess.example: " + discovery_world.address("smtp.guess.example") in source(report, Source.GUESS).detail
    best = report.recommended
    assert best is not None and (best.server, best.port) == ("smtp.guess.example", 587)
    assert best.source is Source.GUESS and best.tls is not None and best.tls.verified
    refused = candidate(report, "smtp.guess.example", 465)
    assert not refused.reachable and "refused" in refused.problems[0].lower()
    silent = candidate(report, "smtp.guess.example", 25)
    assert not silent.reachable and "greeting" in " ".join(silent.problems).lower()
    assert report.elapsed_ms < (2.5 + SLACK_S) * 1000


def test_untrusted_certificate_on_the_best_port_is_shown_but_never_recommended(discovery_world: World) -> None:
    report = run(discovery_world, "untrusted.example")
    implicit = candidate(report, "smtp.untrusted.example", 465)
    assert implicit.reachable and implicit.tls is not None and not implicit.tls.verified
    assert implicit.tls.problem and "not trusted" in implicit.tls.problem and implicit.tls.sha256
    assert not implicit.recommended
    best = report.recommended
    assert best is not None and (best.server, best.port) == ("smtp.untrusted.example", 587)  # STARTTLS, but verified
    assert report.candidates[0] is best


def test_auth_only_before_tls_is_never_recommended(discovery_world: World) -> None:
    report = run(discovery_world, "dave@authplain.example")
    plain = candidate(report, "smtp.authplain.example", 587)
    assert plain.reachable and plain.auth == []
    assert any("only without TLS" in p for p in plain.problems)
    assert report.recommended is None and all(not c.recommended for c in report.candidates)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("a@bomb.example", "forbidden XML"),  # billion laughs: DTDs refused, nothing expanded
        ("a@big.example", "too large"),  # 50 MB without Content-Length: read up to the cap only
        ("a@redirect.example", "redirected to another domain (evil.example): not followed"),
    ],
)
def test_hostile_autoconfig_files_are_a_failed_step(discovery_world: World, target: str, expected: str) -> None:
    started = time.monotonic()
    report = run(discovery_world, target)
    step = source(report, Source.AUTOCONFIG)
    assert not step.ok and expected in step.detail
    assert time.monotonic() - started < 2.0
    assert all(host != "evil.example" for host, _path in discovery_world.https.requests)
    if target == "a@redirect.example":  # the second place redirects to plain HTTP: refused too
        assert "not HTTPS" in step.detail


def test_deadline_held_with_every_host_silent(discovery_world: World) -> None:
    started = time.monotonic()
    report = run(discovery_world, "eve@silent.example", timeout=2.0)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0 + SLACK_S
    assert report.recommended is None
    assert {(c.server, c.port) for c in report.candidates} >= {("smtp.silent.example", p) for p in (25, 465, 587)}
    assert all(not c.reachable for c in report.candidates)
    assert not source(report, Source.AUTOCONFIG).ok  # the HTTPS server accepts but never answers


def test_dns_server_that_never_answers_is_a_step_not_a_hang(discovery_world: World) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mute:
        mute.bind((discovery_world.base + "250", 0))
        started = time.monotonic()
        report = discover(
            DiscoveryRequest(
                "x@srv.example", timeout_s=1.5, dns_server=f"{mute.getsockname()[0]}:{mute.getsockname()[1]}"
            )
        )
        assert time.monotonic() - started < 1.5 + SLACK_S
    assert report.recommended is None and report.candidates == []
    assert all(not s.ok and "in time" in s.detail for s in report.sources)


def test_sign_in_check_tries_one_auth_on_the_recommended_candidate(discovery_world: World) -> None:
    handler = discovery_world.handler
    before = len(handler.auth_commands)
    report = run(discovery_world, "alice@ac.example", login_id=USER, password=PASSWORD)
    assert report.sign_in is not None and report.sign_in.ok, report.sign_in
    assert len(handler.auth_commands) == before + 1
    assert PASSWORD not in json.dumps(report.to_dict())
    wrong = run(discovery_world, "alice@ac.example", login_id=USER, password="wrong")
    assert wrong.sign_in is not None and not wrong.sign_in.ok and "535" in wrong.sign_in.detail
    assert len(handler.auth_commands) == before + 2  # one AUTH, no retry after 535


def test_cancel_ends_discovery_within_a_second(discovery_world: World) -> None:
    cancel = threading.Event()
    seen: list[str] = []

    class Listener:
        def source_changed(self, step: SourceStep) -> None:
            seen.append(step.name)

        def candidate_changed(self, candidate: Candidate) -> None:
            if candidate.server == "smtp.silent.example":
                cancel.set()

    started = time.monotonic()
    report = discover(
        DiscoveryRequest("eve@silent.example", timeout_s=20, dns_server=discovery_world.dns.spec), Listener(), cancel
    )
    assert time.monotonic() - started < 1.5
    assert report.cancelled and report.recommended is None and seen


def test_a_refusing_dns_server_is_a_step_that_says_so(discovery_world: World) -> None:
    # nowhere.example is outside the test zones: dnsmasq (no upstream) refuses every question about it.
    report = run(discovery_world, "someone@nowhere.example")
    assert report.recommended is None and report.candidates == []
    for step in report.sources:
        assert not step.ok and "failed to answer (SERVFAIL or refused)" in step.detail, step

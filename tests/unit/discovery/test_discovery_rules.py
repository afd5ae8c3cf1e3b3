"""The pure parts of discovery: what is typed, SRV order, the autoconfig parser, providers, ranking, Apply."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from outmail_gui.discovery import Candidate, CandidateTls, TargetError, parse_target
from outmail_gui.discovery.autoconfig import FetchProblem, parse, urls
from outmail_gui.discovery.lookup import DnsServer, parse_dns_server
from outmail_gui.discovery.model import Source
from outmail_gui.discovery.providers import provider_for
from outmail_gui.discovery.ranking import rank
from outmail_gui.discovery.settings_change import connection_settings
from outmail_gui.discovery.srv import rfc2782_order
from outmail_gui.domain.methods import AuthMethod
from outmail_gui.probe.request import Security
from tests.support.discovery_world import BILLION_LAUGHS, autoconfig_xml


def test_targets() -> None:
    address = parse_target("  Alice@Corp.Example ")
    assert (address.address, address.host, address.domain) == ("Alice@Corp.Example", "corp.example", "corp.example")
    host = parse_target("smtp.corp.example")
    assert (host.address, host.host, host.domain) == ("", "smtp.corp.example", "smtp.corp.example")
    assert parse_target("[::1]").domain is None and parse_target("[::1]").host == "::1"
    assert parse_target("bücher.example").host == "xn--bcher-kva.example"
    for bad in ("", "a@@b", "two words", "x@host\nname"):
        with pytest.raises(TargetError):
            parse_target(bad)


def test_dns_servers() -> None:
    assert parse_dns_server("192.0.2.1") == DnsServer("192.0.2.1", 53)
    assert parse_dns_server("192.0.2.1:5353") == DnsServer("192.0.2.1", 5353)
    assert parse_dns_server("2001:db8::1") == DnsServer("2001:db8::1", 53)
    assert parse_dns_server("[2001:db8::1]:5353") == DnsServer("2001:db8::1", 5353)
    assert str(parse_dns_server("[::1]:5353")) == "[::1]:5353"
    for bad in ("dns.example", "192.0.2.1:0", "192.0.2.1:x", "[::1]x", "192.0.2.1:"):
        with pytest.raises(ValueError):
            parse_dns_server(bad)


def srv(priority: int, weight: int, target: str) -> SimpleNamespace:
    return SimpleNamespace(priority=priority, weight=weight, target=target)


def test_rfc2782_order_priority_first_then_weight() -> None:
    records = [srv(10, 100, "backup"), srv(0, 0, "rare"), srv(0, 90, "heavy"), srv(0, 10, "light")]
    firsts = [rfc2782_order(records, random.Random(seed))[0].target for seed in range(400)]
    assert all(rfc2782_order(records, random.Random(s))[-1].target == "backup" for s in range(50))
    assert firsts.count("heavy") > firsts.count("light") > firsts.count("rare")  # about 90 : 10 : 1


def test_autoconfig_parser() -> None:
    found = parse(autoconfig_xml("smtp.%EMAILDOMAIN%", 465, "SSL", "OAuth2"), "corp.example", "a@corp.example")
    assert [(s.host, s.port, s.security, s.methods) for s in found] == [
        ("smtp.corp.example", 465, Security.IMPLICIT, ("XOAUTH2",))
    ]
    assert urls("corp.example", "a@corp.example") == [
        "https://autoconfig.corp.example/mail/config-v1.1.xml?emailaddress=a%40corp.example",
        "https://corp.example/.well-known/autoconfig/mail/config-v1.1.xml",
    ]
    bad = [
        (BILLION_LAUGHS, "forbidden XML"),
        (b"<!DOCTYPE x SYSTEM 'file:///etc/passwd'><clientConfig/>", "forbidden XML"),
        (b"not xml at all", "not a valid XML file"),
        (b"<html><body>hello</body></html>", "not an autoconfig file"),
        (autoconfig_xml("smtp.corp.example", 99999, "SSL"), "unusable outgoingServer"),
        (autoconfig_xml("smtp.corp.example", 587, "TLS-ish"), "unusable outgoingServer"),
        (autoconfig_xml("bad host", 587, "STARTTLS"), "unusable outgoingServer"),
    ]
    for data, expected in bad:
        with pytest.raises(FetchProblem, match=expected):
            parse(data, "corp.example", "")


def test_providers_are_recognised_from_the_table() -> None:
    assert provider_for("contoso-com.mail.protection.outlook.com")["name"] == "Microsoft 365"  # type: ignore[index]
    assert provider_for("ASPMX.L.GOOGLE.COM.")["name"] == "Google Workspace"  # type: ignore[index]
    assert provider_for("smtp.google.com")["name"] == "Google Workspace"  # type: ignore[index]
    assert provider_for("mx.corp.example") is None
    assert provider_for("mail.protection.outlook.com.evil.example") is None


def good(server: str, port: int, security: Security, source: Source, **kw: object) -> Candidate:
    candidate = Candidate(server, port, security, source, reachable=True, passed=True, auth=["PLAIN"])
    candidate.tls = CandidateTls("TLSv1.3", verified=True)
    for key, value in kw.items():
        setattr(candidate, key, value)
    return candidate


def test_ranking_follows_the_issue_and_never_recommends_unverified_or_plain_auth() -> None:
    untrusted = good("a", 465, Security.IMPLICIT, Source.SRV, tls=CandidateTls("TLSv1.3", verified=False))
    starttls_srv = good("b", 587, Security.STARTTLS, Source.SRV)
    implicit_guess = good("c", 465, Security.IMPLICIT, Source.GUESS)
    implicit_srv_no_auth = good("d", 465, Security.IMPLICIT, Source.SRV, auth=[])
    implicit_srv = good("e", 465, Security.IMPLICIT, Source.SRV)
    ordered = rank([untrusted, starttls_srv, implicit_guess, implicit_srv_no_auth, implicit_srv])
    assert [c.server for c in ordered] == ["e", "d", "c", "b", "a"]
    assert [c.recommended for c in ordered] == [True, False, False, False, False]
    plain = good("p", 587, Security.NONE, Source.SRV, tls=None)
    before_tls_only = good("q", 587, Security.STARTTLS, Source.SRV, auth_only_without_tls=True)
    assert [c.recommended for c in rank([plain, before_tls_only, untrusted])] == [False, False, False]


def test_apply_settings() -> None:
    offered = good("smtp.corp.example", 465, Security.IMPLICIT, Source.GUESS, auth=["CRAM-MD5", "PLAIN", "X-ODD"])
    assert connection_settings(offered) == {
        "server": "smtp.corp.example",
        "port": 465,
        "use_ssl": True,
        "auth_auto": True,
        "auth_methods": frozenset({AuthMethod.CRAM_MD5, AuthMethod.PLAIN}),
    }
    microsoft = good("smtp.office365.com", 587, Security.STARTTLS, Source.PROVIDER, advised=("XOAUTH2",))
    microsoft.auth = ["LOGIN", "XOAUTH2"]
    assert connection_settings(microsoft)["auth_auto"] is False
    assert connection_settings(microsoft)["auth_methods"] == frozenset({AuthMethod.XOAUTH2})

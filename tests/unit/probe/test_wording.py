"""Certificate facts, host names and counts as the engine words them."""

from __future__ import annotations

import pytest

from outmail_gui.probe import hints
from outmail_gui.probe.report import days_left_text, plural
from outmail_gui.probe.request import Security
from outmail_gui.probe.tls import format_name, host_matches, normalize_ip


def test_plural() -> None:
    assert plural(0, "extension") == "0 extensions"
    assert plural(1, "extension") == "1 extension"
    assert plural(2, "byte") == "2 bytes"
    assert plural(1, "reply", "replies") == "1 reply" and plural(3, "reply", "replies") == "3 replies"
    assert days_left_text(1) == "1 day left"
    assert days_left_text(0) == "0 days left"
    assert days_left_text(-2) == "expired"
    assert days_left_text(None) == "expiry unknown"


def test_names_in_certificate_order_with_short_keys() -> None:
    pairs = [("countryName", "DE"), ("organizationName", "Example, Inc."), ("commonName", "mail.example")]
    assert format_name(pairs) == "C=DE, O=Example, Inc., CN=mail.example"
    assert format_name([("emailAddress", "a@b")]) == "emailAddress=a@b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0:0:0:0:0:0:0:1", "::1"),
        ("2001:DB8:0:0:0:0:0:1\n", "2001:db8::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", None),
    ],
)
def test_ip_addresses_compressed(text: str, expected: str | None) -> None:
    assert normalize_ip(text) == expected


@pytest.mark.parametrize(
    ("host", "dns", "ips", "cns", "expected"),
    [
        ("localhost", ["other.example"], [], [], False),
        ("localhost", ["LOCALHOST"], [], [], True),
        ("mail.example.com", ["*.example.com"], [], [], True),
        ("a.mail.example.com", ["*.example.com"], [], [], False),
        ("example.com", ["*.example.com"], [], [], False),
        ("mail.com", ["*.com"], [], [], False),
        ("mail.example.com", ["m*.example.com"], [], [], False),  # no partial wildcards
        ("xn--mil-qla.example", ["xn--mil-qla.example"], [], [], True),
        ("::1", ["localhost"], ["0:0:0:0:0:0:0:1"], [], True),
        ("127.0.0.1", ["127.0.0.1"], [], [], False),  # an address matches IP SANs only
        ("mail.example", [], ["127.0.0.1"], ["mail.example"], True),  # CN only without DNS SANs
        ("mail.example", ["other.example"], [], ["mail.example"], False),
    ],
)
def test_host_matches_like_a_verifying_client(
    host: str, dns: list[str], ips: list[str], cns: list[str], expected: bool
) -> None:
    assert host_matches(host, dns, ips, cns) is expected


def test_idn_shown_as_typed_and_as_a_label() -> None:
    assert hints.shown_host("xn--mil-qla.example", " mäil.example ") == "mäil.example (xn--mil-qla.example)"
    assert hints.shown_host("mail.example", "mail.example") == "mail.example"
    assert hints.shown_host("mail.example", "mail.example.") == "mail.example"
    assert hints.host_not_found("xn--mil-qla.example", "mäil.example").text.startswith(
        "Check Server for a typing error: the name mäil.example (xn--mil-qla.example) does not exist in DNS"
    )


def test_no_greeting_hints_name_the_setting() -> None:
    assert "keep Use SSL on and use port 465" in hints.no_greeting(587, Security.STARTTLS).text
    assert hints.no_greeting(587, Security.STARTTLS).field == "port"
    on_465 = hints.no_greeting(465, Security.NONE)
    assert "select Use SSL" in on_465.text and on_465.field == "use_ssl"
    assert "TLS connection was set up" in hints.no_greeting(465, Security.IMPLICIT).text
    assert "not plain SMTP" in hints.implicit_tls_port(2525, Security.NONE).text

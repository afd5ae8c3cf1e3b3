"""The start-up shortcuts of the command-line test give exactly what the standard way gives.

Each avoids loading a module on every ``outmail-gui probe`` run (see benchmarks/RESULTS-probe.md).
"""

from __future__ import annotations

import datetime as dt
import ssl
import sys
from pathlib import Path

import idna
import pytest

from outmail_gui.domain.addresses import _plain_ascii_name, ascii_host, host_problem
from outmail_gui.probe.connection import wire_name
from outmail_gui.probe.tls import cert_expiry, inspection_context

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _standard_expiry(text: str) -> tuple[str, float]:
    expiry = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(text), dt.UTC)
    return expiry.isoformat(), expiry.timestamp()


@pytest.mark.parametrize(
    "text",
    [
        "Jan  1 00:00:00 3000 GMT",  # trustme's default
        "Feb 29 12:34:56 2024 GMT",
        "Dec 31 23:59:59 1999 GMT",
        "Mar  1 00:00:00 2100 GMT",  # 2100 is not a leap year
        "Jan 19 03:14:08 2038 GMT",
        "Jan  1 00:00:00 1970 GMT",
        "Dec 31 23:59:59 9999 GMT",
        "Jun 30 23:59:60 2016 GMT",  # leap second: the standard way
        "Jan  1 00:00:00 1950 GMT",  # before 1970: the standard way
        "JAN  1 00:00:00 2030 GMT",  # upper-case month: the standard way
    ],
)
def test_certificate_expiry_matches_the_standard_parser(text: str) -> None:
    assert cert_expiry(text) == _standard_expiry(text)


def test_certificate_expiry_matches_on_every_day_of_some_years() -> None:
    for year in (1970, 2000, 2023, 2024, 2100, 2400):
        for name in _MONTHS:
            for day in range(1, 32):
                text = f"{name} {day:2d} 13:07:59 {year} GMT"
                try:
                    expected: object = _standard_expiry(text)
                except ValueError:
                    expected = ValueError
                try:
                    got: object = cert_expiry(text)
                except ValueError:
                    got = ValueError
                assert got == expected, text


def test_invalid_certificate_time_still_raises() -> None:
    with pytest.raises(ValueError):
        cert_expiry("not a date")


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "smtp.Example.COM",
        "smtp.example.com.",
        "a" * 63 + ".example",
        "mail-1.example.org",
        "xn--bcher-kva.example",  # punycode: idna decides
        "ab--cd.example",  # hyphens in 3rd and 4th position: idna decides
        "-bad.example",
        "bad-.example",
        "a..b",
        "under_score.example",
        "bücher.example",
        ".",
    ],
)
def test_plain_ascii_host_names_skip_idna_with_the_same_result(host: str) -> None:
    """Every host gets idna's verdict, whether the shortcut answered or stepped aside."""
    try:
        expected: str | None = idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except idna.IDNAError:
        expected = None
    plain = _plain_ascii_name(host)
    if plain is not None:
        assert plain == expected
    if expected is None:
        assert plain is None and host_problem(host) is not None
    else:
        assert host_problem(host) is None
        assert ascii_host(host) == expected


def test_a_very_long_ascii_name_goes_through_idna() -> None:
    name = ".".join(["a" * 60] * 5)  # 304 characters
    assert _plain_ascii_name(name) is None
    problem = host_problem(name)
    assert problem is not None and "not a valid host name" in problem  # idna's own verdict


def test_inspection_context_is_the_default_context_without_its_ca_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSLKEYLOGFILE", raising=False)
    ours = inspection_context()
    reference = ssl.create_default_context()
    reference.check_hostname = False
    reference.verify_mode = ssl.CERT_NONE
    for attribute in ("protocol", "options", "minimum_version", "maximum_version", "verify_flags", "security_level"):
        assert getattr(ours, attribute) == getattr(reference, attribute), attribute
    assert ours.get_ciphers() == reference.get_ciphers()
    assert (ours.check_hostname, ours.verify_mode) == (False, ssl.CERT_NONE)
    assert ours.get_ca_certs() == []  # nothing loaded: nothing is verified against it


@pytest.mark.skipif(not hasattr(ssl.SSLContext, "keylog_filename"), reason="OpenSSL without key logging")
def test_inspection_context_honours_sslkeylogfile_like_the_default_context(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(tmp_path / "keys.log")
    monkeypatch.setenv("SSLKEYLOGFILE", path)
    assert inspection_context().keylog_filename == (None if sys.flags.ignore_environment else path)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "smtp.example.com", "xn--mil-qla.example"])
def test_ascii_hosts_resolve_as_bytes_exactly_as_the_codec_would_send_them(host: str) -> None:
    assert wire_name(host) == host.encode("idna")  # what getaddrinfo and ssl would have sent


def test_a_non_ascii_host_is_left_to_the_standard_way() -> None:
    assert wire_name("mäil.example") == "mäil.example"


def test_tls_with_a_bytes_host_name_still_checks_the_name() -> None:
    import trustme

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    for name, ok in [("localhost", True), ("other.example", False)]:
        to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = client_context.wrap_bio(to_client, to_server, server_hostname=wire_name(name))
        server = server_context.wrap_bio(to_server, to_client, server_side=True)
        assert client.server_hostname == name
        assert _handshake(client, server) is ok


def _handshake(client: ssl.SSLObject, server: ssl.SSLObject) -> bool:
    """Both ends of an in-memory TLS handshake; False when the client refuses the certificate."""
    done = {client: False, server: False}
    for _ in range(10):  # a TLS 1.3 handshake takes two or three round trips
        for side in (client, server):
            if done[side]:
                continue
            try:
                side.do_handshake()
                done[side] = True
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError:
                return False
        if all(done.values()):
            return True
    raise AssertionError("the handshake did not finish")

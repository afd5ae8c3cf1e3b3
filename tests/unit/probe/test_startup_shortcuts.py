"""Host names, TLS contexts and certificate facts of the command-line test, held to the standard way."""

from __future__ import annotations

import datetime as dt
import ssl
import sys
from pathlib import Path

import idna
import pytest

from outmail_gui.domain.addresses import _plain_ascii_name, ascii_host, host_problem
from outmail_gui.probe.connection import wire_name
from outmail_gui.probe.tls import cert_expiry, cert_from_der, cert_from_dict, inspection_context


def test_certificate_dates_read_from_the_verified_and_the_raw_certificate_agree() -> None:
    """A verified certificate's facts come from ``getpeercert()``, an unverified one's from its DER."""
    import trustme

    not_after = dt.datetime(2031, 2, 28, 23, 59, 59, tzinfo=dt.UTC)
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", not_after=not_after).configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_context.wrap_bio(to_client, to_server, server_hostname="localhost")
    assert _handshake(client, server_context.wrap_bio(to_server, to_client, server_side=True))
    info, der = client.getpeercert(), client.getpeercert(binary_form=True)
    assert info is not None and der is not None
    from_dict, from_der = cert_from_dict(info, der), cert_from_der(der)
    assert from_dict.not_after == from_der.not_after == "2031-02-28T23:59:59+00:00"
    assert from_dict.days_left == from_der.days_left == (not_after - dt.datetime.now(dt.UTC)).days
    assert cert_expiry("Jun 30 23:59:60 2016 GMT").isoformat() == "2016-07-01T00:00:00+00:00"  # leap second
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

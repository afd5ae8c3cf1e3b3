"""IPv6 literals with a zone id (``::1%lo``, ``fe80::1%eth0``): zones are checked as interface
names, and the probe connects to a scoped literal without asking DNS."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from outmail_gui.domain.addresses import host_problem
from outmail_gui.probe import Security, run_probe
from tests.integration.probe.conftest import request
from tests.support.smtp_servers import TlsMaterial, make_tls

LOOPBACK = socket.if_indextoname(1)  # "lo" on Linux, "lo0" on macOS


@pytest.mark.parametrize("host", ["fe80::1%eth0", "fe80::1%en0", "fe80::1%12", "::1%lo", "[fe80::1%wlp3s0]"])
def test_interface_names_and_numbers_are_valid_zones(host: str) -> None:
    assert host_problem(host) is None


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("fe80::1%a b", "'a b' after % is not a network interface name"),
        ("fe80::1%" + "x" * 300, "at most 15 characters"),
        ("fe80::1%" + "x" * 16, "at most 15 characters"),
        ("fe80::1%et/h0", "is not a valid IPv6 address"),  # ipaddress refuses "/" itself
        ("fe80::1%..", "is not a network interface name"),
        ("fe80::1%eth\u00e9", "is not a network interface name"),
        ("fe80::1%99999999999", "interface number '99999999999' is too large"),
    ],
)
def test_zones_that_cannot_name_an_interface_are_refused(host: str, words: str) -> None:
    problem = host_problem(host)
    assert problem is not None and words in problem and len(problem) < 300


@pytest.fixture(scope="module")
def tls_v6(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls(tmp_path_factory.mktemp("tls6"), names=("localhost", "::1"))


@pytest.mark.parametrize("zone", [LOOPBACK, "1"])
def test_the_probe_connects_to_a_scoped_literal_without_dns(
    smtp_server: Any, tls_v6: TlsMaterial, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server(tls=tls_v6, host="::1")
    asked: list[Any] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    report = run_probe(request(server.port, tls_v6, host=f"::1%{zone}"))
    assert report.ok, report.to_json()
    assert asked == []  # no resolver call at all, so no DNS
    cert = report.tls.certificate if report.tls else None
    assert cert is not None and cert.verified and cert.matches_host  # the certificate's ::1 matches ::1%lo
    assert any(line.startswith("C: EHLO [IPv6:::1]") for line in report.transcript)


def test_an_interface_this_workstation_lacks_is_named() -> None:
    report = run_probe(request(25, None, host="fe80::1%nosuch0", security=Security.NONE))
    assert report.failed_step is not None and report.failed_step.name == "resolve"
    assert "no network interface named 'nosuch0'" in report.failed_step.detail
    assert report.hint_field == "server"

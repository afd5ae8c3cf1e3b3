"""GSS (Kerberos) sign-in against a real MIT KDC and Postfix with Dovecot's GSSAPI, on loopback."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.cli.main import run
from outmail_gui.domain.methods import AuthMethod
from outmail_gui.probe import ProbeReport, ProbeRequest, Security, run_probe
from outmail_gui.probe.render import text_report
from tests.integration.kerberos.conftest import PASSWORD, PRINCIPAL, USER
from tests.support import mta
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration

GSSAPI_ONLY: dict[str, Any] = {"auth_auto": False, "auth_methods": (AuthMethod.GSSAPI,)}
DRY_RUN: dict[str, Any] = {"from_address": "helpdesk@example.test", "to_address": "desk@example.test", "dry_run": True}


def probe(server: mta.Mta, tls: TlsMaterial, **kwargs: Any) -> ProbeReport:
    base: dict[str, Any] = {
        "host": "localhost",
        "port": server.port,
        "security": Security.STARTTLS,
        "ca_file": str(tls.ca_file),
        "login_id": USER,
        "password": "",
        "timeout_s": 15,
    }
    base.update(kwargs)
    report = run_probe(ProbeRequest(**base))
    text = report.to_json() + text_report(report, transcript=True)
    assert PASSWORD not in text
    return report


def auth_detail(report: ProbeReport) -> str:
    step = next(s for s in report.steps if s.name == "auth")
    return step.detail


def sasl_methods(server: mta.Mta) -> list[str]:
    """The ``sasl_method=`` of every login Postfix logged (it logs them with a transaction's first
    valid recipient: the tests that check it make a dry run)."""
    log = server.maillog.read_text(errors="replace") if server.maillog.exists() else ""
    return [part.split("=", 1)[1].rstrip(",") for part in log.split() if part.startswith("sasl_method=")]


def logged_after(server: mta.Mta, before: int) -> list[str]:
    """The logins Postfix logged after the first ``before`` (its log writer runs apart: wait for it)."""
    stop = time.monotonic() + 5
    while len(sasl_methods(server)) <= before and time.monotonic() < stop:
        time.sleep(0.02)
    return sasl_methods(server)[before:]


def test_ticket_signs_in_with_gssapi(gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path) -> None:
    before = len(sasl_methods(gssapi_mta))
    report = probe(gssapi_mta, kerberos_tls, **GSSAPI_ONLY, **DRY_RUN)
    assert report.ok, text_report(report, transcript=True)
    assert report.auth.mechanism == "GSSAPI" and report.auth.attempts == 1
    assert "GSSAPI accepted" in auth_detail(report)
    assert "C: AUTH GSSAPI <redacted>" in report.transcript
    assert "S: 235 2.7.0 Authentication successful" in report.transcript
    assert logged_after(gssapi_mta, before) == ["GSSAPI"]


def test_auto_select_uses_the_ticket_first(gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path) -> None:
    report = probe(gssapi_mta, kerberos_tls, password=PASSWORD)
    assert report.ok, text_report(report)
    assert report.auth.mechanism == "GSSAPI"
    assert "GSSAPI is the most secure mechanism the server offers" in report.auth.reason


@pytest.mark.parametrize("auto", [False, True], ids=["gssapi-ticked", "auto"])
def test_ticket_without_login_id_signs_in(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path, auto: bool
) -> None:
    methods: dict[str, Any] = {"auth_auto": True} if auto else GSSAPI_ONLY
    before = len(sasl_methods(gssapi_mta))
    report = probe(gssapi_mta, kerberos_tls, login_id="", **methods, **DRY_RUN)
    assert report.ok, text_report(report, transcript=True)
    assert report.auth.mechanism == "GSSAPI"
    assert logged_after(gssapi_mta, before) == ["GSSAPI"]


def test_login_id_and_password_obtain_a_ticket(gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ccache: Path) -> None:
    report = probe(gssapi_mta, kerberos_tls, login_id=PRINCIPAL, password=PASSWORD, **GSSAPI_ONLY)
    assert report.ok, text_report(report, transcript=True)
    assert report.auth.mechanism == "GSSAPI"
    assert not ccache.exists()  # the ticket lives in memory for this test only


def test_no_ticket_and_no_password_fails_with_the_ticket_hint(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ccache: Path
) -> None:
    report = probe(gssapi_mta, kerberos_tls, **GSSAPI_ONLY)
    assert not report.ok and report.failed_step is not None and report.failed_step.name == "auth"
    assert report.hint.startswith("Sign in to the domain or run kinit")
    assert report.auth.attempts == 0  # nothing reached the server


def test_no_login_id_and_no_ticket_does_not_authenticate_automatically(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ccache: Path
) -> None:
    report = probe(gssapi_mta, kerberos_tls, login_id="")
    assert report.ok
    assert auth_detail(report) == "No Login ID given: the test does not authenticate."


@pytest.mark.parametrize("auto", [False, True], ids=["gssapi-ticked", "auto"])
def test_wrong_password_gets_its_hint_and_nothing_else_is_tried(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ccache: Path, auto: bool
) -> None:
    methods: dict[str, Any] = {"auth_auto": True} if auto else GSSAPI_ONLY
    report = probe(gssapi_mta, kerberos_tls, password="not-the-password", **methods)
    assert not report.ok and report.failed_step is not None and report.failed_step.name == "auth"
    assert "rejected the password" in report.hint and report.hint_field == "password"
    assert report.auth.attempts == 0
    assert not any(line.startswith("C: AUTH") for line in report.transcript)  # one refusal: PLAIN is not tried


def test_auto_without_a_realm_falls_back_to_plain_and_says_why(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_realm = tmp_path / "krb5.conf"
    no_realm.write_text("[libdefaults]\n    dns_lookup_kdc = false\n    dns_lookup_realm = false\n")
    monkeypatch.setenv("KRB5_CONFIG", str(no_realm))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'ccache'}")
    before = len(sasl_methods(gssapi_mta))
    report = probe(gssapi_mta, kerberos_tls, password=PASSWORD, **DRY_RUN)
    assert report.ok, text_report(report, transcript=True)
    assert report.auth.mechanism == "PLAIN" and report.auth.attempts == 1
    assert "GSSAPI" in report.auth.reason and "no Kerberos realm configured" in report.auth.reason
    assert report.auth.unavailable["GSSAPI"].startswith("skipped: ")
    assert logged_after(gssapi_mta, before) == ["PLAIN"]


def test_unknown_service_principal_gets_its_hint(gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path) -> None:
    # smtp/127.0.0.1 is not in the realm (no reverse lookup): the name typed decides the principal.
    report = probe(gssapi_mta, kerberos_tls, host="127.0.0.1", **GSSAPI_ONLY)
    assert not report.ok and report.failed_step is not None and report.failed_step.name == "auth"
    assert "full host name, not its IP address" in report.hint and report.hint_field == "server"
    assert "smtp/127.0.0.1" in report.hint


def test_without_the_kerberos_modules_auto_falls_back_and_gss_names_them(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("gssapi", "krb5"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as on a workstation without them
    ticked = probe(gssapi_mta, kerberos_tls, password=PASSWORD, **GSSAPI_ONLY)
    assert not ticked.ok
    assert ticked.auth.unavailable["GSSAPI"].startswith("unavailable on this workstation")
    assert "gssapi and krb5 missing" in ticked.auth.unavailable["GSSAPI"]
    assert ticked.hint.startswith("Install Kerberos support on this workstation")
    auto = probe(gssapi_mta, kerberos_tls, password=PASSWORD)
    assert auto.ok and auto.auth.mechanism == "PLAIN"
    assert "gssapi and krb5 missing" in auto.auth.reason


def test_cli_probe_with_a_ticket_shows_the_gssapi_exchange(
    gssapi_mta: mta.Mta, kerberos_tls: TlsMaterial, ticket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "probe",
            "--server",
            "localhost",
            "--port",
            str(gssapi_mta.port),
            "--security",
            "starttls",
            "--ca-file",
            str(kerberos_tls.ca_file),
            "--auth",
            "GSSAPI",
            "--transcript",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Authentication: GSSAPI" in out
    assert "AUTH GSSAPI <redacted>" in out and "235 2.7.0 Authentication successful" in out

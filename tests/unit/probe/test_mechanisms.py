"""SASL mechanisms against published test vectors, and the choice between them."""

from __future__ import annotations

import base64
import sys

import pytest

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe.auth import Credentials, MechanismError, plan_auth
from outmail_gui.probe.auth.cram import CramMd5
from outmail_gui.probe.auth.digest import DigestMd5, parse_directives
from outmail_gui.probe.auth.gssapi import Gssapi, has_ticket, kerberos_problem, missing_modules
from outmail_gui.probe.auth.select import offered_mechanisms
from outmail_gui.probe.auth.simple import Login, Plain, XOAuth2


def test_cram_md5_rfc2195_vector() -> None:
    mech = CramMd5(Credentials("tim", "tanstaaftanstaaf"))
    answer = mech.respond(b"<1896.697170952@postoffice.reston.mci.net>")
    assert answer == b"tim b913a602c7eda7a495b4e6e7334d3890"


def test_digest_md5_rfc2831_vector_and_rspauth() -> None:
    mech = DigestMd5(
        Credentials("chris", "secret", host="elwood.innosoft.com"), cnonce="OA6MHXh6VqTrRk", service="imap"
    )
    challenge = b'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8'
    answer = mech.respond(challenge).decode()
    assert "response=d388dad90d4bbd760a152321f2143af7" in answer
    assert 'digest-uri="imap/elwood.innosoft.com"' in answer
    assert mech.respond(b"rspauth=ea40f60335c427b5527b84dbabcdfffd") == b""


def test_digest_md5_wrong_rspauth_is_refused() -> None:
    mech = DigestMd5(Credentials("chris", "secret", host="h"), cnonce="x")
    mech.respond(b'nonce="n",qop="auth",algorithm=md5-sess')
    with pytest.raises(MechanismError, match="rspauth"):
        mech.respond(b"rspauth=00000000000000000000000000000000")


def test_digest_md5_needs_nonce_and_qop_auth() -> None:
    with pytest.raises(MechanismError):
        DigestMd5(Credentials("u", "p")).respond(b'realm="r"')
    with pytest.raises(MechanismError):
        DigestMd5(Credentials("u", "p")).respond(b'nonce="n",qop="auth-conf"')


def test_parse_directives_quoting_and_repeats() -> None:
    parsed = parse_directives(b'realm="a",realm="b\\"c",nonce=xyz, qop="auth,auth-int"')
    assert parsed["realm"] == ["a", 'b"c']
    assert parsed["nonce"] == ["xyz"]
    assert parsed["qop"] == ["auth,auth-int"]


def test_plain_and_login_use_utf8() -> None:
    creds = Credentials("jörg", "pässwörd")
    assert Plain(creds).initial_response() == b"\0j\xc3\xb6rg\0p\xc3\xa4ssw\xc3\xb6rd"
    login = Login(creds)
    assert login.respond(base64.b64decode("VXNlcm5hbWU6")) == "jörg".encode()
    assert login.respond(base64.b64decode("UGFzc3dvcmQ6")) == "pässwörd".encode()


def test_xoauth2_initial_response() -> None:
    mech = XOAuth2(Credentials("u@example.com", "", oauth_token="tok"))
    assert mech.initial_response() == b"user=u@example.com\x01auth=Bearer tok\x01\x01"
    assert mech.respond(b'{"status":"401"}') == b""


def test_offered_mechanisms_reads_both_forms() -> None:
    assert offered_mechanisms(["SIZE 100", "AUTH PLAIN LOGIN", "AUTH=LOGIN CRAM-MD5"]) == ["PLAIN", "LOGIN", "CRAM-MD5"]


def block_kerberos(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``names`` fail to import, as on a workstation without them."""
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_auto_select_prefers_strongest_and_reports_unusable() -> None:
    offered = ["PLAIN", "LOGIN", "XOAUTH2", "GSSAPI", "CRAM-MD5"]
    plan = plan_auth(offered, True, (), has_login=True, has_token=False)
    assert plan.candidates == [AuthMethod.GSSAPI, AuthMethod.CRAM_MD5, AuthMethod.PLAIN, AuthMethod.LOGIN]
    assert plan.unavailable == {"XOAUTH2": "needs an OAuth 2.0 token"}
    assert "XOAUTH2" in plan.reason and plan.reason.startswith("automatic selection: GSSAPI")


def test_auto_select_reports_gssapi_unavailable_without_kerberos(monkeypatch: pytest.MonkeyPatch) -> None:
    block_kerberos(monkeypatch, "gssapi", "krb5")
    offered = ["PLAIN", "LOGIN", "XOAUTH2", "GSSAPI", "CRAM-MD5"]
    plan = plan_auth(offered, True, (), has_login=True, has_token=False)
    assert plan.candidates[0] is AuthMethod.CRAM_MD5
    assert plan.unavailable["GSSAPI"] == kerberos_problem()
    assert "XOAUTH2" in plan.reason and "GSSAPI unavailable on this workstation" in plan.reason


def test_auto_select_downgrades_only_when_stronger_is_not_offered() -> None:
    assert plan_auth(["LOGIN", "PLAIN"], True, (), True, False).candidates == [AuthMethod.PLAIN, AuthMethod.LOGIN]
    assert plan_auth(["LOGIN", "NTLM"], True, (), True, False).candidates[0] is AuthMethod.NTLM


def test_auto_select_skips_digest_md5_for_non_ascii_password() -> None:
    plan = plan_auth(["DIGEST-MD5", "PLAIN"], True, (), True, False, ascii_password=False)
    assert plan.candidates == [AuthMethod.PLAIN]
    ticked = plan_auth(["DIGEST-MD5"], False, (AuthMethod.DIGEST_MD5,), True, False, ascii_password=False)
    assert ticked.candidates == [AuthMethod.DIGEST_MD5]


def test_explicit_methods_only_ticked_strongest_first() -> None:
    plan = plan_auth(
        ["PLAIN", "LOGIN", "CRAM-MD5", "NTLM"], False, (AuthMethod.LOGIN, AuthMethod.CRAM_MD5), True, False
    )
    assert plan.candidates == [AuthMethod.CRAM_MD5, AuthMethod.LOGIN]
    none = plan_auth(["PLAIN"], False, (AuthMethod.CRAM_MD5,), True, False)
    assert none.candidates == [] and none.unavailable == {"CRAM-MD5": "not offered by the server"}


def test_kerberos_is_installed_by_the_readme_set_up() -> None:
    assert missing_modules() == [] and kerberos_problem() is None


@pytest.mark.parametrize(
    ("blocked", "named"),
    [
        (("gssapi", "krb5"), "Python modules gssapi and krb5 missing"),
        (("krb5",), "Python module krb5 missing"),
        (("gssapi",), "Python module gssapi missing"),
    ],
)
def test_gssapi_unavailable_names_exactly_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, blocked: tuple[str, ...], named: str
) -> None:
    block_kerberos(monkeypatch, *blocked)
    assert missing_modules() == list(blocked)
    problem = kerberos_problem()
    assert problem is not None and problem.startswith("unavailable on this workstation: ")
    assert named in problem and "pyspnego[kerberos]" in problem
    assert not has_ticket()


def test_gssapi_without_the_modules_fails_before_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    block_kerberos(monkeypatch, "krb5")
    with pytest.raises(MechanismError) as caught:
        Gssapi(Credentials("alice", "pw", host="mail.example")).initial_response()
    assert caught.value.nothing_sent and "krb5 missing" in str(caught.value)


def test_windows_needs_no_kerberos_modules_and_has_a_ticket_on_a_domain_logon(monkeypatch: pytest.MonkeyPatch) -> None:
    block_kerberos(monkeypatch, "gssapi", "krb5")  # pyspnego uses SSPI there
    monkeypatch.setattr(sys, "platform", "win32")
    assert missing_modules() == [] and kerberos_problem() is None
    monkeypatch.delenv("USERDNSDOMAIN", raising=False)
    assert not has_ticket()
    monkeypatch.setenv("USERDNSDOMAIN", "CORP.EXAMPLE")
    assert has_ticket()

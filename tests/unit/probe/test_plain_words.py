"""Passed steps in plain words (the window's steps table); the protocol's words stay in the detail."""

from __future__ import annotations

from outmail_gui.probe import plain
from outmail_gui.probe.connection import Reply
from outmail_gui.probe.report import CertInfo, TlsInfo

POSTFIX_BEFORE_TLS = ["PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME"]


def test_features_before_and_after_encryption() -> None:
    assert plain.features(POSTFIX_BEFORE_TLS, after_tls=False) == (
        "Server features: encryption (STARTTLS), messages up to 10 MB, several commands at once, 8-bit text, "
        "and 3 more."
    )
    after = ["PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN", "SMTPUTF8", "CHUNKING"]
    assert plain.features(after, after_tls=True) == (
        "Server features after encryption: sign-in with PLAIN, LOGIN, messages up to 10 MB, international "
        "addresses, sending in chunks, several commands at once."
    )


def test_missing_sign_in_is_said_where_it_matters() -> None:
    # Before STARTTLS a server often keeps AUTH back: nothing to say about it there.
    assert "sign-in" not in plain.features(["STARTTLS"], after_tls=False)
    assert plain.features(["SIZE 0", "HELP"], after_tls=True) == (
        "Server features after encryption: no sign-in, and 1 more."
    )
    assert plain.features([], after_tls=False).startswith("Server features: none listed")
    assert plain.features(["", "SIZE", "AUTH"], after_tls=True) == (
        "Server features after encryption: no sign-in, and 1 more."
    )  # an empty line, a bare SIZE and AUTH without mechanisms: said, never a crash


def test_encryption_greeting_and_the_rest() -> None:
    cert = CertInfo(subject="CN=mail.example", verified=True, matches_host=True, days_left=89)
    assert plain.encryption(TlsInfo("starttls", "TLSv1.3", "TLS_AES_256_GCM_SHA384", cert)) == (
        "Encrypted with TLS 1.3; the certificate is verified, 89 days left."
    )
    pinned = CertInfo(subject="CN=other", pinned=True, matches_host=False, days_left=-1)
    assert plain.encryption(TlsInfo("implicit", "TLSv1.2", "x", pinned)) == (
        "Encrypted with TLS 1.2; the certificate is accepted by the fingerprint trusted for this server "
        "(though made out for other names), expired."
    )
    assert plain.greeting(Reply(220, ("mail.example ESMTP Postfix (Debian/GNU) ready",))) == (
        "The server is ready (mail.example ESMTP Postfix (Debian/GNU))."
    )
    assert plain.signed_in("PLAIN", encrypted=False) == "Signed in with PLAIN, without encryption (as allowed)."
    assert plain.message_sent(1, "utf-8", []) == "The server accepted the test message (1 byte)."


def test_a_refused_sign_in_in_plain_words() -> None:
    assert plain.sign_in_refused(535, "5.7.8 Authentication credentials invalid", "PLAIN") == (
        "The server rejected the Login ID or password."
    )
    assert plain.sign_in_refused(535, "5.7.3 Authentication unsuccessful", "XOAUTH2") == (
        "The server rejected the OAuth 2.0 token for this mailbox."
    )
    assert "turned off" in plain.sign_in_refused(535, "5.7.139 Authentication unsuccessful", "LOGIN")
    assert "no longer accepts a password" in plain.sign_in_refused(
        535, "5.7.30 Basic authentication is not supported", "LOGIN"
    )
    assert plain.sign_in_refused(504, "Unrecognized authentication type", "CRAM-MD5") == (
        "The server does not accept this sign-in method."
    )
    assert plain.sign_in_refused(550, "no", "LOGIN") == "The server refused the sign-in with LOGIN."

"""TLS contexts, certificate facts and handshake errors in the user's terms.

Verification is always on: :func:`verifying_context` is the only context used for a session
that may carry credentials. :func:`inspection_context` does not verify and exists for two
narrow purposes only, both on a connection that never sends a credential or a message
before the check below is done:

* fetching the server's certificate to *show* it after verification failed;
* the per-host pinned exception: the certificate's SHA-256 is compared with the one the user
  accepted for that host, and the session is aborted unless they are equal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ssl
import time
from typing import Any

from outmail_gui.probe import hints
from outmail_gui.probe.errors import CertificateProblem, ProbeFailure, ProtocolViolation
from outmail_gui.probe.report import CertInfo, TlsInfo

# X509_V_ERR_* codes we explain specifically.
V_ERR_CERT_NOT_YET_VALID = 9
V_ERR_CERT_HAS_EXPIRED = 10
V_ERR_HOSTNAME_MISMATCH = 62
V_ERR_IP_ADDRESS_MISMATCH = 64

_PLAIN_TEXT_REASONS = {
    "WRONG_VERSION_NUMBER",
    "RECORD_LAYER_FAILURE",
    "PACKET_LENGTH_TOO_LONG",
    "UNKNOWN_PROTOCOL",
    "HTTP_REQUEST",
    "UNEXPECTED_RECORD",
}
_OLD_VERSION_REASONS = {
    "UNSUPPORTED_PROTOCOL",
    "TLSV1_ALERT_PROTOCOL_VERSION",
    "NO_PROTOCOLS_AVAILABLE",
    "VERSION_TOO_LOW",
    "TLSV1_ALERT_INSUFFICIENT_SECURITY",
}


def verifying_context(ca_file: str | None) -> ssl.SSLContext:
    """The system trust store, or only ``ca_file`` when one is given; host names checked."""
    try:
        return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    except (OSError, ssl.SSLError) as exc:
        raise ProbeFailure(
            f"The CA file {ca_file!r} cannot be used: {getattr(exc, 'strerror', None) or exc}.",
            "Give a readable PEM file with the issuing CA certificate(s).",
            None,
        ) from None


def inspection_context() -> ssl.SSLContext:
    """No verification: only to read a certificate (see the module docstring for the two uses)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def normalize_fingerprint(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).lower()


def format_fingerprint(digest: bytes) -> str:
    return ":".join(f"{b:02X}" for b in digest)


def tls_info(sock: ssl.SSLSocket, mode: str, verified: bool) -> TlsInfo:
    cipher = sock.cipher()
    der = sock.getpeercert(binary_form=True)
    cert = None
    if der:
        parsed = sock.getpeercert() if verified else None
        cert = cert_from_dict(dict(parsed), der) if parsed else cert_from_der(der)
        cert.verified = verified
    return TlsInfo(mode=mode, version=sock.version() or "", cipher=cipher[0] if cipher else "", certificate=cert)


_SHORT_NAMES = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
}


def _name(rdns: Any) -> str:
    parts = []
    for rdn in rdns or ():
        for key, value in rdn:
            short = _SHORT_NAMES.get(key, key)
            parts.append(f"{short}={value}")
    return ", ".join(parts)


def _days_left(expiry: dt.datetime) -> int:
    return int((expiry.timestamp() - time.time()) // 86400)


def cert_from_dict(info: dict[str, Any], der: bytes) -> CertInfo:
    """Certificate facts from ``getpeercert()`` (cheap; available once verification passed)."""
    expiry = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(info["notAfter"]), dt.UTC)
    return CertInfo(
        subject=_name(info.get("subject")),
        sans=[value for _kind, value in info.get("subjectAltName", ())],
        issuer=_name(info.get("issuer")),
        not_after=expiry.isoformat(),
        days_left=_days_left(expiry),
        sha256=format_fingerprint(hashlib.sha256(der).digest()),
    )


def cert_from_der(der: bytes) -> CertInfo:
    """Certificate facts from DER (for certificates that did not verify); cryptography is lazy."""
    from cryptography import x509

    sha = format_fingerprint(hashlib.sha256(der).digest())
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return CertInfo(subject="(unreadable certificate)", sha256=sha)
    sans: list[str] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = [str(v) for v in ext.get_values_for_type(x509.DNSName)]
        sans += [str(v) for v in ext.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    expiry = cert.not_valid_after_utc
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        sans=sans,
        issuer=cert.issuer.rfc4514_string(),
        not_after=expiry.isoformat(),
        days_left=_days_left(expiry),
        sha256=sha,
    )


def explain_handshake_error(exc: BaseException, host: str, port: int, implicit: bool) -> ProbeFailure:
    """A failed handshake as a :class:`ProbeFailure` (certificate problems as CertificateProblem)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = exc.verify_code
        why = exc.verify_message or str(exc)
        if code == V_ERR_CERT_HAS_EXPIRED:
            return CertificateProblem("The server's certificate has expired.", verify_code=code)
        if code in (V_ERR_HOSTNAME_MISMATCH, V_ERR_IP_ADDRESS_MISMATCH):
            return CertificateProblem(f"The server's certificate does not match {host}: {why}.", verify_code=code)
        if code == V_ERR_CERT_NOT_YET_VALID:
            return CertificateProblem(
                "The server's certificate is not valid yet.",
                "Check this workstation's clock and date; otherwise the server's certificate is wrong.",
                verify_code=code,
            )
        hint = hints.certificate_untrusted()
        return CertificateProblem(
            f"The server's certificate is not trusted: {why}.", hint.text, hint.field, verify_code=code
        )
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or ""
        if reason in _PLAIN_TEXT_REASONS:
            if implicit:
                hint = hints.plain_greeting_on_tls_port(port)
                return ProbeFailure(
                    f"The server answered in plain text instead of TLS ({reason.lower().replace('_', ' ')}).",
                    hint.text,
                    hint.field,
                )
            return ProtocolViolation(
                "The server sent plain-text bytes after agreeing to STARTTLS, before the TLS handshake: "
                "a protocol violation (possibly an attack); the test was aborted."
            )
        if reason in _OLD_VERSION_REASONS:
            hint = hints.tls_version_too_old()
            return ProbeFailure(
                f"No common TLS version: the server offers only an outdated one ({reason.lower()}).",
                hint.text,
                hint.field,
            )
        return ProbeFailure(f"The TLS handshake failed: {reason.lower().replace('_', ' ') or exc}.")
    if isinstance(exc, ConnectionError | EOFError):
        return ProbeFailure(
            "The server closed the connection during the TLS handshake.",
            "The server may not support TLS on this port, or may refuse this workstation's TLS versions.",
            "port",
        )
    return ProbeFailure(f"The TLS handshake failed: {exc}.")

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

import hashlib
import os
import re
import ssl
import sys
import time

from outmail_gui.probe import hints
from outmail_gui.probe.errors import CertificateProblem, ProbeFailure, ProtocolViolation
from outmail_gui.probe.report import CertInfo, TlsInfo

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    from typing import Any

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
    """No verification: only to read a certificate (see the module docstring for the two uses).

    What ``ssl.create_default_context()`` builds, without the system CA store it would load for
    nothing (about 20 ms): nothing is verified against it.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    keylog = os.environ.get("SSLKEYLOGFILE")  # as create_default_context() does, for debugging with Wireshark
    if keylog and not sys.flags.ignore_environment:
        ctx.keylog_filename = keylog
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


def _days_left(expiry_timestamp: float) -> int:
    return int((expiry_timestamp - time.time()) // 86400)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CERT_TIME = re.compile(r"([A-Z][a-z][a-z]) ([ 0-9][0-9]) ([0-9][0-9]):([0-9][0-9]):([0-9][0-9]) ([0-9]{4}) GMT")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_since_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def cert_expiry(not_after: str) -> tuple[str, float]:
    """``getpeercert()``'s ``notAfter`` (``Jan  5 09:34:43 2030 GMT``) as ISO 8601 UTC and a timestamp.

    The usual form is parsed here: ``ssl.cert_time_to_seconds()`` plus ``datetime`` load
    ``_strptime``, ``calendar`` and ``datetime``, 2-3 ms of every test from the command line.
    Anything else (leap seconds, years outside 1970-9999...) takes that standard way, so the
    results are the same.
    """
    match = _CERT_TIME.fullmatch(not_after)
    if match and match.group(1) in _MONTHS:
        month = _MONTHS.index(match.group(1)) + 1
        day, hour, minute, second, year = (int(match.group(i)) for i in (2, 3, 4, 5, 6))
        valid_day = 1970 <= year <= 9999 and 1 <= day <= _days_in_month(year, month)
        if valid_day and hour < 24 and minute < 60 and second < 60:
            timestamp = _days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
            iso = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}+00:00"
            return iso, float(timestamp)
    import datetime as dt

    expiry = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)
    return expiry.isoformat(), expiry.timestamp()


def cert_from_dict(info: dict[str, Any], der: bytes) -> CertInfo:
    """Certificate facts from ``getpeercert()`` (cheap; available once verification passed)."""
    not_after, expiry = cert_expiry(info["notAfter"])
    return CertInfo(
        subject=_name(info.get("subject")),
        sans=[value for _kind, value in info.get("subjectAltName", ())],
        issuer=_name(info.get("issuer")),
        not_after=not_after,
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
        days_left=_days_left(expiry.timestamp()),
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

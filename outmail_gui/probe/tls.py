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
import os
import socket
import ssl
import sys
from typing import TYPE_CHECKING, Any

from outmail_gui.probe import hints, plain
from outmail_gui.probe.errors import CertificateProblem, ProbeFailure, ProtocolViolation
from outmail_gui.probe.report import CertInfo, TlsInfo

if TYPE_CHECKING:
    from collections.abc import Iterable

# X509_V_ERR_* codes we explain specifically.
V_ERR_CERT_NOT_YET_VALID = 9
V_ERR_CERT_HAS_EXPIRED = 10
V_ERR_HOSTNAME_MISMATCH = 62
V_ERR_IP_ADDRESS_MISMATCH = 64

PLAIN_TEXT_REASONS = {
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
    # TLS 1.0/1.1 sign the handshake with MD5+SHA-1; some OpenSSL builds stop there instead.
    "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED",
}


def verifying_context(ca_file: str | None) -> ssl.SSLContext:
    """The system trust store, or only ``ca_file`` when one is given; host names checked."""
    try:
        return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    except (OSError, ssl.SSLError) as exc:
        hint = hints.ca_file_unusable()
        raise ProbeFailure(
            f"The CA file {ca_file!r} cannot be used: {getattr(exc, 'strerror', None) or exc}.", hint.text, hint.field
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


def tls_info(sock: ssl.SSLSocket, mode: str, verified: bool, host: str = "") -> TlsInfo:
    """The session's facts. ``host`` (A-label or address) is checked against an unverified certificate's
    names, as a verifying client would have checked them; a verified certificate matched it already."""
    cipher = sock.cipher()
    der = sock.getpeercert(binary_form=True)
    cert = None
    if der:
        parsed = sock.getpeercert() if verified else None
        cert = cert_from_dict(dict(parsed), der) if parsed else cert_from_der(der, host)
        cert.verified = verified
        if verified:
            cert.matches_host = True
    return TlsInfo(mode=mode, version=sock.version() or "", cipher=cipher[0] if cipher else "", certificate=cert)


# OpenSSL's long names (as ``getpeercert()`` gives them) shown by their usual short forms.
_SHORT_NAMES = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}
# The same attribute types by OID, for certificates read with cryptography (unverified ones): OpenSSL's
# long name for each, so both ways give the same text. Unknown types show as their dotted OID.
_OID_LONG_NAMES = {
    "2.5.4.3": "commonName",
    "2.5.4.4": "surname",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "countryName",
    "2.5.4.7": "localityName",
    "2.5.4.8": "stateOrProvinceName",
    "2.5.4.9": "streetAddress",
    "2.5.4.10": "organizationName",
    "2.5.4.11": "organizationalUnitName",
    "2.5.4.12": "title",
    "2.5.4.15": "businessCategory",
    "2.5.4.17": "postalCode",
    "2.5.4.42": "givenName",
    "2.5.4.97": "organizationIdentifier",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.1": "userId",
    "0.9.2342.19200300.100.1.25": "domainComponent",
    "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionLocalityName",
    "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionStateOrProvinceName",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
}


def format_name(attributes: Iterable[tuple[str, str]]) -> str:
    """A certificate subject or issuer as shown everywhere: ``C=DE, O=Example, CN=mail.example.com``.

    ``attributes`` are (OpenSSL long name, value) pairs in the certificate's order (most significant
    first, as ``getpeercert()`` lists them); verified and unverified certificates both go through here.
    """
    return ", ".join(f"{_SHORT_NAMES.get(key, key)}={value}" for key, value in attributes)


def _rdn_pairs(rdns: Any) -> list[tuple[str, str]]:
    return [(key, value) for rdn in rdns or () for key, value in rdn]


def normalize_ip(text: str) -> str | None:
    """An IP address in its usual text form (IPv6 compressed, lower case), or None if ``text`` is none.

    ``getpeercert()`` writes IPv6 SANs in full (``0:0:0:0:0:0:0:1``); cryptography compresses them.
    """
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return socket.inet_ntop(family, socket.inet_pton(family, text.strip()))
        except (OSError, ValueError):
            continue
    return None


def _san_names(entries: Iterable[tuple[str, str]]) -> list[str]:
    """DNS and IP SANs in the certificate's order (other kinds, e-mail or URI, name no host)."""
    names: list[str] = []
    for kind, value in entries:
        if kind == "DNS":
            names.append(value)
        elif kind == "IP Address":
            names.append(normalize_ip(value) or value.strip())
    return names


def _dns_name_matches(pattern: str, host: str) -> bool:
    """RFC 6125 as OpenSSL checks it for Python (no partial wildcards): ``*`` only as the whole
    leftmost label of a name with at least three labels, matching exactly one non-empty label."""
    pattern = pattern.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if pattern == host:
        return True
    if pattern.startswith("*.") and "*" not in pattern[2:] and pattern.count(".") >= 2:
        first, _, rest = host.partition(".")
        return bool(first) and rest == pattern[2:]
    return False


def host_matches(host: str, dns_names: list[str], ip_names: list[str], common_names: list[str]) -> bool:
    """Whether a certificate names ``host`` (A-label form or an address) as Python's verifying client
    checks it: an address against IP SANs only; a name against DNS SANs, or the subject's common name
    when there is no DNS SAN. Used for certificates that failed verification for another reason."""
    address = normalize_ip(host)
    if address is not None:
        return any(normalize_ip(ip) == address for ip in ip_names)
    return any(_dns_name_matches(pattern, host) for pattern in (dns_names or common_names))


def _days_left(expiry: dt.datetime) -> int:
    return (expiry - dt.datetime.now(dt.UTC)) // dt.timedelta(days=1)


def cert_expiry(not_after: str) -> dt.datetime:
    """``getpeercert()``'s ``notAfter`` (``Jan  5 09:34:43 2030 GMT``) as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)


def cert_from_dict(info: dict[str, Any], der: bytes) -> CertInfo:
    """Certificate facts from ``getpeercert()`` (cheap; available once verification passed)."""
    expiry = cert_expiry(info["notAfter"])
    return CertInfo(
        subject=format_name(_rdn_pairs(info.get("subject"))),
        sans=_san_names(info.get("subjectAltName", ())),
        issuer=format_name(_rdn_pairs(info.get("issuer"))),
        not_after=expiry.isoformat(),
        days_left=_days_left(expiry),
        sha256=format_fingerprint(hashlib.sha256(der).digest()),
    )


def cert_from_der(der: bytes, host: str = "") -> CertInfo:
    """Certificate facts from DER (for certificates that did not verify); cryptography is lazy.

    Shown exactly as :func:`cert_from_dict` shows a verified one. With ``host``, ``matches_host``
    tells whether the certificate names it (see :func:`host_matches`).
    """
    from cryptography import x509

    sha = format_fingerprint(hashlib.sha256(der).digest())
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return CertInfo(subject="(unreadable certificate)", sha256=sha)

    def pairs(name: x509.Name) -> list[tuple[str, str]]:
        return [
            (_OID_LONG_NAMES.get(attr.oid.dotted_string, attr.oid.dotted_string), str(attr.value))
            for rdn in name.rdns
            for attr in rdn
        ]

    entries: list[tuple[str, str]] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        for general_name in ext:
            if isinstance(general_name, x509.DNSName):
                entries.append(("DNS", general_name.value))
            elif isinstance(general_name, x509.IPAddress):
                entries.append(("IP Address", str(general_name.value)))
    except x509.ExtensionNotFound:
        pass
    except ValueError:  # a malformed extension: show the rest
        pass
    expiry = cert.not_valid_after_utc
    info = CertInfo(
        subject=format_name(pairs(cert.subject)),
        sans=_san_names(entries),
        issuer=format_name(pairs(cert.issuer)),
        not_after=expiry.isoformat(),
        days_left=_days_left(expiry),
        sha256=sha,
    )
    if host:
        dns = [value for kind, value in entries if kind == "DNS"]
        ips = [value for kind, value in entries if kind == "IP Address"]
        common = [str(a.value) for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
        info.matches_host = host_matches(host, dns, ips, common)
    return info


def _reason_from_text(text: str) -> str:
    """OpenSSL's reason code from ``[SSL] legacy sigalg disallowed (_ssl.c:992)`` when ``reason`` is unset
    (Python builds differ in whether they fill it)."""
    start = text.find("] ")
    end = text.rfind(" (_ssl")
    if start < 0 or end <= start:
        return ""
    return text[start + 2 : end].strip().upper().replace(" ", "_")


def explain_handshake_error(exc: BaseException, host: str, port: int, implicit: bool) -> ProbeFailure:
    """A failed handshake as a :class:`ProbeFailure` (certificate problems as CertificateProblem)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = exc.verify_code
        why = exc.verify_message or str(exc)
        if code == V_ERR_CERT_HAS_EXPIRED:
            return CertificateProblem(
                "The server's certificate has expired.", verify_code=code, summary=plain.certificate_expired()
            )
        if code in (V_ERR_HOSTNAME_MISMATCH, V_ERR_IP_ADDRESS_MISMATCH):
            return CertificateProblem(
                f"The server's certificate does not match {host}: {why}.",
                verify_code=code,
                summary=plain.certificate_other_name(),
            )
        if code == V_ERR_CERT_NOT_YET_VALID:
            hint = hints.certificate_not_yet_valid()
            return CertificateProblem(
                "The server's certificate is not valid yet.", hint.text, hint.field, verify_code=code
            )
        hint = hints.certificate_untrusted()
        return CertificateProblem(
            f"The server's certificate is not trusted: {why}.",
            hint.text,
            hint.field,
            verify_code=code,
            summary=plain.certificate_untrusted(),
        )
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or _reason_from_text(str(exc))
        if reason in PLAIN_TEXT_REASONS:
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
        hint = hints.tls_closed()
        return ProbeFailure("The server closed the connection during the TLS handshake.", hint.text, hint.field)
    return ProbeFailure(f"The TLS handshake failed: {exc}.")

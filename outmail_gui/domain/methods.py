"""The protocol and authentication-method enums, apart from the settings record.

Kept in their own small module (no dataclasses, no uuid, no typing at run time) so the
connection test's command-line path can use them without loading the whole settings
model; :mod:`outmail_gui.domain.settings` re-exports them, so both names are the same class.
"""

from __future__ import annotations

import enum


class Protocol(enum.StrEnum):
    SMTP = "smtp"
    MAPI = "mapi"

    @property
    def label(self) -> str:
        return self.value.upper()


class AuthMethod(enum.StrEnum):
    """Explicit SMTP authentication methods, strongest first (the order auto-select prefers).

    Values are the SASL mechanism names; labels are the product documentation's names.
    """

    XOAUTH2 = "XOAUTH2"
    GSSAPI = "GSSAPI"
    NTLM = "NTLM"
    DIGEST_MD5 = "DIGEST-MD5"
    CRAM_MD5 = "CRAM-MD5"
    MSN = "MSN"
    PLAIN = "PLAIN"
    LOGIN = "LOGIN"

    @property
    def label(self) -> str:
        return _AUTH_LABELS[self]

    @property
    def field_name(self) -> str:
        """Stable identifier for UI object names and JSON (``auth_method_cram_md5``)."""
        return "auth_method_" + self.value.lower().replace("-", "_")

    @classmethod
    def parse(cls, text: str) -> AuthMethod:
        """Accept a mechanism name or a documentation label, case-insensitively."""
        key = text.strip().upper()
        for method in cls:
            if key in (method.value, method.label.upper(), method.name):
                return method
        aliases = {"SPA": cls.NTLM, "OAUTH2": cls.XOAUTH2, "KERBEROS": cls.GSSAPI, "GSS": cls.GSSAPI}
        if key in aliases:
            return aliases[key]
        raise ValueError(f"unknown authentication method {text.strip()!r}")


_AUTH_LABELS: dict[AuthMethod, str] = {
    AuthMethod.LOGIN: "Login",
    AuthMethod.PLAIN: "Plain",
    AuthMethod.CRAM_MD5: "CRAM-MD5",
    AuthMethod.DIGEST_MD5: "Digest-MD5",
    AuthMethod.NTLM: "NTLM (SPA)",
    AuthMethod.MSN: "MSN",
    AuthMethod.GSSAPI: "GSS (Kerberos)",
    AuthMethod.XOAUTH2: "OAuth 2.0",
}

# Order in which the form lists the methods (the documentation's order).
AUTH_METHODS_DISPLAY_ORDER: tuple[AuthMethod, ...] = (
    AuthMethod.LOGIN,
    AuthMethod.PLAIN,
    AuthMethod.CRAM_MD5,
    AuthMethod.DIGEST_MD5,
    AuthMethod.NTLM,
    AuthMethod.MSN,
    AuthMethod.GSSAPI,
    AuthMethod.XOAUTH2,
)

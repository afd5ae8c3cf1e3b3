"""Which TLS Use SSL means on a port: one rule for the engine and the form (a light module: the
probe command imports it on every run)."""

from __future__ import annotations

IMPLICIT_TLS_PORT = 465


def uses_implicit_tls(port: int) -> bool:
    """Use SSL's TLS mode, decided here for the engine and the form: implicit TLS (encrypted from
    the first byte) on port 465, STARTTLS (plain greeting, then encrypted) on any other port."""
    return port == IMPLICIT_TLS_PORT


def tls_mode_text(port: int) -> str:
    """What Use SSL does on ``port``, in the form's words."""
    if uses_implicit_tls(port):
        return f"Implicit TLS on port {port}: encrypted from the first byte."
    return f"STARTTLS on port {port}: the server greets in plain text, then the connection is encrypted."

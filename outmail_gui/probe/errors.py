"""Exceptions the engine raises internally; each one becomes a failed step with a hint."""

from __future__ import annotations


class ProbeFailure(Exception):
    """A step failed. ``message`` is what happened, ``hint`` what to change and ``field``
    the settings field concerned (the GUI highlights it)."""

    def __init__(self, message: str, hint: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field


class DeadlineExceeded(ProbeFailure):
    """The overall deadline of the test passed."""


class Cancelled(ProbeFailure):
    """The user pressed Cancel."""

    def __init__(self) -> None:
        super().__init__("The test was cancelled.")


class ConnectionLost(ProbeFailure):
    """The server closed the connection."""


class ProtocolViolation(ProbeFailure):
    """The server broke SMTP: a non-numeric code, an overlong line, bytes injected after STARTTLS."""


class CertificateProblem(ProbeFailure):
    """The server's certificate could not be verified (expired, untrusted, wrong host)."""

    def __init__(self, message: str, hint: str = "", field: str | None = None, verify_code: int = 0) -> None:
        super().__init__(message, hint, field)
        self.verify_code = verify_code


class EndlessReply(ProtocolViolation):
    """A multi-line reply went on past the caps (line count or size)."""

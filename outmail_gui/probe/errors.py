"""Exceptions the engine raises internally; each one becomes a failed step with a hint."""

from __future__ import annotations


class ProbeFailure(Exception):
    """A step failed. ``message`` is what happened, ``hint`` what to change and ``field``
    the settings field concerned (the GUI highlights it); ``summary``, when the message speaks
    the protocol's words, says what happened in plain words (:mod:`outmail_gui.probe.plain`)."""

    def __init__(self, message: str, hint: str = "", field: str | None = None, *, summary: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field
        self.summary = summary


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

    def __init__(
        self, message: str, hint: str = "", field: str | None = None, verify_code: int = 0, *, summary: str = ""
    ) -> None:
        super().__init__(message, hint, field, summary=summary)
        self.verify_code = verify_code


class EndlessReply(ProtocolViolation):
    """A multi-line reply went on past the caps (line count or size)."""

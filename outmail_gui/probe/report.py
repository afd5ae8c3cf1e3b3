"""What a test found: steps, TLS and certificate facts, authentication, transcript.

Everything in a report has already been redacted by the engine; it is safe to print,
store or send to the GUI.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


def plural(count: int, noun: str, nouns: str = "") -> str:
    """``1 extension``, ``0 extensions``, ``2 bytes``: a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def days_left_text(days: int | None) -> str:
    """A certificate's remaining validity in words: ``1 day left``, ``0 days left``, ``expired``."""
    if days is None:
        return "expiry unknown"
    if days < 0:
        return "expired"
    return f"{plural(days, 'day')} left"


class StepStatus(enum.StrEnum):
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(slots=True)
class Step:
    """One stage of the test; ``on_step`` sees it when it starts and again when it ends.

    ``detail``: what happened in the protocol's words (the report, administrators); ``summary``: a
    passed step in plain words for helpdesk staff (:mod:`outmail_gui.probe.plain`), "" where the
    detail says it plainly already.
    """

    name: str
    status: StepStatus = StepStatus.RUNNING
    detail: str = ""
    elapsed_ms: float = 0.0
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (StepStatus.PASSED, StepStatus.SKIPPED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "status": self.status.value,
            "detail": self.detail,
            "summary": self.summary or None,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


@dataclass(slots=True)
class CertInfo:
    """The server certificate as shown to the user (also when it did not verify)."""

    subject: str = ""
    sans: list[str] = field(default_factory=list)
    issuer: str = ""
    not_after: str = ""  # ISO 8601, UTC
    days_left: int | None = None
    sha256: str = ""  # upper-case hex pairs joined by ':'
    verified: bool = False
    pinned: bool = False  # accepted only because it matches the fingerprint pinned for the host
    # Whether the certificate names the host tested (its DNS/IP SANs, as a verifying client checks them):
    # True when verified; checked separately for an unverified one; None when unknown.
    matches_host: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class TlsInfo:
    """How the session was encrypted, if at all."""

    mode: str = ""  # "starttls", "implicit" or "" when no TLS was used
    version: str = ""
    cipher: str = ""
    certificate: CertInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode or None,
            "version": self.version or None,
            "cipher": self.cipher or None,
            "certificate": self.certificate.to_dict() if self.certificate else None,
        }


@dataclass(slots=True)
class AuthInfo:
    """What the server offered for AUTH, what was chosen and why."""

    offered: list[str] = field(default_factory=list)
    mechanism: str | None = None
    reason: str = ""
    unavailable: dict[str, str] = field(default_factory=dict)  # mechanism -> why not usable here
    attempts: int = 0  # AUTH commands that reached the server

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class MessageInfo:
    """How the test message (or the MAIL/RCPT dry run) was sent."""

    kind: str = ""  # "dry-run" or "message"
    transfer: str = ""  # "DATA" or "BDAT"
    transfer_reason: str = ""
    from_address: str = ""
    reply_to: str = ""
    receipt_requested: bool = False
    encoding: str = ""
    unencodable: list[str] = field(default_factory=list)
    size: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ProbeReport:
    """The whole result of one test; ``ok`` when every step passed or was skipped."""

    host: str
    port: int
    protocol: str = "smtp"
    security: str = ""
    steps: list[Step] = field(default_factory=list)
    hint: str = ""
    hint_field: str | None = None  # the settings field the hint concerns (the GUI highlights it)
    tls: TlsInfo = field(default_factory=TlsInfo)
    auth: AuthInfo = field(default_factory=AuthInfo)
    capabilities_before_tls: list[str] = field(default_factory=list)
    capabilities_after_tls: list[str] = field(default_factory=list)
    message: MessageInfo | None = None
    transcript: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(s.ok for s in self.steps) and bool(self.steps)

    @property
    def failed_step(self) -> Step | None:
        return next((s for s in self.steps if not s.ok), None)

    def to_dict(self) -> dict[str, Any]:
        failed = self.failed_step
        return {
            "ok": self.ok,
            "failed_step": failed.name if failed else None,
            "host": self.host,
            "port": self.port,
            "protocol": self.protocol,
            "security": self.security,
            "steps": [s.to_dict() for s in self.steps],
            "hint": self.hint or None,
            "hint_field": self.hint_field,
            "tls": self.tls.to_dict(),
            "auth": self.auth.to_dict(),
            "capabilities": {"before_tls": self.capabilities_before_tls, "after_tls": self.capabilities_after_tls},
            "message": self.message.to_dict() if self.message else None,
            "warnings": self.warnings,
            "cancelled": self.cancelled,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "transcript": self.transcript,
        }

    def to_json(self, indent: int | None = 2) -> str:
        import json  # only the --json path pays for it

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

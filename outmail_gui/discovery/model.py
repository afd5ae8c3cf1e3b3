"""What discovery is asked, what each source found, and each candidate as tested.

The JSON shapes (``to_dict``) are the command line's ``--json`` output, documented in the README.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Protocol

from outmail_gui.probe.request import Security

DEFAULT_TIMEOUT_S = 20.0


class Source(enum.StrEnum):
    """Where a candidate came from, in the order ranking trusts them (a named source before a guess)."""

    SRV = "srv"
    AUTOCONFIG = "autoconfig"
    PROVIDER = "provider"
    GUESS = "guess"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    Source.SRV: "DNS SRV records",
    Source.AUTOCONFIG: "Autoconfig file",
    Source.PROVIDER: "Known provider (MX)",
    Source.GUESS: "Guesses",
}
SECURITY_LABELS = {Security.IMPLICIT: "implicit TLS", Security.STARTTLS: "STARTTLS", Security.NONE: "no TLS"}


@dataclasses.dataclass(frozen=True, slots=True)
class DiscoveryRequest:
    """Everything discovery needs. ``dns_server`` (``IP[:PORT]``) replaces the system resolver;
    ``ca_file`` replaces the system's trusted CAs for SMTP and HTTPS alike (as ``probe --ca-file``).
    With ``login_id`` and a password or ``oauth_token``, the recommended candidate's AUTH is tried once."""

    target: str
    timeout_s: float = DEFAULT_TIMEOUT_S
    dns_server: str = ""
    ca_file: str | None = None
    login_id: str = ""
    password: str = dataclasses.field(default="", repr=False)
    oauth_token: str = dataclasses.field(default="", repr=False)

    @property
    def wants_sign_in(self) -> bool:
        return bool(self.login_id) and bool(self.password or self.oauth_token)


@dataclasses.dataclass(frozen=True, slots=True)
class Suggestion:
    """A server a source named (or a guess): probed as one candidate."""

    host: str
    port: int
    security: Security
    source: Source
    order: int = 0  # the source's own preference (SRV priority and weight, file order)
    addresses: tuple[str, ...] = ()  # already looked up (guesses); else looked up before the probe
    methods: tuple[str, ...] = ()  # SASL mechanisms the source says to use
    note: str = ""  # advice from the source (a provider's), shown with the candidate

    @property
    def key(self) -> tuple[str, int, Security]:
        return self.host.lower(), self.port, self.security


class StepState(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"


@dataclasses.dataclass(slots=True)
class SourceStep:
    """One source as the test panel shows a step: what it found and how long it took."""

    name: Source
    ok: bool = False
    detail: str = ""
    elapsed_ms: float = 0.0
    state: StepState = StepState.RUNNING

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name.value, "ok": self.ok, "detail": self.detail, "elapsed_ms": round(self.elapsed_ms, 1)}


@dataclasses.dataclass(slots=True)
class CandidateTls:
    version: str | None = None
    verified: bool = False
    problem: str | None = None
    sha256: str | None = None
    not_after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class CandidateState(enum.StrEnum):
    WAITING = "waiting"
    PROBING = "probing"
    DONE = "done"


@dataclasses.dataclass(slots=True)
class Candidate:
    """One server, port and security, as the engine found it."""

    server: str
    port: int
    security: Security
    source: Source
    order: int = 0
    reachable: bool = False
    tls: CandidateTls | None = None
    auth: list[str] = dataclasses.field(default_factory=list)
    xoauth2: bool = False
    problems: list[str] = dataclasses.field(default_factory=list)
    recommended: bool = False
    # Not in the JSON shape: progress, what the source advised, why it is not recommendable.
    state: CandidateState = CandidateState.WAITING
    elapsed_ms: float = 0.0
    note: str = ""
    advised: tuple[str, ...] = ()  # mechanisms the source says to use (a provider's OAuth 2.0)
    auth_only_without_tls: bool = False
    passed: bool = False  # every step of the probe passed
    addresses: tuple[str, ...] = ()  # as discovery's resolver found them (the sign-in check reuses them)

    @property
    def key(self) -> tuple[str, int, Security]:
        return self.server.lower(), self.port, self.security

    @property
    def recommendable(self) -> bool:
        """Never a candidate whose certificate fails verification or that offers AUTH only without TLS."""
        return (
            self.passed
            and self.reachable
            and self.security is not Security.NONE
            and self.tls is not None
            and self.tls.verified
            and not self.auth_only_without_tls
        )

    @property
    def security_label(self) -> str:
        return SECURITY_LABELS[self.security]

    def to_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "port": self.port,
            "security": self.security.value,
            "source": self.source.value,
            "reachable": self.reachable,
            "tls": self.tls.to_dict() if self.tls else None,
            "auth": list(self.auth),
            "xoauth2": self.xoauth2,
            "problems": list(self.problems),
            "recommended": self.recommended,
        }


@dataclasses.dataclass(slots=True)
class SignIn:
    """The optional sign-in check: one AUTH on the recommended candidate, as the connection test does it."""

    ok: bool
    mechanism: str | None
    detail: str
    elapsed_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mechanism": self.mechanism,
            "detail": self.detail,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


@dataclasses.dataclass(slots=True)
class DiscoveryReport:
    target: str
    domain: str | None
    sources: list[SourceStep] = dataclasses.field(default_factory=list)
    candidates: list[Candidate] = dataclasses.field(default_factory=list)  # best first once finished
    sign_in: SignIn | None = None
    cancelled: bool = False
    error: str = ""  # discovery could not start (the window shows it; the command line exits 2 before)
    elapsed_ms: float = 0.0

    @property
    def recommended(self) -> Candidate | None:
        return next((c for c in self.candidates if c.recommended), None)

    def to_dict(self) -> dict[str, Any]:
        recommended = self.recommended
        data: dict[str, Any] = {
            "target": self.target,
            "domain": self.domain,
            "sources": [s.to_dict() for s in self.sources],
            "candidates": [c.to_dict() for c in self.candidates],
            "recommended": recommended.to_dict() if recommended else None,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
        if self.sign_in is not None:  # only when a sign-in check was asked for
            data["sign_in"] = self.sign_in.to_dict()
        return data


class Listener(Protocol):
    """Told of progress, from discovery's own threads (a GUI forwards it to its thread with signals).

    Each call gets a copy: the listener may keep it.
    """

    def source_changed(self, step: SourceStep) -> None: ...

    def candidate_changed(self, candidate: Candidate) -> None: ...

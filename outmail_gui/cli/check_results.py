"""What ``check`` found: per server the test, the certificate and OAuth 2.0 facts, and a status.

Statuses follow the monitoring plugins' convention (OK, WARNING, CRITICAL, UNKNOWN): a failed
test or token is CRITICAL; an expiry date within the warning days is WARNING, within the
critical days or past CRITICAL (the rule of :mod:`outmail_gui.domain.expiry`); routing
problems of the whole configuration (from :mod:`outmail_gui.domain.routing`) count too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from outmail_gui.domain.expiry import CERTIFICATE, CLIENT_SECRET, ExpiryState, expiry_sentence, expiry_state
from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.routing import ProblemKind, Route
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.history import HistoryEntry, Outcome
from outmail_gui.store.results import step_label


class Status(enum.IntEnum):
    """Ordered by severity; the value is the Nagios plugin exit code."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3

    @property
    def word(self) -> str:
        return self.name


_EXPIRY_STATUS = {
    ExpiryState.UNKNOWN: Status.OK,
    ExpiryState.OK: Status.OK,
    ExpiryState.SOON: Status.WARNING,
    ExpiryState.CRITICAL: Status.CRITICAL,
    ExpiryState.EXPIRED: Status.CRITICAL,
}
# Routing problems that say something about the configuration (the failed tests are reported per server).
_ROUTING_KINDS = frozenset(
    {
        ProblemKind.SEVERAL_ACTIVE,
        ProblemKind.NO_SERVER,
        ProblemKind.DEFAULT_INACTIVE,
        ProblemKind.PARTITION_INACTIVE,
        ProblemKind.SEVERAL_DEFAULTS,
        ProblemKind.UNKNOWN_PARTITION,
    }
)
_SEVERITY_STATUS = {Severity.ERROR: Status.CRITICAL, Severity.WARNING: Status.WARNING, Severity.NOTICE: Status.OK}


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    status: Status
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class Expiry:
    """A date that runs out (certificate, client secret) as the thresholds judge it."""

    expires: dt.date | dt.datetime | None
    state: ExpiryState
    days_left: int | None

    @property
    def timestamp(self) -> float | None:
        """Seconds since the epoch (a date runs out at the end of its day, UTC)."""
        if isinstance(self.expires, dt.datetime):
            return self.expires.timestamp()
        if isinstance(self.expires, dt.date):
            return dt.datetime.combine(self.expires + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "expires": self.expires.isoformat() if self.expires else None,
            "days_left": self.days_left,
            "state": self.state.value,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Thresholds:
    warn_days: int
    critical_days: int

    def judge(self, expires: dt.date | dt.datetime | None, now: dt.datetime) -> Expiry:
        state, days = expiry_state(expires, now, warn_days=self.warn_days, critical_days=self.critical_days)
        return Expiry(expires, state, days)


@dataclasses.dataclass(frozen=True, slots=True)
class ServerCheck:
    """One server's result. ``oauth`` is None for a server that does not use OAuth 2.0."""

    server: ServerSettings
    entry: HistoryEntry
    certificate: Expiry
    oauth: OAuthSettings | None
    client_secret: Expiry | None
    findings: tuple[Finding, ...]

    @property
    def status(self) -> Status:
        return max((f.status for f in self.findings), default=Status.OK)

    @property
    def passed(self) -> bool:
        return self.entry.outcome is Outcome.PASSED

    @property
    def token_ok(self) -> bool | None:
        """Whether a token could be had (refreshed when needed); None without OAuth 2.0."""
        if self.oauth is None:
            return None
        return self.entry.failed_step != "oauth"

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry
        oauth: dict[str, Any] | None = None
        if self.oauth is not None:
            oauth = {
                "grant_type": self.oauth.grant_type.value,
                "token_refresh_ok": self.token_ok,
                "client_secret": self.client_secret.to_dict() if self.client_secret else None,
            }
        return {
            "server": self.server.name,
            "id": self.server.id,
            "protocol": self.server.protocol.value,
            "host": self.server.server,
            "port": self.server.port,
            "status": self.status.word.lower(),
            "test": {
                "outcome": entry.outcome.value,
                "failed_step": entry.failed_step,
                "summary": entry.summary,
                "started_at": entry.started_at.isoformat(),
                "duration_seconds": entry.duration_ms / 1000,
            },
            "certificate": self.certificate.to_dict(),
            "oauth": oauth,
            "problems": [{"status": f.status.word.lower(), "message": f.message} for f in self.findings],
        }


def judge_server(
    server: ServerSettings,
    entry: HistoryEntry,
    oauth: OAuthSettings | None,
    thresholds: Thresholds,
    now: dt.datetime,
) -> ServerCheck:
    findings: list[Finding] = []
    if entry.outcome is Outcome.FAILED:
        where = step_label(entry.failed_step) if entry.failed_step else "start"
        findings.append(Finding(Status.CRITICAL, f"The connection test failed at {where}: {_detail(entry)}"))
    elif entry.outcome is Outcome.CANCELLED:
        findings.append(Finding(Status.UNKNOWN, "The connection test was cancelled before it finished."))
    certificate = thresholds.judge(entry.certificate_expires, now)
    findings += _expiry_finding(CERTIFICATE, certificate)
    secret = None
    if oauth is not None and oauth.grant_type.needs_client_secret:
        secret = thresholds.judge(oauth.client_secret_expires, now)
        findings += _expiry_finding(CLIENT_SECRET, secret)
    return ServerCheck(server, entry, certificate, oauth, secret, tuple(findings))


def _detail(entry: HistoryEntry) -> str:
    """The summary without the step's own label in front (the sentence names it already)."""
    label = f"{step_label(entry.failed_step)}: " if entry.failed_step else ""
    return entry.summary.removeprefix(label)


def _expiry_finding(what: str, expiry: Expiry) -> list[Finding]:
    if expiry.expires is None:
        return []
    text = expiry_sentence(what, expiry.expires, expiry.state, expiry.days_left)
    return [Finding(_EXPIRY_STATUS[expiry.state], text + ".")] if text else []


def routing_findings(routes: Iterable[Route]) -> list[Finding]:
    """The configuration's routing problems (several active servers, nothing sends, ...), once each."""
    seen: dict[str, Finding] = {}
    for route in routes:
        for problem in route.problems:
            if problem.kind in _ROUTING_KINDS and problem.message not in seen:
                seen[problem.message] = Finding(_SEVERITY_STATUS[problem.severity], problem.message)
    return list(seen.values())


@dataclasses.dataclass(frozen=True, slots=True)
class CheckRun:
    """Everything one ``check`` found, in the order the servers were named (else by name)."""

    checked_at: dt.datetime
    thresholds: Thresholds
    servers: Sequence[ServerCheck]
    routing: Sequence[Finding]

    @property
    def status(self) -> Status:
        statuses = [s.status for s in self.servers] + [f.status for f in self.routing]
        return max(statuses, default=Status.OK)

    def counts(self) -> Mapping[Status, int]:
        return {status: sum(1 for s in self.servers if s.status is status) for status in Status}

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.word.lower(),
            "checked_at": self.checked_at.isoformat(),
            "warn_days": self.thresholds.warn_days,
            "critical_days": self.thresholds.critical_days,
            "servers": [s.to_dict() for s in self.servers],
            "routing_problems": [{"status": f.status.word.lower(), "message": f.message} for f in self.routing],
        }

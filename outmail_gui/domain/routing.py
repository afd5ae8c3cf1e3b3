"""Who sends which email: the spec's routing rules in one plain-Python place.

An email from an entity in partition P goes through an active server assigned to P; if
there is none, through the Default Outgoing Email Server (if it is active); otherwise it
cannot be sent. Several active servers in P are allowed, but the system "simply selects
one": that is reported as a conflict. Inactive servers never send, the default included.

The "no partition" row follows the same rule with P = no partition (servers without one).
When Email IDs are not partitioned, the Partition field is hidden and ignored: every
server is a candidate for every email, and the table has only the "no partition" row.
Among several active servers the one shown is the first by name; the real choice is the
system's, which is why that case is a conflict to resolve.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.names import normalized_name, same_name
from outmail_gui.domain.partitions import partition_label
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import ServerSettings


class ProblemKind(enum.StrEnum):
    SEVERAL_ACTIVE = "several_active"  # the system "simply selects one"
    NO_SERVER = "no_server"  # no active server in the partition and no default
    DEFAULT_INACTIVE = "default_inactive"  # the only fallback does not send
    PARTITION_INACTIVE = "partition_inactive"  # the partition's own servers are all inactive
    SEVERAL_DEFAULTS = "several_defaults"  # damaged data: the store allows only one
    LAST_TEST_FAILED = "last_test_failed"
    EXPIRING = "expiring"  # the server's certificate or OAuth 2.0 client secret runs out soon
    UNKNOWN_PARTITION = "unknown_partition"  # servers name a partition that does not exist
    ANALYST_WITHOUT_ADDRESS = "analyst_without_address"
    NO_FROM = "no_from"


@dataclasses.dataclass(frozen=True, slots=True)
class RouteProblem:
    kind: ProblemKind
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "severity": self.severity.value, "message": self.message}


@dataclasses.dataclass(frozen=True, slots=True)
class Headers:
    """The From and Reply-To an email would carry; ``reply_to`` is ``None`` when not set.

    ``replies_go_to`` is where a recipient's reply lands (Reply-To if set, else From).
    """

    from_: str | None
    reply_to: str | None
    problems: tuple[RouteProblem, ...] = ()

    @property
    def replies_go_to(self) -> str | None:
        return self.reply_to or self.from_


ANALYST_OPTIONS: tuple[tuple[str, str], ...] = (
    ("sent_from_analyst", "Sent From Analyst"),
    ("reply_to_forwarding_analyst", "Reply to Forwarding Analyst"),
)


def analyst_options_without_fallback(server: ServerSettings) -> tuple[str, ...]:
    """Labels of the analyst options that are on while there is no Outgoing Email ID.

    Such a server can only form its From/Reply-To with the triggering analyst's address:
    without one there is nothing to fall back on (the rules allow it: the spec lets From be
    the analyst's address). A connection test that sends a message needs that address.
    """
    if server.outgoing_email_id.strip():
        return ()
    return tuple(label for field, label in ANALYST_OPTIONS if getattr(server, field))


def headers_for(server: ServerSettings, analyst: Analyst | None) -> Headers:
    """From and Reply-To of an email ``server`` sends for ``analyst`` (``None``: unknown analyst).

    From is the Outgoing Email ID unless Sent From Analyst is on (then the analyst's
    address). Replies go to the analyst when Reply to Forwarding Analyst is on, otherwise
    to the Outgoing Email ID (the spec: "If this option is cleared, the To field displays
    the email address specified in the Outgoing Email ID field"), so when From is the
    analyst and the option is off, Reply-To carries the Outgoing Email ID. An option that
    needs the analyst's address falls back to the Outgoing Email ID, with a problem; when
    there is no Outgoing Email ID either, the problem says so (never a fallback to nothing).
    """
    outgoing = server.outgoing_email_id.strip() or None
    mailbox = analyst.mailbox if analyst else None
    who = f"analyst {analyst.login!r} has no email address" if analyst else "no known analyst triggers the email"
    problems: list[RouteProblem] = []
    from_ = outgoing
    if server.sent_from_analyst and mailbox:
        from_ = mailbox
    elif server.sent_from_analyst and outgoing is not None:
        problems.append(
            RouteProblem(
                ProblemKind.ANALYST_WITHOUT_ADDRESS,
                Severity.WARNING,
                f"Sent From Analyst is on for {server.name!r}, but {who}: From falls back to the Outgoing Email ID.",
            )
        )
    elif server.sent_from_analyst:
        problems.append(
            RouteProblem(
                ProblemKind.NO_FROM,
                Severity.ERROR,
                f"Sent From Analyst is on for {server.name!r}, but {who} and there is no Outgoing Email ID "
                "to fall back on: the email would have no From address.",
            )
        )
    elif from_ is None:
        problems.append(
            RouteProblem(
                ProblemKind.NO_FROM,
                Severity.ERROR,
                f"Email from {server.name!r} would have no From address: it has no Outgoing Email ID.",
            )
        )
    reply_to = None
    if server.reply_to_forwarding_analyst:
        if mailbox:
            reply_to = mailbox
        else:
            fallback = (
                "replies go to the Outgoing Email ID."
                if outgoing is not None
                else "there is no Outgoing Email ID for replies to go to either."
            )
            problems.append(
                RouteProblem(
                    ProblemKind.ANALYST_WITHOUT_ADDRESS,
                    Severity.WARNING,
                    f"Reply to Forwarding Analyst is on for {server.name!r}, but {who}: {fallback}",
                )
            )
    if reply_to is None and outgoing is not None and from_ != outgoing:
        reply_to = outgoing
    return Headers(from_, reply_to, tuple(problems))


class RouteKind(enum.StrEnum):
    PARTITION = "partition"  # an active server assigned to the partition sends
    DEFAULT = "default"  # the Default Outgoing Email Server sends
    UNSENT = "unsent"  # nothing sends: the email cannot be sent


@dataclasses.dataclass(frozen=True, slots=True)
class Route:
    """The one outcome for a partition: which server sends (if any), why, and what is wrong."""

    partition: str | None
    kind: RouteKind
    server: ServerSettings | None
    reason: str
    problems: tuple[RouteProblem, ...] = ()
    candidates: tuple[ServerSettings, ...] = ()  # the active servers of the partition
    headers: Headers | None = None  # From/Reply-To for the analyst asked about; None if unsent

    @property
    def sends(self) -> bool:
        return self.server is not None

    @property
    def label(self) -> str:
        return partition_label(self.partition)

    @property
    def worst(self) -> Severity | None:
        """The most serious problem's severity (header problems included), or ``None``."""
        found = {p.severity for p in self.all_problems}
        return next((s for s in (Severity.ERROR, Severity.WARNING, Severity.NOTICE) if s in found), None)

    @property
    def all_problems(self) -> tuple[RouteProblem, ...]:
        return self.problems + (self.headers.problems if self.headers else ())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (server by id and name; no other settings)."""
        return {
            "partition": self.partition,
            "outcome": self.kind.value,
            "server_id": self.server.id if self.server else None,
            "server": self.server.name if self.server else None,
            "reason": self.reason,
            "candidates": [s.name for s in self.candidates],
            "from": self.headers.from_ if self.headers else None,
            "reply_to": self.headers.reply_to if self.headers else None,
            "problems": [p.to_dict() for p in self.all_problems],
        }


def outcome_text(route: Route, *, partitioning_enabled: bool) -> str:
    """The outcome in words for a table: which kind of server sends, or that nothing does.

    (``Route.kind`` stays the machine-readable value; "partition" would misread on the
    no-partition row.)
    """
    if route.kind is RouteKind.DEFAULT:
        return "default server"
    if route.kind is RouteKind.UNSENT:
        return "not sent"
    if not partitioning_enabled:
        return "active server"
    return "partition's server" if route.partition is not None else "server without partition"


def _by_name(servers: Iterable[ServerSettings]) -> list[ServerSettings]:
    return sorted(servers, key=lambda s: (normalized_name(s.name), s.id))


def _names(servers: Iterable[ServerSettings]) -> str:
    return ", ".join(repr(s.name) for s in servers)


def _in_partition(server: ServerSettings, partition: str | None, partitioning_enabled: bool) -> bool:
    if not partitioning_enabled:
        return True  # partitions do not apply: every server is a candidate for every email
    return same_name(server.partition, partition)


def _where(partition: str | None) -> str:
    return f"partition {partition!r}" if partition is not None else "no partition"


def resolve(
    partition: str | None,
    servers: Sequence[ServerSettings],
    analyst: Analyst | None = None,
    *,
    partitioning_enabled: bool = True,
    last_test_failed: Mapping[str, bool] | None = None,
    expiring: Mapping[str, str] | None = None,
) -> Route:
    """The route of an email from an entity in ``partition`` (``None``: no partition).

    ``last_test_failed`` maps server ids to whether their last connection test failed
    (servers missing from it were never tested); ``expiring`` maps server ids to what of
    theirs expires soon (:func:`outmail_gui.domain.oauth.expiry_flags`). ``analyst`` is who
    triggers the email; it only changes the headers, never the server.
    """
    where = _where(partition)
    assigned = _by_name(s for s in servers if _in_partition(s, partition, partitioning_enabled))
    active = tuple(s for s in assigned if s.active)
    problems: list[RouteProblem] = []
    server: ServerSettings | None
    if active:
        server = active[0]
        kind = RouteKind.PARTITION
        if len(active) == 1:
            reason = f"{server.name!r} is the active server for {where}."
        else:
            reason = f"{len(active)} active servers for {where}; the system simply selects one ({server.name!r} shown)."
            problems.append(
                RouteProblem(
                    ProblemKind.SEVERAL_ACTIVE,
                    Severity.WARNING,
                    f"{_names(active)} are all active for {where}; the system simply selects one. "
                    "Keep only one active email server per partition.",
                )
            )
    else:
        server, kind, reason = _fall_back(where, servers, problems)
        inactive = [s for s in assigned if not s.active]
        if inactive:
            problems.insert(
                0,
                RouteProblem(
                    ProblemKind.PARTITION_INACTIVE,
                    Severity.NOTICE if server else Severity.WARNING,
                    f"{_names(inactive)} {'is' if len(inactive) == 1 else 'are'} assigned to {where} but "
                    "inactive, and inactive servers do not send.",
                ),
            )
    failed = last_test_failed or {}
    for tried in active if active else ((server,) if server else ()):
        if failed.get(tried.id, False):
            problems.append(
                RouteProblem(
                    ProblemKind.LAST_TEST_FAILED,
                    Severity.WARNING,
                    f"The last connection test of {tried.name!r} failed.",
                )
            )
        note = (expiring or {}).get(tried.id)
        if note:
            problems.append(RouteProblem(ProblemKind.EXPIRING, Severity.WARNING, f"{tried.name!r}: {note}"))
    headers = headers_for(server, analyst) if server else None
    return Route(partition, kind, server, reason, tuple(problems), active, headers)


def _fall_back(
    where: str, servers: Sequence[ServerSettings], problems: list[RouteProblem]
) -> tuple[ServerSettings | None, RouteKind, str]:
    """No active server in the partition: the default server, if there is an active one."""
    defaults = _by_name(s for s in servers if s.is_default)
    if len(defaults) > 1:
        problems.append(
            RouteProblem(
                ProblemKind.SEVERAL_DEFAULTS,
                Severity.WARNING,
                f"{_names(defaults)} are all marked as Default Outgoing Email Server; only one may be.",
            )
        )
    live = [d for d in defaults if d.active]
    if live:
        chosen = live[0]
        return chosen, RouteKind.DEFAULT, f"No active server for {where}: the default server {chosen.name!r} sends."
    if defaults:
        problems.append(
            RouteProblem(
                ProblemKind.DEFAULT_INACTIVE,
                Severity.ERROR,
                f"The Default Outgoing Email Server {defaults[0].name!r} is inactive, so it does not send either.",
            )
        )
        return None, RouteKind.UNSENT, f"No active server for {where} and the default server is inactive."
    problems.append(
        RouteProblem(
            ProblemKind.NO_SERVER,
            Severity.ERROR,
            f"No active server for {where} and no Default Outgoing Email Server: this email cannot be sent.",
        )
    )
    return None, RouteKind.UNSENT, f"No active server for {where} and no default server."


def route_table(
    servers: Sequence[ServerSettings],
    partitions: Iterable[str],
    analyst: Analyst | None = None,
    *,
    partitioning_enabled: bool,
    last_test_failed: Mapping[str, bool] | None = None,
    expiring: Mapping[str, str] | None = None,
) -> list[Route]:
    """One route per partition (by name), then partitions only servers name, then no partition.

    A partition a server names but that does not exist (an old import, say) gets its own
    row with a problem, so no server silently vanishes from the table.
    """
    named: list[str] = []
    unknown: list[str] = []
    if partitioning_enabled:
        known = {normalized_name(p): p for p in partitions}
        named = sorted(known.values(), key=normalized_name)
        for s in servers:
            if s.partition is not None and normalized_name(s.partition) not in known:
                known[normalized_name(s.partition)] = s.partition
                unknown.append(s.partition)
        unknown.sort(key=normalized_name)
    keys: list[str | None] = [*named, *unknown, None]
    rows: list[Route] = []
    for key in keys:
        route = resolve(
            key,
            servers,
            analyst,
            partitioning_enabled=partitioning_enabled,
            last_test_failed=last_test_failed,
            expiring=expiring,
        )
        if key in unknown:
            missing = RouteProblem(
                ProblemKind.UNKNOWN_PARTITION,
                Severity.WARNING,
                f"Servers are assigned to partition {key!r}, which does not exist in Partition Settings.",
            )
            route = dataclasses.replace(route, problems=(missing, *route.problems))
        rows.append(route)
    return rows

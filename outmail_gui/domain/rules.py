"""The one validation module: the form, the importer and the CLI all ask it.

:func:`validate` never raises on any record; it returns field-level :class:`Issue` items.
Errors block saving; warnings and notices are shown but allow it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from outmail_gui.domain.addresses import address_problem, has_control_characters, host_problem, is_exchange_365
from outmail_gui.domain.encodings import is_known_encoding, unknown_encoding
from outmail_gui.domain.fingerprints import fingerprint_problem
from outmail_gui.domain.names import MAX_NAME_LENGTH as MAX_NAME_LENGTH
from outmail_gui.domain.names import name_problem, normalized_name, same_name
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.domain.shown import quoted

MAX_TIMEOUT_S = 3600
MAX_TEXT_LENGTH = 320  # longest valid e-mail address; generous for host names and logins


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Issue:
    field: str
    severity: Severity
    message: str

    @property
    def blocks_saving(self) -> bool:
        return self.severity is Severity.ERROR


class OtherServer(Protocol):
    """What the rules read of another server: a full record, or the store's narrow row of it."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def is_default(self) -> bool: ...
    @property
    def partition(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules need to know beyond the record itself."""

    others: Sequence[OtherServer] = ()
    """The servers the record is compared with (a unique name, the one default, one active server per
    partition): every other server, or only those that can clash with it (a store's save asks only for those)."""
    partitions_enabled: bool = False
    partitions: frozenset[str] | None = None  # None: not checked (no partition list known)
    mapi_mail_server_configured: bool = True
    unpartitioned_allowed: bool = True
    """Whether a server without a partition may be saved (a shared store's analyst login may need one)."""


MAPI_UNSUPPORTED = (
    "MAPI is no longer supported from version 10.5 (EOS). This legacy record stays readable; "
    "use Convert to SMTP to keep its settings on a supported protocol."
)
NEEDS_PARTITION = "Choose one of your partitions: your database login may not save a server without one."
NO_AUTHENTICATION = "No authentication will be used: no method is selected and automatic selection is off."
EXCHANGE_NEEDS_SSL = "Microsoft Exchange 365 requires Use SSL: this option must be selected for {host}."
MAPI_NEEDS_MAIL_SERVER = "The MAPI Mail Server must be configured before you can configure outgoing email for MAPI."


def exchange_needs_ssl(host: str) -> str:
    """:data:`EXCHANGE_NEEDS_SSL` for ``host``; a root dot (``smtp.office365.com.``) is left out of
    the sentence, so it never ends in two full stops."""
    return EXCHANGE_NEEDS_SSL.format(host=host.strip().rstrip(".") or host.strip())


def validate(record: ServerSettings, context: RuleContext | None = None) -> list[Issue]:
    ctx = context or RuleContext()
    issues: list[Issue] = []
    issues += _text_issues(record)
    bad_text = {i.field for i in issues}
    if "name" not in bad_text:
        issues += _name_issues(record, ctx.others)
    if "server" not in bad_text:
        problem = host_problem(record.server)
        if problem:
            issues.append(Issue("server", Severity.ERROR, problem))
    if not 1 <= record.port <= 65535:
        issues.append(Issue("port", Severity.ERROR, "Port Number must be between 1 and 65535."))
    if "outgoing_email_id" not in bad_text:
        issues += _from_issues(record)
    if record.is_smtp:
        issues += _smtp_issues(record)
    else:
        issues.append(Issue("protocol", Severity.WARNING, MAPI_UNSUPPORTED))
        problem = mapi_addition_problem(ctx.mapi_mail_server_configured) if record.revision == 0 else None
        if problem:
            issues.append(Issue("protocol", Severity.ERROR, problem))
    problem = fingerprint_problem(record.trusted_cert_sha256)
    if problem:
        issues.append(Issue("trusted_cert_sha256", Severity.ERROR, problem))
    issues += _routing_issues(record, ctx)
    return issues


def mapi_addition_problem(mapi_mail_server_configured: bool) -> str | None:
    """Why a new MAPI server may not be added, or ``None`` when it may (the documented rule:
    the MAPI Mail Server must be configured first). Saved MAPI records stay editable."""
    return None if mapi_mail_server_configured else MAPI_NEEDS_MAIL_SERVER


def errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.blocks_saving]


def _text_issues(record: ServerSettings) -> list[Issue]:
    out: list[Issue] = []
    for field in ("name", "server", "login_id", "outgoing_email_id", "pager_encoding", "partition"):
        value = getattr(record, field) or ""
        if has_control_characters(value):
            out.append(Issue(field, Severity.ERROR, "Line breaks and other control characters are not allowed here."))
        elif len(value) > MAX_TEXT_LENGTH:
            out.append(Issue(field, Severity.ERROR, f"This is longer than {MAX_TEXT_LENGTH} characters."))
    return out


def _name_issues(record: ServerSettings, others: Sequence[OtherServer]) -> list[Issue]:
    problem = name_problem(record.name, "the name", "Enter a name for this email server.")
    if problem:
        return [Issue("name", Severity.ERROR, problem)]
    key = normalized_name(record.name)
    for other in others:
        if other.id != record.id and normalized_name(other.name) == key:
            return [Issue("name", Severity.ERROR, f"The name must be unique: {other.name.strip()!r} already exists.")]
    return []


def _from_issues(record: ServerSettings) -> list[Issue]:
    if not record.outgoing_email_id.strip():
        if record.sent_from_analyst:
            return []
        return [
            Issue(
                "outgoing_email_id",
                Severity.ERROR,
                "Enter the address for the From field, or select Sent From Analyst.",
            )
        ]
    problem = address_problem(record.outgoing_email_id)
    return [Issue("outgoing_email_id", Severity.ERROR, problem)] if problem else []


def _smtp_issues(record: ServerSettings) -> list[Issue]:
    out: list[Issue] = []
    if not 1 <= record.connection_timeout_s <= MAX_TIMEOUT_S:
        out.append(
            Issue(
                "connection_timeout_s",
                Severity.ERROR,
                f"Connection Timeout must be a whole number of seconds from 1 to {MAX_TIMEOUT_S}.",
            )
        )
    if not record.use_ssl and is_exchange_365(record.server):
        out.append(Issue("use_ssl", Severity.ERROR, exchange_needs_ssl(record.server)))
    if not has_control_characters(record.pager_encoding) and not is_known_encoding(record.pager_encoding):
        out.append(Issue("pager_encoding", Severity.ERROR, unknown_encoding(record.pager_encoding)))
    if record.uses_no_authentication:
        out.append(Issue("auth_methods", Severity.NOTICE, NO_AUTHENTICATION))
    return out


def _routing_issues(record: ServerSettings, ctx: RuleContext) -> list[Issue]:
    out: list[Issue] = []
    if record.is_default:
        for other in ctx.others:
            if other.id != record.id and other.is_default:
                out.append(
                    Issue(
                        "is_default",
                        Severity.NOTICE,
                        f"Saving makes this the default outgoing server instead of {other.name!r}.",
                    )
                )
    if not record.partition and not ctx.unpartitioned_allowed:
        out.append(Issue("partition", Severity.ERROR, NEEDS_PARTITION))
    if record.partition:
        if ctx.partitions is not None and not any(same_name(record.partition, p) for p in ctx.partitions):
            out.append(Issue("partition", Severity.ERROR, f"There is no partition named {quoted(record.partition)}."))
        if record.active:
            rivals = [
                o.name
                for o in ctx.others
                if o.id != record.id and o.active and same_name(o.partition, record.partition)
            ]
            if rivals:
                out.append(
                    Issue(
                        "partition",
                        Severity.WARNING,
                        f"{', '.join(repr(r) for r in rivals)} also {'sends' if len(rivals) == 1 else 'send'} "
                        f"for partition {record.partition!r}; the system simply selects one. Keep only one "
                        "active email server per partition.",
                    )
                )
    return out

"""Analysts: who triggers an email, with which address, and which partitions they may use.

An analyst's address is what Sent From Analyst and Reply to Forwarding Analyst put into
the headers; the partitions they may access limit what the form's Partition list offers.
"""

from __future__ import annotations

import dataclasses
import email.utils
from collections.abc import Iterable

from outmail_gui.domain.addresses import address_problem, has_control_characters
from outmail_gui.domain.rules import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, Issue, Severity, normalized_name


@dataclasses.dataclass(frozen=True, slots=True)
class Analyst:
    """One analyst. ``login`` is the key (compared case-insensitively); ``email`` may be empty."""

    login: str
    display_name: str = ""
    email: str = ""
    partitions: frozenset[str] = frozenset()
    revision: int = 0

    @property
    def label(self) -> str:
        """Display name with login, for lists and previews."""
        name = self.display_name.strip()
        return f"{name} ({self.login})" if name and name != self.login else self.login

    @property
    def mailbox(self) -> str | None:
        """The analyst as a header mailbox (``Name <address>``), or ``None`` without an address."""
        address = self.email.strip()
        if not address:
            return None
        return email.utils.formataddr((self.display_name.strip(), address))

    def may_access(self, partition: str | None) -> bool:
        """Whether this analyst may use ``partition`` (no partition is open to everyone)."""
        if partition is None:
            return True
        key = normalized_name(partition)
        return any(normalized_name(p) == key for p in self.partitions)


def find_analyst(login: str, analysts: Iterable[Analyst]) -> Analyst | None:
    """The analyst whose login matches ``login`` case-insensitively, or ``None``."""
    key = normalized_name(login)
    return next((a for a in analysts if normalized_name(a.login) == key), None)


def analyst_issues(analyst: Analyst, others: Iterable[Analyst], *, renaming: str | None = None) -> list[Issue]:
    """Field-level problems of ``analyst`` (fields ``login``, ``display_name``, ``email``).

    ``others`` are the stored analysts; ``renaming`` is the login being edited, which may
    keep its own login.
    """
    out: list[Issue] = []
    login = analyst.login.strip()
    if not login:
        out.append(Issue("login", Severity.ERROR, "Enter the analyst's login name."))
    elif has_control_characters(analyst.login) or any(c.isspace() for c in login):
        out.append(Issue("login", Severity.ERROR, "A login name cannot contain spaces or control characters."))
    elif len(login) > MAX_NAME_LENGTH:
        out.append(Issue("login", Severity.ERROR, f"The login name is longer than {MAX_NAME_LENGTH} characters."))
    else:
        key = normalized_name(login)
        skip = normalized_name(renaming) if renaming is not None else None
        clash = next((o for o in others if normalized_name(o.login) == key and key != skip), None)
        if clash is not None:
            message = f"The login name must be unique: {clash.login!r} already exists."
            out.append(Issue("login", Severity.ERROR, message))
    if has_control_characters(analyst.display_name):
        out.append(Issue("display_name", Severity.ERROR, "Line breaks and control characters are not allowed here."))
    elif len(analyst.display_name) > MAX_TEXT_LENGTH:
        out.append(Issue("display_name", Severity.ERROR, f"This is longer than {MAX_TEXT_LENGTH} characters."))
    if analyst.email.strip():
        problem = address_problem(analyst.email)
        if problem:
            out.append(Issue("email", Severity.ERROR, problem))
    else:
        out.append(
            Issue(
                "email",
                Severity.WARNING,
                "Without an email address, servers with Sent From Analyst or Reply to Forwarding "
                "Analyst cannot use this analyst's address.",
            )
        )
    return out

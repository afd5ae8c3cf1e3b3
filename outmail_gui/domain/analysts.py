"""Analysts: who triggers an email, with which address, and which partitions they may use.

An analyst's address is what Sent From Analyst and Reply to Forwarding Analyst put into
the headers; the partitions they may access limit what the form's Partition list offers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from outmail_gui.domain.addresses import address_problem, has_control_characters
from outmail_gui.domain.names import name_problem, normalized_name, same_name
from outmail_gui.domain.rules import MAX_TEXT_LENGTH, Issue, Severity


@dataclasses.dataclass(frozen=True, slots=True)
class Analyst:
    """One analyst. ``login`` is the key (compared case-insensitively); ``email`` may be empty."""

    login: str
    display_name: str = ""
    email: str = ""
    partitions: frozenset[str] = frozenset()
    revision: int = 0
    unpartitioned: bool = False
    """Granted the servers without a partition: on a shared store the analyst's database login
    may change those too (row-level security); without it, only servers of ``partitions``."""

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
        from email.utils import formataddr  # here: email.utils (with socket) is not needed at start-up

        return formataddr((self.display_name.strip(), address))

    def may_access(self, partition: str | None) -> bool:
        """Whether this analyst may use ``partition`` (no partition is open to everyone)."""
        if partition is None:
            return True
        return any(same_name(p, partition) for p in self.partitions)


def find_analyst(login: str, analysts: Iterable[Analyst]) -> Analyst | None:
    """The analyst whose login is the same name as ``login`` (the one name rule), or ``None``."""
    return next((a for a in analysts if same_name(a.login, login)), None)


def analyst_issues(analyst: Analyst, others: Iterable[Analyst], *, renaming: str | None = None) -> list[Issue]:
    """Field-level problems of ``analyst`` (fields ``login``, ``display_name``, ``email``).

    ``others`` are the stored analysts; ``renaming`` is the login being edited, which may
    keep its own login.
    """
    out: list[Issue] = []
    login = analyst.login.strip()
    problem = name_problem(analyst.login, "the login name", "Enter the analyst's login name.")
    if problem is None and any(c.isspace() for c in login):
        problem = "A login name cannot contain spaces or control characters."
    if problem:
        out.append(Issue("login", Severity.ERROR, problem))
    else:
        key = normalized_name(login)
        clash = next((o for o in others if normalized_name(o.login) == key and not same_name(key, renaming)), None)
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

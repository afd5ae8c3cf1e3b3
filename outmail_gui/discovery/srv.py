"""DNS SRV records for mail submission: RFC 6186 (``_submission._tcp``, STARTTLS) and RFC 8314
(``_submissions._tcp``, implicit TLS, asked first as RFC 8314 prefers it)."""

from __future__ import annotations

import random
from typing import Any

from outmail_gui.discovery.lookup import Lookup, LookupProblem, target_text
from outmail_gui.discovery.model import Source, Suggestion
from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.request import Security

SERVICES = (("_submissions._tcp", Security.IMPLICIT), ("_submission._tcp", Security.STARTTLS))
MAX_TARGETS = 4  # per service: more is a misconfiguration, not more to try


def rfc2782_order(records: list[Any], rng: random.Random | None = None) -> list[Any]:
    """Lowest priority first; within one priority, RFC 2782's weighted random selection
    (a record of weight 0 has a small chance, heavier records proportionally more)."""
    rng = rng or random.Random()
    ordered: list[Any] = []
    for priority in sorted({r.priority for r in records}):
        group = sorted((r for r in records if r.priority == priority), key=lambda r: r.weight)
        while group:
            total = sum(r.weight for r in group)
            pick = rng.randint(0, total)
            running = 0
            for index, record in enumerate(group):
                running += record.weight
                if running >= pick:
                    ordered.append(group.pop(index))
                    break
    return ordered


def srv_suggestions(lookup: Lookup, domain: str, deadline: Deadline) -> tuple[list[Suggestion], list[str], bool]:
    """The servers the domain's SRV records name, what was found for each service, and whether
    anything usable was found (a ``"."`` target means: this service is not offered)."""
    found: list[Suggestion] = []
    lines: list[str] = []
    for service, security in SERVICES:
        name = f"{service}.{domain}"
        try:
            records = lookup.query(name, "SRV", deadline)
        except LookupProblem as problem:
            lines.append(problem.message if not problem.no_data else f"{name}: none")
            continue
        if len(records) == 1 and target_text(records[0].target) == ".":
            lines.append(f'{name}: "." (the domain says: no such service)')
            continue
        usable = [r for r in records if target_text(r.target) != "." and r.port > 0]
        ordered = rfc2782_order(usable)[:MAX_TARGETS]
        shown = []
        for record in ordered:
            host = target_text(record.target)
            found.append(Suggestion(host, int(record.port), security, Source.SRV, order=len(found)))
            shown.append(f"{host}:{record.port} (priority {record.priority}, weight {record.weight})")
        lines.append(f"{name}: {', '.join(shown) or 'no usable target'}")
    return found, lines, bool(found)

"""A finished connection test as its history row: outcome, one-line summary, certificate expiry.

Plain Python, shared by the window's single test, Test all's worker and the ``check`` command,
so the history says the same thing whoever ran the test. The probe engine is imported on
first use only (the window imports this module at start-up, for the Last test column).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outmail_gui.store.history import HistoryEntry, Outcome

if TYPE_CHECKING:
    from outmail_gui.probe.report import ProbeReport


def step_label(name: str) -> str:
    """A step's name as the report shows it (imports the probe package on first call)."""
    from outmail_gui.probe.render import step_label as label

    return label(name)


def outcome_of(report: ProbeReport) -> Outcome:
    if report.cancelled:
        return Outcome.CANCELLED
    return Outcome.PASSED if report.ok else Outcome.FAILED


def summary_of(report: ProbeReport) -> str:
    """One sentence for the history: what failed, or what a passing test established."""
    outcome = outcome_of(report)
    if outcome is Outcome.CANCELLED:
        return "Cancelled before it finished."
    failed = report.failed_step
    if failed is not None:
        return f"{step_label(failed.name)}: {failed.detail}" if failed.detail else f"{step_label(failed.name)} failed."
    facts = []
    if report.tls.version:
        facts.append(f"{report.tls.version} ({report.tls.mode})")
    else:
        facts.append("no encryption")
    if report.auth.mechanism:
        facts.append(f"login accepted with {report.auth.mechanism}")
    if report.message is not None and report.message.kind == "message":
        facts.append(f"test message accepted ({report.message.transfer})")
    return "Server reachable: " + ", ".join(facts) + "."


def certificate_expiry(report: ProbeReport) -> dt.datetime | None:
    """When the server's certificate expires (UTC), as the TLS step saw it (also an unverified one)."""
    certificate = report.tls.certificate
    if certificate is None or not certificate.not_after:
        return None
    try:
        moment = dt.datetime.fromisoformat(certificate.not_after)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def entry_for(server_id: str, report: ProbeReport, started_at: dt.datetime, *, unsaved: bool = False) -> HistoryEntry:
    """The history row for ``report``; ``unsaved`` notes that the form's unsaved values were tested."""
    failed = report.failed_step
    summary = summary_of(report)
    if unsaved:
        summary = "(unsaved settings) " + summary
    return HistoryEntry(
        server_id=server_id,
        started_at=started_at,
        outcome=outcome_of(report),
        summary=summary,
        duration_ms=round(report.elapsed_ms),
        failed_step=failed.name if failed is not None and not report.cancelled else None,
        certificate_expires=certificate_expiry(report),
    )


def not_started(server_id: str, step: str, summary: str) -> HistoryEntry:
    """The result of a test that could not start (keyring, OAuth 2.0 token): failed at ``step``."""
    return HistoryEntry(
        server_id=server_id,
        started_at=dt.datetime.now(dt.UTC),
        outcome=Outcome.FAILED,
        summary=summary,
        duration_ms=0,
        failed_step=step,
    )

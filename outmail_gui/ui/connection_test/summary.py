"""Words for a finished test: outcome, one-line summary, history entry, Last test text.

Plain Python (no Qt) so the panel, the test-all runner and the history view say the same
thing the same way. The window imports it at start-up for the Last test column: the probe
engine (``outmail_gui.probe``) is imported on first use only, in :func:`step_label`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outmail_gui.store.history import HistoryEntry, Outcome

if TYPE_CHECKING:
    from outmail_gui.probe.report import ProbeReport

OUTCOME_WORDS = {Outcome.PASSED: "Passed", Outcome.FAILED: "Failed", Outcome.CANCELLED: "Cancelled"}


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
    )


def last_test_text(entry: HistoryEntry, now: dt.datetime | None = None) -> str:
    """The Last test column: outcome word, failed step, local time (date when not today)."""
    local = entry.started_at.astimezone()
    today = (now or dt.datetime.now().astimezone()).date()
    when = local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
    word = OUTCOME_WORDS[entry.outcome]
    if entry.outcome is Outcome.FAILED and entry.failed_step:
        word += f" at {step_label(entry.failed_step)}"
    return f"{word} · {when}"


def result_headline(report: ProbeReport) -> str:
    """The overall result in the panel, in a helpdesk agent's words."""
    outcome = outcome_of(report)
    if outcome is Outcome.CANCELLED:
        return "Cancelled: the test was stopped before it finished. Nothing more was sent."
    if outcome is Outcome.PASSED:
        return f"Passed: {summary_of(report)}"
    failed = report.failed_step
    where = step_label(failed.name) if failed is not None else "start"
    return f"Failed at {where}: {failed.detail if failed is not None else 'the test did not start.'}"


def duration_text(milliseconds: float) -> str:
    """``85 ms`` below a second (a fast local test is not "0.0 s"), else ``2.4 s``."""
    if milliseconds < 1000:
        return f"{milliseconds:.0f} ms"
    return f"{milliseconds / 1000:.1f} s"

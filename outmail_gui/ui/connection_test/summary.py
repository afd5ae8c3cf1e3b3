"""Words for a finished test: outcome, one-line summary, history entry, Last test text.

Plain Python (no Qt) so the panel, the test-all runner and the history view say the same
thing the same way; the history row itself comes from :mod:`outmail_gui.store.results`,
which the ``check`` command shares.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from outmail_gui.store.history import HistoryEntry, Outcome
from outmail_gui.store.results import outcome_of, step_label, summary_of

if TYPE_CHECKING:
    from outmail_gui.probe.report import ProbeReport


OUTCOME_WORDS = {Outcome.PASSED: "Passed", Outcome.FAILED: "Failed", Outcome.CANCELLED: "Cancelled"}
# The window leads with plain words for helpdesk staff and keeps the protocol's name for
# administrators; the report and the command line keep the engine's short names.
_STEP_WORDS = {
    "resolve": "Name lookup (DNS)",
    "connect": "Connection",
    "tls": "Encryption (TLS)",
    "greeting": "Server greeting",
    "ehlo": "Server features (EHLO)",
    "ehlo_tls": "Features after encryption (EHLO)",
    "auth": "Sign-in (AUTH)",
    "dry_run": "Sender and recipient (MAIL/RCPT)",
    "message": "Test message",
    "quit": "Goodbye (QUIT)",
    "rpc_greeting": "MAPI greeting (RPC)",
}


def step_words(name: str) -> str:
    """A step as the window names it: plain words first, the protocol's name in brackets."""
    return _STEP_WORDS.get(name) or step_label(name)


def last_test_text(entry: HistoryEntry, now: dt.datetime | None = None) -> str:
    """The Last test column: outcome word, failed step, local time (date when not today)."""
    local = entry.started_at.astimezone()
    today = (now or dt.datetime.now().astimezone()).date()
    when = local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
    word = OUTCOME_WORDS[entry.outcome]
    if entry.outcome is Outcome.FAILED and entry.failed_step:
        word += f" at {step_words(entry.failed_step)}"
    return f"{word} · {when}"


def result_headline(report: ProbeReport) -> str:
    """The overall result in the panel, in a helpdesk agent's words."""
    outcome = outcome_of(report)
    if outcome is Outcome.CANCELLED:
        return "Cancelled: the test was stopped before it finished. Nothing more was sent."
    if outcome is Outcome.PASSED:
        return f"Passed: {summary_of(report)}"
    failed = report.failed_step
    where = step_words(failed.name) if failed is not None else "start"
    said = (failed.summary or failed.detail) if failed is not None else "the test did not start."
    return f"Failed at {where}: {said}"


def duration_text(milliseconds: float) -> str:
    """``85 ms`` below a second (a fast local test is not "0.0 s"), else ``2.4 s``."""
    if milliseconds < 1000:
        return f"{milliseconds:.0f} ms"
    return f"{milliseconds / 1000:.1f} s"

"""Step bookkeeping: timing, the progress callback, and turning exceptions into failed steps."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from outmail_gui.probe.errors import Cancelled, ProbeFailure
from outmail_gui.probe.redact import Redactor
from outmail_gui.probe.report import ProbeReport, Step, StepStatus

StepCallback = Callable[[Step], None]


class StepRecorder:
    """Appends steps to the report and tells ``on_step`` when each starts and ends.

    A ``quiet`` recorder (used while fetching a certificate only to show it) records nothing.
    """

    def __init__(self, report: ProbeReport, redact: Redactor, on_step: StepCallback | None, quiet: bool = False):
        self.report = report
        self.redact = redact
        self.on_step = on_step
        self.quiet = quiet

    def _notify(self, step: Step) -> None:
        if self.on_step is not None and not self.quiet:
            self.on_step(Step(step.name, step.status, step.detail, step.elapsed_ms, step.summary))

    def skip(self, name: str, detail: str) -> None:
        step = Step(name, StepStatus.SKIPPED, self.redact(detail))
        if not self.quiet:
            self.report.steps.append(step)
        self._notify(step)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name)
        if not self.quiet:
            self.report.steps.append(step)
        self._notify(step)
        started = time.monotonic()
        try:
            yield step
        except ProbeFailure as failure:
            step.status = StepStatus.FAILED
            step.detail = self.redact(failure.message)
            step.summary = self.redact(failure.summary)
            if not self.quiet and not self.report.hint:
                self.report.hint = self.redact(failure.hint)
                self.report.hint_field = failure.field
            if isinstance(failure, Cancelled):
                self.report.cancelled = True
            raise
        except Exception as exc:  # a bug or an unforeseen library error: report it, never crash
            step.status = StepStatus.FAILED
            step.detail = self.redact(f"Unexpected error: {type(exc).__name__}: {exc}")
            step.summary = ""
            raise ProbeFailure(step.detail) from None
        else:
            if step.status is StepStatus.RUNNING:
                step.status = StepStatus.PASSED
            step.detail = self.redact(step.detail)
            step.summary = self.redact(step.summary)
        finally:
            step.elapsed_ms = (time.monotonic() - started) * 1000.0
            self._notify(step)

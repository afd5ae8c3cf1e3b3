"""One connection test off the GUI thread: a worker object on its own QThread.

The worker only talks to the network (``run_probe``); it hands plain data (``Step`` copies,
the finished ``ProbeReport``) to the GUI thread through queued signals. Writing the result
to the store is the GUI thread's job.

:class:`ProbeRun` is the GUI-side handle (:mod:`outmail_gui.ui.shared.worker_run`). ``cancel()``
asks the engine to stop (it checks at least four times a second); ``abandon()`` also silences
every later signal and waits for the thread.

A :class:`Preparation` runs first on the same worker thread, as a step of its own: getting
an OAuth 2.0 token talks to the identity provider, so it never runs on the GUI thread. What it
returns (the request with the token) stays on the worker thread; only its step's words leave.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.probe.runner import run_probe
from outmail_gui.ui.shared.worker_run import WorkerRun


class PreparationFailed(Exception):
    """The request could not be made ready: ``detail`` for the failed step, ``hint`` what to do."""

    def __init__(self, detail: str, hint: str = "", hint_field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.hint = hint
        self.hint_field = hint_field


@dataclasses.dataclass(frozen=True, slots=True)
class Preparation:
    """Blocking work before the test, shown as the step ``step``.

    ``prepare`` returns the request to test and the passed step's detail, or raises
    :class:`PreparationFailed`; ``explain`` may refine the finished report (its hint).
    Both run on the worker thread.
    """

    step: str
    running: str
    prepare: Callable[[ProbeRequest], tuple[ProbeRequest, str]]
    explain: Callable[[ProbeReport], None] | None = None


class ProbeWorker(QObject):
    """Runs one test in the thread it was moved to; thread-safe ``cancel()``."""

    step_started = Signal(object)  # Step
    step_finished = Signal(object)  # Step
    finished = Signal(object)  # ProbeReport

    def __init__(self, request: ProbeRequest, preparation: Preparation | None = None) -> None:
        super().__init__()
        self.request = request
        self.preparation = preparation
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        started = time.monotonic()
        report: ProbeReport | None = None
        try:
            prepared = self._prepare()
            if isinstance(prepared, ProbeReport):
                report = prepared
            else:
                request, step = prepared
                report = run_probe(request, self._on_step, self._cancel)  # a token in it stays on this thread
                if step is not None:
                    report.steps.insert(0, step)
                    report.elapsed_ms += step.elapsed_ms
                if self.preparation is not None and self.preparation.explain is not None:
                    self.preparation.explain(report)
        except Exception as exc:  # the engine promises not to raise; never lose the thread over it
            report = ProbeReport(host=self.request.host, port=self.request.port)
            report.steps.append(Step("start", StepStatus.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}"))
            report.elapsed_ms = (time.monotonic() - started) * 1000.0
        self.finished.emit(report)

    def _prepare(self) -> tuple[ProbeRequest, Step | None] | ProbeReport:
        """The request to test and the preparation's passed step, or the report of its failure."""
        preparation = self.preparation
        if preparation is None:
            return self.request, None
        step = Step(preparation.step, StepStatus.RUNNING, preparation.running)
        self._on_step(dataclasses.replace(step))
        started = time.monotonic()
        try:
            request, detail = preparation.prepare(self.request)
        except PreparationFailed as exc:
            failed = Step(preparation.step, StepStatus.FAILED, exc.detail, (time.monotonic() - started) * 1000.0)
            self._on_step(dataclasses.replace(failed))
            report = ProbeReport(
                host=self.request.host,
                port=self.request.port,
                protocol=self.request.protocol.value,
                hint=exc.hint,
                hint_field=exc.hint_field,
            )
            report.steps.append(failed)
            report.elapsed_ms = failed.elapsed_ms
            report.cancelled = self._cancel.is_set()
            return report
        passed = Step(preparation.step, StepStatus.PASSED, detail, (time.monotonic() - started) * 1000.0)
        self._on_step(dataclasses.replace(passed))
        return request, passed

    def _on_step(self, step: Step) -> None:
        (self.step_started if step.status is StepStatus.RUNNING else self.step_finished).emit(step)


class ProbeRun(WorkerRun):
    """GUI-thread handle of one test (:class:`WorkerRun`); ``finished`` carries the ProbeReport."""

    step_started = Signal(object)  # Step
    step_finished = Signal(object)  # Step

    def __init__(
        self, request: ProbeRequest, parent: QObject | None = None, preparation: Preparation | None = None
    ) -> None:
        worker = ProbeWorker(request, preparation)
        super().__init__(worker, "outmail-probe", parent)
        self.request = request
        self.forward(worker.step_started, self.step_started)
        self.forward(worker.step_finished, self.step_finished)

    @property
    def report(self) -> ProbeReport | None:
        result: ProbeReport | None = self.result
        return result

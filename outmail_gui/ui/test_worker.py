"""One connection test off the GUI thread: a worker object on its own QThread.

The worker only talks to the network (``run_probe``); it hands plain data (``Step`` copies,
the finished ``ProbeReport``) to the GUI thread through queued signals. Writing the result
to the store is the GUI thread's job.

:class:`ProbeRun` is the GUI-side handle. ``cancel()`` asks the engine to stop (it checks at
least four times a second); ``abandon()`` also silences every later signal and waits for the
thread, so closing the details or quitting never leaves a thread running nor lets a late
signal reach a widget that is gone.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.probe.runner import run_probe

ABANDON_WAIT_MS = 3000
_lingering: set[tuple[QThread, QObject | None]] = set()  # abandoned threads that outlived the wait


class ProbeWorker(QObject):
    """Runs one test in the thread it was moved to; thread-safe ``cancel()``."""

    step_started = Signal(object)  # Step
    step_finished = Signal(object)  # Step
    finished = Signal(object)  # ProbeReport

    def __init__(self, request: ProbeRequest) -> None:
        super().__init__()
        self.request = request
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        started = time.monotonic()
        try:
            report = run_probe(self.request, self._on_step, self._cancel)
        except Exception as exc:  # the engine promises not to raise; never lose the thread over it
            report = ProbeReport(host=self.request.host, port=self.request.port)
            report.steps.append(Step("start", StepStatus.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}"))
            report.elapsed_ms = (time.monotonic() - started) * 1000.0
        self.finished.emit(report)

    def _on_step(self, step: Step) -> None:
        (self.step_started if step.status is StepStatus.RUNNING else self.step_finished).emit(step)


class ProbeRun(QObject):
    """GUI-thread handle of one test; its signals arrive on the GUI thread, in order."""

    step_started = Signal(object)  # Step
    step_finished = Signal(object)  # Step
    finished = Signal(object)  # ProbeReport, once the thread has ended

    def __init__(self, request: ProbeRequest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.report: ProbeReport | None = None
        self._abandoned = False
        self._thread: QThread | None = QThread()
        self._thread.setObjectName("outmail-probe")
        self._worker: ProbeWorker | None = ProbeWorker(request)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # Ends the thread's event loop from the worker thread itself, so abandon() can wait for it.
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        # The receivers below live in the GUI thread: these connections are queued.
        self._worker.step_started.connect(self._on_step_started)
        self._worker.step_finished.connect(self._on_step_finished)
        self._worker.finished.connect(self._on_finished)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        assert self._thread is not None, "a ProbeRun runs once"
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def cancel(self) -> None:
        """Ask the engine to stop; ``finished`` still arrives (with a cancelled report)."""
        if self._worker is not None:
            self._worker.cancel()

    def abandon(self, wait_ms: int = ABANDON_WAIT_MS) -> bool:
        """Cancel, drop every later signal and wait for the thread; True when it has ended."""
        self._abandoned = True
        self.cancel()
        thread = self._thread
        if thread is None:
            return True
        ended = thread.wait(wait_ms)
        if not ended:  # never destroy a running QThread: keep it until it ends by itself
            kept = (thread, self._worker)
            _lingering.add(kept)
            thread.finished.connect(lambda: _lingering.discard(kept))
        self._release()
        return ended

    # ----- queued from the worker thread

    def _on_step_started(self, step: Step) -> None:
        if not self._abandoned:
            self.step_started.emit(step)

    def _on_step_finished(self, step: Step) -> None:
        if not self._abandoned:
            self.step_finished.emit(step)

    def _on_finished(self, report: ProbeReport) -> None:
        self.report = report  # announced once the thread has ended, so the owner may delete us then

    def _on_thread_finished(self) -> None:
        self._release()
        if not self._abandoned and self.report is not None:
            self.finished.emit(self.report)

    def _release(self) -> None:
        """Drop the thread and the worker (both Python-owned) once the thread has ended."""
        thread, self._thread = self._thread, None
        self._worker = None
        if thread is not None and not thread.isFinished():
            thread.wait()  # "finished" is emitted just before the thread really ends

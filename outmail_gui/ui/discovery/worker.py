"""Settings discovery off the GUI thread: a worker object on its own QThread.

The worker only talks to the network (:func:`outmail_gui.discovery.discover`, whose own threads
test the candidates); copies of each source step and candidate reach the GUI thread through
queued signals. ``cancel()`` stops it within a second; ``abandon()`` also drops every later
signal and waits for the thread, so closing the dialog never leaves a thread running.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from outmail_gui.discovery import Candidate, DiscoveryReport, DiscoveryRequest, SourceStep, TargetError, discover

ABANDON_WAIT_MS = 3000


class DiscoveryWorker(QObject):
    source_changed = Signal(object)  # SourceStep
    candidate_changed = Signal(object)  # Candidate
    finished = Signal(object)  # DiscoveryReport

    def __init__(self, request: DiscoveryRequest) -> None:
        super().__init__()
        self.request = request
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        listener = _Forward(self)
        try:
            report = discover(self.request, listener, self._cancel)
        except TargetError as exc:
            report = DiscoveryReport(self.request.target, None, error=str(exc))
        except Exception as exc:  # the engine promises not to raise; never lose the thread over it
            report = DiscoveryReport(self.request.target, None, error=f"Unexpected error: {type(exc).__name__}: {exc}")
        self.finished.emit(report)


class _Forward:
    def __init__(self, worker: DiscoveryWorker) -> None:
        self.worker = worker

    def source_changed(self, step: SourceStep) -> None:
        self.worker.source_changed.emit(step)

    def candidate_changed(self, candidate: Candidate) -> None:
        self.worker.candidate_changed.emit(candidate)


class DiscoveryRun(QObject):
    """GUI-thread handle of one discovery; its signals arrive on the GUI thread, in order."""

    source_changed = Signal(object)
    candidate_changed = Signal(object)
    finished = Signal(object)  # DiscoveryReport, once the thread has ended

    def __init__(self, request: DiscoveryRequest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: DiscoveryReport | None = None
        self._abandoned = False
        self._thread: QThread | None = QThread()
        self._thread.setObjectName("outmail-discovery")
        self._worker: DiscoveryWorker | None = DiscoveryWorker(request)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._worker.source_changed.connect(self._on_source)
        self._worker.candidate_changed.connect(self._on_candidate)
        self._worker.finished.connect(self._on_finished)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        assert self._thread is not None, "a DiscoveryRun runs once"
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def abandon(self, wait_ms: int = ABANDON_WAIT_MS) -> bool:
        """Cancel, drop every later signal and wait for the thread; True when it has ended."""
        self._abandoned = True
        self.cancel()
        thread = self._thread
        ended = thread is None or thread.wait(wait_ms)
        if ended:
            self._release()
        return ended

    def _on_source(self, step: SourceStep) -> None:
        if not self._abandoned:
            self.source_changed.emit(step)

    def _on_candidate(self, candidate: Candidate) -> None:
        if not self._abandoned:
            self.candidate_changed.emit(candidate)

    def _on_finished(self, report: DiscoveryReport) -> None:
        self.report = report

    def _on_thread_finished(self) -> None:
        self._release()
        if not self._abandoned and self.report is not None:
            self.finished.emit(self.report)

    def _release(self) -> None:
        thread, self._thread = self._thread, None
        self._worker = None
        if thread is not None and not thread.isFinished():
            thread.wait()

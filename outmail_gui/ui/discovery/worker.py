"""Settings discovery off the GUI thread: a worker object on its own QThread.

The worker only talks to the network (:func:`outmail_gui.discovery.discover`, whose own threads
test the candidates); copies of each source step and candidate reach the GUI thread through
queued signals. :class:`DiscoveryRun` is the GUI-side handle: ``cancel()`` stops it within a
second; ``abandon()`` also drops every later signal and waits for the thread.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from outmail_gui.discovery import Candidate, DiscoveryReport, DiscoveryRequest, SourceStep, TargetError, discover
from outmail_gui.ui.shared.worker_run import WorkerRun


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


class DiscoveryRun(WorkerRun):
    """GUI-thread handle of one discovery (:class:`WorkerRun`); ``finished`` carries the DiscoveryReport."""

    source_changed = Signal(object)  # SourceStep
    candidate_changed = Signal(object)  # Candidate

    def __init__(self, request: DiscoveryRequest, parent: QObject | None = None) -> None:
        worker = DiscoveryWorker(request)
        super().__init__(worker, "outmail-discovery", parent)
        self.forward(worker.source_changed, self.source_changed)
        self.forward(worker.candidate_changed, self.candidate_changed)

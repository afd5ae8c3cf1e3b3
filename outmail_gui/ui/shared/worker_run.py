"""The GUI-thread handle of one worker on its own QThread (a connection test, a discovery).

The worker object only talks to the network; its signals reach the GUI thread queued, in order.
``cancel()`` asks the worker to stop; ``abandon()`` also silences every later signal and waits
for the thread, so closing a view or quitting never leaves a thread running nor lets a late
signal reach a widget that is gone. A thread that outlives the wait is kept (never destroyed
while running) until it ends by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QObject, QThread, Signal, SignalInstance, Slot

ABANDON_WAIT_MS = 3000
_lingering: set[tuple[QThread, QObject | None]] = set()  # abandoned threads that outlived the wait


class Worker(Protocol):
    """What a worker offers: a ``run`` slot that ends by emitting ``finished``, and a thread-safe ``cancel``."""

    finished: SignalInstance

    def run(self) -> None: ...

    def cancel(self) -> None: ...

    def moveToThread(self, thread: QThread) -> bool: ...


class WorkerRun(QObject):
    """Runs ``worker`` once on a thread named ``name``; ``finished`` carries its result once the thread has ended."""

    finished = Signal(object)

    def __init__(self, worker: Worker, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: Any = None
        self._abandoned = False
        self._thread: QThread | None = QThread()
        self._thread.setObjectName(name)
        self._worker: Worker | None = worker
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        # Ends the thread's event loop from the worker thread itself, so abandon() can wait for it.
        worker.finished.connect(self._thread.quit, QtCore.Qt.ConnectionType.DirectConnection)
        worker.finished.connect(self._on_finished)  # queued: this object lives in the GUI thread
        self._thread.finished.connect(self._on_thread_finished)

    def forward(self, source: SignalInstance, target: SignalInstance) -> None:
        """Repeat the worker's ``source`` as this handle's ``target`` on the GUI thread, until abandoned."""
        source.connect(_Relay(self, target.emit).relay)  # a GUI-thread receiver: the connection is queued

    @property
    def abandoned(self) -> bool:
        return self._abandoned

    def start(self) -> None:
        assert self._thread is not None, "a run runs once"
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def cancel(self) -> None:
        """Ask the worker to stop; ``finished`` still arrives (with its cancelled result)."""
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
            kept = (thread, self._worker if isinstance(self._worker, QObject) else None)
            _lingering.add(kept)
            thread.finished.connect(lambda: _lingering.discard(kept))
        self._release()
        return ended

    def _on_finished(self, result: Any) -> None:
        self.result = result  # announced once the thread has ended, so the owner may delete us then

    def _on_thread_finished(self) -> None:
        self._release()
        if not self._abandoned and self.result is not None:
            self.finished.emit(self.result)

    def _release(self) -> None:
        """Drop the thread and the worker (both Python-owned) once the thread has ended."""
        thread, self._thread = self._thread, None
        self._worker = None
        if thread is not None and not thread.isFinished():
            thread.wait()  # "finished" is emitted just before the thread really ends


class _Relay(QObject):
    """Receives one worker signal on the GUI thread (it lives there) and passes it on unless abandoned."""

    def __init__(self, run: WorkerRun, emit: Callable[[Any], None]) -> None:
        super().__init__(run)
        self._run = run
        self._emit = emit

    @Slot(object)
    def relay(self, value: Any) -> None:
        if not self._run.abandoned:
            self._emit(value)

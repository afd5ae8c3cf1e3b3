"""Many connection tests at once in a bounded thread pool: the engine of Test all and ``check``.

A connection test is I/O-bound and a silent server holds a thread for its whole time-out, so
the pool is wide (:data:`MAX_CONCURRENT`) and every test of a batch gets a shorter deadline
(:func:`batch_timeout`): a batch ends within about the longest of them, not their sum. The
window runs the pool in a child process (``ui/connection_test/batch_worker``: GUI-thread stalls), the
``check`` command in its own process; both hand it the same requests and get the same reports.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.probe.runner import run_probe

MAX_CONCURRENT = 256
BATCH_TIMEOUT_CAP_S = 30  # each test of a batch: its Connection Timeout, but at most this

Started = Callable[[str], None]  # item id
Finished = Callable[[str, ProbeReport | None, dt.datetime], None]  # item id, report (None: cancelled first), start


def batch_timeout(connection_timeout_s: float) -> float:
    """The deadline of one test in a batch (Test all, ``check``)."""
    return float(min(connection_timeout_s, BATCH_TIMEOUT_CAP_S))


class ProbePool:
    """Runs the submitted tests, at most ``max_concurrent`` at a time; callbacks run on pool threads.

    ``cancel()`` stops running tests within a quarter second and reports queued ones as
    not run (``None``); ``wait()`` returns once every submitted test has been reported.
    """

    def __init__(
        self, on_finished: Finished, on_started: Started | None = None, max_concurrent: int = MAX_CONCURRENT
    ) -> None:
        self._on_finished = on_finished
        self._on_started = on_started
        self._cancel = threading.Event()
        self._futures: list[Future[None]] = []
        self._executor = ThreadPoolExecutor(max_workers=max(1, max_concurrent), thread_name_prefix="outmail-batch")

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def submit(self, item_id: str, request: ProbeRequest) -> None:
        self._futures.append(self._executor.submit(self._run_one, item_id, request))

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self) -> None:
        for future in list(self._futures):
            future.result()

    def shutdown(self) -> None:
        """Wait for the running tests (after ``cancel()``: within a quarter second) and free the threads."""
        self._executor.shutdown(wait=True)

    def _run_one(self, item_id: str, request: ProbeRequest) -> None:
        started_at = dt.datetime.now(dt.UTC)
        if self._cancel.is_set():
            self._on_finished(item_id, None, started_at)
            return
        if self._on_started is not None:
            self._on_started(item_id)
        try:
            report = run_probe(request, None, self._cancel)
        except Exception as exc:  # a bug: report it on this item instead of losing it
            report = ProbeReport(host=request.host, port=request.port, protocol=request.protocol.value)
            report.steps.append(Step("start", StepStatus.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}"))
        self._on_finished(item_id, report, started_at)

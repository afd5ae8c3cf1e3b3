"""Test many servers at once: a worker process with a bounded pool, driven from the GUI thread.

The tests run in :mod:`outmail_gui.ui.connection_test.batch_worker` (a child process; why is explained
there). This side feeds it the requests, reads its one-line reports through ``QProcess``
(no extra thread in the GUI process) and turns them into signals with plain data. The
stored passwords of servers that log in are read from the keyring on one helper thread, one
at a time, so a slow keyring never blocks the window; so are the OAuth 2.0 tokens of servers
that use one (refreshed when needed), and only the token goes to the worker, like a password.
Results are written to the store by the window, on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from outmail_gui.probe.batch import MAX_CONCURRENT
from outmail_gui.probe.render import step_label
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.store.history import HistoryEntry
from outmail_gui.store.results import not_started
from outmail_gui.store.secrets import SecretStoreError
from outmail_gui.ui.connection_test.batch_worker import entry_from_json, request_to_json
from outmail_gui.ui.connection_test.worker import Preparation, PreparationFailed

PasswordLookup = Callable[[], str | None]
"""A server's stored password (None: none); raises SecretStoreError, or PasswordMissing (not to test)."""


class PasswordMissing(Exception):
    """A shared store's server this workstation keeps no password for: not tested (the message says why)."""


SHUTDOWN_WAIT_MS = 3000
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


@dataclasses.dataclass(frozen=True, slots=True)
class BatchItem:
    """One server to test. ``password`` is looked up off the GUI thread, only if the test logs in;
    ``preparation`` (an OAuth 2.0 token) runs off the GUI thread too, right before the test is queued."""

    server_id: str
    request: ProbeRequest
    password: PasswordLookup | None = None
    preparation: Preparation | None = None

    @property
    def needs_password(self) -> bool:
        return self.password is not None and self.request.wants_auth and not self.request.password


class _Feeder(QObject):
    """Prepares the worker's input on a helper thread: the requests as JSON lines and the stored
    passwords (one keyring look-up at a time), so neither a slow keyring nor 500 requests'
    worth of JSON ever runs on the GUI thread. Its signals are queued to the GUI thread."""

    lines = Signal(bytes)  # ready input for the worker
    failed = Signal(str, str, str)  # server id, failed step, summary (keyring or token problem)
    fed = Signal()  # every item was handed over

    CHUNK = 50

    def __init__(self, items: Sequence[BatchItem], cancel: threading.Event) -> None:
        super().__init__()
        self._items = list(items)
        self._cancel = cancel
        self.worker = threading.Thread(target=self._feed, name="outmail-test-all-feeder", daemon=True)

    def _feed(self) -> None:
        chunk: list[str] = []
        for item in self._items:
            if self._cancel.is_set():
                return
            request = item.request
            if item.needs_password:
                assert item.password is not None
                try:
                    request = dataclasses.replace(request, password=item.password() or "")
                except SecretStoreError as exc:
                    self.failed.emit(item.server_id, "keyring", f"The stored password could not be read: {exc.message}")
                    continue
                except PasswordMissing as exc:
                    self.failed.emit(item.server_id, "keyring", str(exc))
                    continue
            if item.preparation is not None:
                step = item.preparation.step
                try:
                    request, _detail = item.preparation.prepare(request)
                except PreparationFailed as exc:
                    self.failed.emit(item.server_id, step, f"{step_label(step)}: {exc.detail}")
                    continue
                except Exception as exc:  # a bug must not stall the whole batch
                    self.failed.emit(item.server_id, step, f"Unexpected error: {type(exc).__name__}")
                    continue
            chunk.append(json.dumps(_item_line(item.server_id, request)) + "\n")
            if len(chunk) >= self.CHUNK or item.needs_password or item.preparation is not None:
                self.lines.emit("".join(chunk).encode("utf-8"))
                chunk = []
        if chunk:
            self.lines.emit("".join(chunk).encode("utf-8"))
        self.fed.emit()


class ProbeBatch(QObject):
    """Runs once: ``start()``, then ``item_started``/``item_finished`` per server and ``finished``.

    ``item_finished`` carries the result as a :class:`HistoryEntry`, or ``None`` for a server
    that was never tested because the batch was cancelled first.
    """

    item_started = Signal(str)
    item_finished = Signal(str, object)  # server id, HistoryEntry | None
    progress = Signal(int, int)  # done, total
    finished = Signal(bool)  # True when cancelled

    def __init__(
        self, items: Sequence[BatchItem], max_concurrent: int = MAX_CONCURRENT, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.max_concurrent = max(1, max_concurrent)
        self.done = 0
        self._pending = {item.server_id for item in self.items}
        self._cancel = threading.Event()
        self._process: QProcess | None = None
        self._feeder: _Feeder | None = None
        self._end_sent = False
        self._buffer = b""
        self._over = False
        self._silenced = False
        self.error = ""

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._process is not None and self._process.state() is not QProcess.ProcessState.NotRunning

    def start(self) -> None:
        assert self._process is None, "a ProbeBatch runs once"
        if not self.items:
            self._finish()
            return
        process = QProcess(self)
        process.setProgram(sys.executable)
        process.setArguments(["-m", "outmail_gui.ui.connection_test.batch_worker"])
        env = QProcessEnvironment.systemEnvironment()
        path = env.value("PYTHONPATH", "")
        env.insert("PYTHONPATH", _PACKAGE_ROOT + (os.pathsep + path if path else ""))
        process.setProcessEnvironment(env)
        process.readyReadStandardOutput.connect(self._read_output)
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error)
        self._process = process
        process.start()
        self._send({"type": "config", "max_concurrent": self.max_concurrent})
        feeder = _Feeder(self.items, self._cancel)
        feeder.lines.connect(self._on_lines)
        feeder.failed.connect(self._on_feed_failure)
        feeder.fed.connect(self._send_end)
        self._feeder = feeder
        feeder.worker.start()

    def cancel(self) -> None:
        """Stop running tests (within a quarter second) and skip the queued ones."""
        if self._cancel.is_set() or self._over:
            return
        self._cancel.set()
        self._send({"type": "cancel"})
        self._send_end()  # the feeder stops at its next item; nothing more will come

    def shut_down(self) -> None:
        """Cancel, silence every later signal and wait for the worker process (and helper thread) to end."""
        self._silenced = True
        self.cancel()
        process = self._process
        if process is not None and process.state() is not QProcess.ProcessState.NotRunning:
            process.closeWriteChannel()
            if not process.waitForFinished(SHUTDOWN_WAIT_MS):
                process.kill()
                process.waitForFinished(SHUTDOWN_WAIT_MS)
        if self._feeder is not None:
            self._feeder.worker.join()
        self._over = True

    # ----- feeding the worker

    def _send(self, *messages: dict[str, Any]) -> None:
        process = self._process
        if process is not None and process.state() is not QProcess.ProcessState.NotRunning:
            process.write("".join(json.dumps(m) + "\n" for m in messages).encode("utf-8"))

    def _on_lines(self, data: bytes) -> None:
        process = self._process
        if not self._end_sent and process is not None and process.state() is not QProcess.ProcessState.NotRunning:
            process.write(data)

    def _on_feed_failure(self, server_id: str, step: str, summary: str) -> None:
        if not self._end_sent:
            self._item_done(server_id, not_started(server_id, step, summary))

    def _send_end(self) -> None:
        if not self._end_sent:
            self._send({"type": "end"})
            self._end_sent = True

    # ----- reading its reports

    def _read_output(self) -> None:
        process = self._process
        if process is None:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self._dispatch(json.loads(line))

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        server_id = str(message.get("id", ""))
        if kind == "started" and not self._silenced:
            self.item_started.emit(server_id)
        elif kind == "finished":
            entry = message.get("entry")
            self._item_done(server_id, entry_from_json(server_id, entry) if entry else None)
        elif kind == "done" and self._process is not None:
            self._process.closeWriteChannel()  # the worker exits once its input ends

    def _item_done(self, server_id: str, entry: HistoryEntry | None) -> None:
        if server_id not in self._pending:
            return
        self._pending.discard(server_id)
        self.done += 1
        if not self._silenced:
            self.item_finished.emit(server_id, entry)
            self.progress.emit(self.done, self.total)

    def _on_process_finished(self, _code: int, _status: QProcess.ExitStatus) -> None:
        self._read_output()
        if self._pending and not self.error and not self._cancel.is_set() and self._process is not None:
            errors = bytes(self._process.readAllStandardError().data()).decode(errors="replace").strip()
            last = errors.splitlines()[-1] if errors else "no message"
            self.error = f"The test worker stopped unexpectedly ({last})."
        for server_id in sorted(self._pending):
            self._item_done(server_id, None)
        self._finish()

    def _on_process_error(self, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart:
            self.error = f"The test worker could not be started ({sys.executable})."
            for server_id in sorted(self._pending):
                self._item_done(server_id, None)
            self._finish()

    def _finish(self) -> None:
        if self._over:
            return
        self._over = True
        if not self._silenced:
            self.finished.emit(self._cancel.is_set())


def _item_line(server_id: str, request: ProbeRequest) -> dict[str, Any]:
    return {"type": "item", "id": server_id, "request": request_to_json(request)}

"""The Test all worker process: many connection tests at once, in the bounded pool of
:mod:`outmail_gui.probe.batch` (which the ``check`` command runs in its own process too).

Why a process: a connection test is I/O-bound, so the pool must be wide (a silent server
holds a thread for its whole time-out), but in the GUI's own process a hundred-odd Python
threads waking up together queue for the GIL ahead of the GUI thread, which then stalls for
hundreds of milliseconds (measured: 150-400 ms with 64-256 threads). In a child process they
compete only with each other. The child only talks to the network: it never opens the
database; the window stores the results it reports.

Protocol, one JSON object per line (no Qt here; ``python -m outmail_gui.ui.connection_test.batch_worker``):

  stdin   {"type": "config", "max_concurrent": N}   first line
          {"type": "item", "id": ID, "request": {...}}  a ProbeRequest (password included)
          {"type": "end"}       no more items;  {"type": "cancel"}   stop everything
          end of input before "end" (the window is gone) also cancels
  stdout  {"type": "started", "id": ID}
          {"type": "finished", "id": ID, "entry": {...}}   entry null: cancelled before it ran
          {"type": "done", "cancelled": bool}
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import threading
from typing import Any, TextIO

from outmail_gui.domain.settings import AuthMethod, Protocol
from outmail_gui.probe.batch import MAX_CONCURRENT, ProbePool
from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.store.history import HistoryEntry, Outcome
from outmail_gui.store.results import entry_for

_REQUEST_FIELDS = tuple(f.name for f in dataclasses.fields(ProbeRequest))


def request_to_json(request: ProbeRequest) -> dict[str, Any]:
    data = {name: getattr(request, name) for name in _REQUEST_FIELDS}  # asdict() deep-copies: 10x slower
    data["protocol"] = request.protocol.value
    data["security"] = request.security.value
    data["auth_methods"] = [m.value for m in request.auth_methods]
    return data


def request_from_json(data: dict[str, Any]) -> ProbeRequest:
    values = dict(data)
    values["protocol"] = Protocol(values["protocol"])
    values["security"] = Security(values["security"])
    values["auth_methods"] = tuple(AuthMethod(v) for v in values["auth_methods"])
    values["addresses"] = tuple(values.get("addresses", ()))  # JSON has lists; the request keeps tuples
    return ProbeRequest(**values)


def entry_to_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "started_at": entry.started_at.isoformat(),
        "outcome": entry.outcome.value,
        "summary": entry.summary,
        "duration_ms": entry.duration_ms,
        "failed_step": entry.failed_step,
        "certificate_expires": entry.certificate_expires.isoformat() if entry.certificate_expires else None,
    }


def entry_from_json(server_id: str, data: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        server_id=server_id,
        started_at=dt.datetime.fromisoformat(data["started_at"]),
        outcome=Outcome(data["outcome"]),
        summary=str(data["summary"]),
        duration_ms=int(data["duration_ms"]),
        failed_step=data["failed_step"],
        certificate_expires=dt.datetime.fromisoformat(data["certificate_expires"])
        if data.get("certificate_expires")
        else None,
    )


class _Output:
    """Whole lines on stdout from many threads."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=True) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except (BrokenPipeError, ValueError):
                pass  # the window is gone; the cancel that follows ends us


def serve(stdin: TextIO, stdout: TextIO) -> bool:
    """Run the protocol above; returns True when cancelled."""
    out = _Output(stdout)

    def started(server_id: str) -> None:
        out.send({"type": "started", "id": server_id})

    def finished(server_id: str, report: ProbeReport | None, started_at: dt.datetime) -> None:
        entry = entry_to_json(entry_for(server_id, report, started_at)) if report is not None else None
        out.send({"type": "finished", "id": server_id, "entry": entry})

    pool: ProbePool | None = None
    ended = False
    for line in stdin:
        message = json.loads(line)
        kind = message.get("type")
        if kind == "config":
            pool = ProbePool(finished, started, int(message.get("max_concurrent", MAX_CONCURRENT)))
            continue
        if pool is None:
            pool = ProbePool(finished, started)
        if kind == "item":
            pool.submit(str(message["id"]), request_from_json(message["request"]))
        elif kind == "end":
            ended = True
            threading.Thread(target=_announce_done, args=(out, pool), daemon=True).start()
        elif kind == "cancel":
            pool.cancel()
    if pool is None:
        pool = ProbePool(finished, started)
    if not ended:  # the window went away without saying "end"
        pool.cancel()
    pool.shutdown()
    if not ended:
        out.send({"type": "done", "cancelled": True})
    return pool.cancelled


def _announce_done(out: _Output, pool: ProbePool) -> None:
    pool.wait()
    out.send({"type": "done", "cancelled": pool.cancelled})


def main() -> int:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)  # background work: the window the user is looking at comes first
    serve(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

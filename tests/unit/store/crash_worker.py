"""Helper process for the crash and race tests (run with ``python -m``).

``zygote DIR``: imports the store once, then for every ``go N`` line on stdin forks a child
that opens the repository and performs operations N, N+1, ... forever, writing
``begin N`` before and ``ack N`` after each one; the test kills the child with SIGKILL and
sends ``reap``. Forking from a warm process keeps hundreds of kills fast.

``race DIR ID ROUNDS``: increments the record's port ROUNDS times, retrying on conflicts.

The operations are deterministic functions of N and the current state, so the test can
model exactly what the database must hold before and after each one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store.errors import RevisionConflictError
from outmail_gui.store.repository import ServerRepository

RECORDS = 4
BASE_PORT = 1000


def record_version(record: ServerSettings) -> int:
    return record.port - BASE_PORT


def make_record(index: int, version: int, record_id: str, revision: int, is_default: bool) -> ServerSettings:
    """Version ``version`` of record ``index``: every field says which version it is."""
    return new_server(
        "smtp",
        id=record_id,
        revision=revision,
        name=f"srv{index}-v{version}",
        server=f"h{version}.r{index}.example.com",
        port=BASE_PORT + version,
        login_id=f"user{index}-{version}",
        outgoing_email_id=f"u{version}@r{index}.example.com",
        connection_timeout_s=1 + version % 3000,
        chunking=version % 2 == 1,
        send_receipt=version % 3 == 0,
        is_default=is_default,
    )


def operation(number: int) -> tuple[str, int]:
    """('save', index) | ('default', index) | ('batch', -1) for operation ``number``."""
    if number % 10 == 9:
        return "batch", -1
    if number % 10 in (4, 7):
        return "default", number % RECORDS
    return "save", number % RECORDS


def _say(text: str) -> None:
    os.write(1, (text + "\n").encode())


def _bump(repo: ServerRepository, record: ServerSettings, index: int) -> None:
    version = record_version(record) + 1
    repo.save(make_record(index, version, record.id, record.revision, record.is_default))


def _child(data_dir: Path, first: int) -> None:
    repo = ServerRepository.open(data_dir)
    repo.connection().execute("PRAGMA wal_autocheckpoint = 8")  # checkpoints often, so kills hit them too
    order = sorted(repo.list_servers(), key=lambda r: int(r.name.split("-")[0][3:]))
    ids = [r.id for r in order]
    _say("open")
    number = first
    while True:
        kind, index = operation(number)
        _say(f"begin {number}")
        if kind == "save":
            _bump(repo, repo.get(ids[index]), index)
        elif kind == "default":
            repo.set_default(ids[index])
        else:
            with repo.transaction():
                for position, record_id in enumerate(ids):
                    _bump(repo, repo.get(record_id), position)
        _say(f"ack {number}")
        number += 1


def zygote(data_dir: Path) -> None:
    _say("ready")
    child = 0
    for line in sys.stdin:
        words = line.split()
        if words[0] == "go":
            child = os.fork()
            if child == 0:
                try:
                    _child(data_dir, int(words[1]))
                finally:
                    os._exit(1)
            _say(f"pid {child}")
        elif words[0] == "reap":
            _, status = os.waitpid(child, 0)
            _say(f"reaped {status}")
        elif words[0] == "quit":
            return


def race(data_dir: Path, record_id: str, rounds: int) -> None:
    with ServerRepository.open(data_dir) as repo:
        done = conflicts = 0
        while done < rounds:
            current = repo.get(record_id)
            try:
                repo.save(current.with_changes(port=current.port + 1))
            except RevisionConflictError:
                conflicts += 1
                continue
            done += 1
    _say(f"done {conflicts}")


if __name__ == "__main__":
    mode, directory = sys.argv[1], Path(sys.argv[2])
    if mode == "zygote":
        zygote(directory)
    else:
        race(directory, sys.argv[3], int(sys.argv[4]))

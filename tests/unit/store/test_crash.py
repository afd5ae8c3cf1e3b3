"""SIGKILL while saving, hundreds of times: the file stays sound and every change is all or nothing.

A warm helper process forks a child that saves, moves the default and rewrites all records
in one transaction, in a loop; the test kills it after a random delay. After each kill the
database must pass ``integrity_check`` and equal, record for record and field for field,
either the state before the operation in flight or the state after it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.paths import database_path
from outmail_gui.store.repository import ServerRepository
from tests.unit.store import crash_worker as worker

ITERATIONS = 400
ROOT = Path(__file__).resolve().parents[3]


@dataclasses.dataclass(frozen=True)
class Model:
    ids: tuple[str, ...]
    versions: tuple[int, ...]
    revisions: tuple[int, ...]
    default: int

    def records(self) -> list[ServerSettings]:
        return [
            worker.make_record(i, self.versions[i], self.ids[i], self.revisions[i], i == self.default)
            for i in range(len(self.ids))
        ]

    def after(self, number: int) -> Model:
        kind, index = worker.operation(number)
        versions, revisions = list(self.versions), list(self.revisions)
        default = self.default
        if kind == "save":
            versions[index] += 1
            revisions[index] += 1
        elif kind == "default" and index != default:
            revisions[index] += 1
            revisions[default] += 1
            default = index
        elif kind == "batch":
            versions = [v + 1 for v in versions]
            revisions = [r + 1 for r in revisions]
        return Model(self.ids, tuple(versions), tuple(revisions), default)


def stored(data_dir: Path) -> list[ServerSettings]:
    conn = sqlite3.connect(database_path(data_dir))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    with ServerRepository.open(data_dir) as repo:
        return sorted(repo.list_servers(), key=lambda r: int(r.name.split("-")[0][3:]))


def lines(stream: IO[bytes]) -> Iterator[str]:
    for raw in iter(stream.readline, b""):
        yield raw.decode().strip()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() to kill hundreds of writers quickly")
def test_sigkill_while_saving_never_damages_or_half_writes(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        first = [repo.save(worker.make_record(i, 0, f"{i:032x}", 0, i == 0)) for i in range(worker.RECORDS)]
    model = Model(tuple(r.id for r in first), (0,) * worker.RECORDS, (1,) * worker.RECORDS, 0)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    helper = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.store.crash_worker", "zygote", str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert helper.stdin is not None and helper.stdout is not None
    out = lines(helper.stdout)
    rng = random.Random(20240601)
    next_op = 0
    live = 0
    outcomes = {"old": 0, "new": 0, "idle": 0}
    try:
        assert next(out) == "ready"
        for _ in range(ITERATIONS):
            helper.stdin.write(f"go {next_op}\n".encode())
            helper.stdin.flush()
            killed = False
            acked, begun = next_op - 1, None
            seen_open = reaped = False
            for line in out:
                word, _, value = line.partition(" ")
                if word == "pid":
                    live = int(value)
                elif word == "open":
                    seen_open = True
                elif word == "begin":
                    begun = int(value)
                elif word == "ack":
                    assert int(value) == begun
                    model = model.after(begun)
                    acked = begun
                elif word == "reaped":
                    assert int(value) != 0  # really killed, not exited
                    live, reaped = 0, True
                    break
                if live and seen_open and not reaped and not killed:
                    time.sleep(rng.uniform(0, 0.03))
                    os.kill(live, signal.SIGKILL)
                    helper.stdin.write(b"reap\n")
                    helper.stdin.flush()
                    killed = True
            actual = stored(data_dir)
            if begun is None or begun == acked:
                assert actual == model.records()
                outcomes["idle"] += 1
                next_op = acked + 1
                continue
            new = model.after(begun)
            if actual == model.records():
                outcomes["old"] += 1
            else:
                assert actual == new.records(), f"operation {begun} ({worker.operation(begun)}) half-applied"
                model = new
                outcomes["new"] += 1
            next_op = begun + 1
    finally:
        if live:  # a failure between fork and kill must not leave a writer running
            with contextlib.suppress(ProcessLookupError):
                os.kill(live, signal.SIGKILL)
        helper.stdin.write(b"quit\n")
        helper.stdin.close()
        helper.wait(10)
        helper.stdout.close()
    print(f"\nSIGKILL outcomes over {ITERATIONS} kills: {outcomes}; operations completed: {next_op}")
    assert outcomes["old"] + outcomes["new"] > ITERATIONS // 2  # most kills landed inside an operation
    assert next_op > ITERATIONS  # and the children made progress


def test_processes_racing_on_one_record_lose_no_update(data_dir: Path) -> None:
    with ServerRepository.open(data_dir) as repo:
        record = repo.save(worker.make_record(0, 0, "a" * 32, 0, False))
    rounds, count = 40, 3
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.unit.store.crash_worker", "race", str(data_dir), record.id, str(rounds)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        for _ in range(count)
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0 and out.startswith(b"done")
    with ServerRepository.open(data_dir) as repo:
        final = repo.get(record.id)
    assert final.port == worker.BASE_PORT + rounds * count
    assert final.revision == 1 + rounds * count

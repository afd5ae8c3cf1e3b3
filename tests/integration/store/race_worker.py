"""One of two processes that race ``servers edit NAME --password-stdin`` round after round.

Started with the ``spawn`` method (a fresh interpreter: a real second process with its own
connections and D-Bus session to the Secret Service). Each round waits at a barrier shared
with the other worker and the test, then runs the command in-process through the CLI's
``run()`` entry and reports (exit code, revision saved or None, stderr).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier


def edit_rounds(data_dir: str, name: str, tag: str, rounds: int, barrier: Barrier, results: Queue[object]) -> None:
    from outmail_gui.cli.main import run

    for number in range(rounds):
        barrier.wait(timeout=60)
        password = f"round-{number}-{tag}"
        sys.stdin = io.TextIOWrapper(io.BytesIO(f"{password}\n".encode()))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(["--data-dir", data_dir, "servers", "edit", name, "--password-stdin", "--json"])
        revision = json.loads(out.getvalue())["revision"] if code == 0 else None
        results.put((tag, code, revision, password, err.getvalue()))

"""Ctrl+C ends a command with exit status 130 and one line, as shells expect (a real process, a real SIGINT)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration

WAIT_S = 30  # for the probe to connect, then for it to end after the signal: each bounded


@contextlib.contextmanager
def _sigint_inherited_as_default() -> Iterator[None]:
    """Start children with SIGINT at its default, as a terminal's foreground command has it.

    A child inherits an *ignored* SIGINT across exec, and Python then leaves it ignored (no
    KeyboardInterrupt): that is what a test run started in the background by a shell without job
    control (``… &``, nohup) passes on, and the probe then waited out its time-out. A signal with
    a handler is reset to the default across exec, so the test's process handles it meanwhile.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_during_a_probe_exits_130_with_one_line() -> None:
    # An address of its own in 127.0.0.0/8: no other test's connection can be mistaken for the probe's.
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    with socket.create_server((address, 0)) as silent:  # accepts, never greets
        silent.settimeout(WAIT_S)
        port = silent.getsockname()[1]
        argv = ["probe", "--server", address, "--port", str(port), "--security", "none", "--timeout", "60"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with _sigint_inherited_as_default():
            proc = subprocess.Popen(
                [sys.executable, "-m", "outmail_gui", *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        with proc:
            try:
                try:
                    peer, _ = silent.accept()  # the probe is connected and waits for the greeting
                except TimeoutError:
                    proc.kill()
                    out, err = proc.communicate()
                    pytest.fail(f"the probe did not connect within {WAIT_S} s: {out!r} {err!r}")
                with peer:
                    proc.send_signal(signal.SIGINT)
                    try:
                        out, err = proc.communicate(timeout=WAIT_S)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        out, err = proc.communicate()
                        pytest.fail(f"the probe did not end within {WAIT_S} s of Ctrl+C: {out!r} {err!r}")
            finally:
                if proc.poll() is None:
                    proc.kill()
    assert proc.returncode == 130, (out, err)
    assert err == "outmail-gui: interrupted\n"

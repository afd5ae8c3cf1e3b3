"""Ctrl+C ends a command with exit status 130 and one line, as shells expect (a real process, a real SIGINT)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def test_ctrl_c_during_a_probe_exits_130_with_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never greets
        silent.settimeout(30)
        port = silent.getsockname()[1]
        argv = ["probe", "--server", "127.0.0.1", "--port", str(port), "--security", "none", "--timeout", "60"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with subprocess.Popen(
            [sys.executable, "-m", "outmail_gui", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        ) as proc:
            try:
                peer, _ = silent.accept()  # the probe is connected and waits for the greeting
                with peer:
                    proc.send_signal(signal.SIGINT)
                    out, err = proc.communicate(timeout=30)
            finally:
                proc.kill()
    assert proc.returncode == 130, (out, err)
    assert err == "outmail-gui: interrupted\n"

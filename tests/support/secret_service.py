"""The real Secret Service (gnome-keyring) for tests: the D-Bus session scripts/run-tests.sh starts,
and private sessions in a chosen state.

scripts/run-tests.sh promises a Secret Service (``OUTMAIL_TEST_SECRET_SERVICE=1``): there a
missing one, or missing ``dbus-run-session``/``gnome-keyring-daemon``, is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("OUTMAIL_TEST_SECRET_SERVICE") == "1"


def secret_service_problem() -> str | None:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    if not address or address.startswith("disabled:"):
        return "no D-Bus session (run under scripts/run-tests.sh / dbus-run-session)"
    try:
        import secretstorage

        with secretstorage.dbus_init() as bus:
            if not secretstorage.check_service_availability(bus):
                return "no Secret Service on the session bus"
    except Exception as exc:
        return f"Secret Service unreachable: {exc}"
    return None


_PROBLEM = secret_service_problem()
needs_session = pytest.mark.skipif(_PROBLEM is not None and not REQUIRED, reason=str(_PROBLEM))


def run_private_session(tmp_path: Path, unlock: bool, script: str) -> str:
    """Run ``script`` in a fresh session bus with its own gnome-keyring daemon and HOME."""
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHONPATH": str(ROOT),
    }
    start = (
        "printf %s unlock-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        if unlock
        else "gnome-keyring-daemon --start --components=secrets >/dev/null"
    )
    code = textwrap.dedent(script)
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", f'{start}; exec "$0" -c "$1"', sys.executable, code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


needs_gnome_keyring = pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")) and not REQUIRED,
    reason="needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)",
)

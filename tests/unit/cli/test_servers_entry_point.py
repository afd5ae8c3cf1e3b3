"""The real ``outmail-gui`` command in a subprocess: it works headless and never loads Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "outmail-gui"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "OUTMAIL_", "QT_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        }
    )
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(extra)
    return env


def outmail(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "data"), "servers", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(tmp_path, **env),
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.skipif(not SCRIPT.exists(), reason="the outmail-gui console script is not installed in this venv")
def test_servers_list_runs_headless_without_loading_qt(tmp_path: Path) -> None:
    result = outmail(tmp_path, "list", PYTHONPROFILEIMPORTTIME="1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "No outgoing email servers.\n"
    imported = [
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "outmail_gui.store.repository" in imported  # the import trace is really there
    assert not [m for m in imported if m.split(".")[0] in ("PySide6", "shiboken6")]
    assert "keyring" not in imported  # listing needs no keyring


@pytest.mark.skipif(not SCRIPT.exists(), reason="the outmail-gui console script is not installed in this venv")
def test_end_to_end_with_exit_codes(tmp_path: Path) -> None:
    keyring_env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    added = outmail(
        tmp_path,
        "add", "--name", "Main", "--server", "smtp.example.com", "--outgoing-email-id", "a@example.com",
        "--password-stdin", "--json",
        stdin="sëcret\n",
        **keyring_env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    record = json.loads(added.stdout)
    shown = outmail(tmp_path, "show", "main", **keyring_env)
    assert shown.returncode == 0 and "insecure: plain-text file" in shown.stdout

    invalid = outmail(tmp_path, "add", "--name", "X", "--server", "smtp.example.com", "--port", "70000")
    assert invalid.returncode == 2
    assert invalid.stderr.count("\n") == 1 and "Port Number" in invalid.stderr and "Traceback" not in invalid.stderr

    missing = outmail(tmp_path, "delete", "Nope")
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1

    deleted = outmail(tmp_path, "delete", "Main", **keyring_env)
    assert deleted.returncode == 0, deleted.stderr
    plaintext = list((tmp_path / "xdg-data").rglob("keyring_pass.cfg"))
    assert plaintext and record["id"] not in plaintext[0].read_text()  # the delete removed it

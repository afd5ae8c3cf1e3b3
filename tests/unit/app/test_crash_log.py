"""The log file: under the user log directory, rotated and capped, with faulthandler, never a secret."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui import crash_log, seen_secrets
from outmail_gui.crash_log import BACKUPS, LOG_FILE, MAX_BYTES, close_log, log_exception, open_log
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring


@pytest.fixture(autouse=True)
def closed_afterwards(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Only this test's secrets: earlier tests of the session leave theirs in the process-wide set
    # (a test password of x's would redact this module's filler text and the log would not rotate).
    monkeypatch.setattr(seen_secrets, "_seen", set())
    yield
    close_log()


def _raised(message: str) -> crash_log.ExcInfo:
    try:
        raise RuntimeError(message)
    except RuntimeError as exc:
        return (type(exc), exc, exc.__traceback__)


def test_the_log_is_in_the_user_log_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = open_log()
    assert path == tmp_path / "state" / "outmail" / "log" / LOG_FILE
    assert open_log() == path  # opened once


def test_a_password_passed_through_a_logged_error_never_reaches_the_file(tmp_path: Path) -> None:
    MemoryKeyring.reset()
    SecretStore(MemoryKeyring()).set_password("srv-1", "s3cret-Password")  # the keyring's password
    ProbeRequest("h", password="typed-Pa55", oauth_token="eyJ.token.value")  # a typed one, a token
    path = open_log(tmp_path)
    b64 = base64.b64encode(b"\0ann\0s3cret-Password").decode()  # as an AUTH PLAIN payload
    details = log_exception(
        "Unexpected error", _raised(f"auth s3cret-Password typed-Pa55 eyJ.token.value failed: {b64}")
    )
    text = path.read_text(encoding="utf-8")
    for secret in ("s3cret-Password", "typed-Pa55", "eyJ.token.value", b64):
        assert secret not in text and secret not in details
    assert "RuntimeError: auth <redacted> <redacted> <redacted> failed: <redacted>" in text
    assert "Traceback (most recent call last)" in text and "in _raised" in text


def test_the_file_is_rotated_and_capped(tmp_path: Path) -> None:
    path = open_log(tmp_path)
    # About 5 MB of errors. The filler is punctuation: letters could hold a secret another test
    # used ("xxx"), and the redaction would shorten the whole run of them to "<redacted>".
    for number in range(800):
        log_exception(f"error {number} " + "." * 6000, _raised("repeated"))
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == [LOG_FILE, *(f"{LOG_FILE}.{n}" for n in range(1, BACKUPS + 1))]
    assert all(f.stat().st_size <= MAX_BYTES for f in files)
    assert "error 799" in path.read_text(encoding="utf-8")


def test_faulthandler_writes_a_fatal_crash_into_the_log(tmp_path: Path) -> None:
    code = (
        "import faulthandler, sys\n"
        "from pathlib import Path\n"
        "from outmail_gui.crash_log import open_log\n"
        "open_log(Path(sys.argv[1]))\n"
        "faulthandler._sigsegv()\n"
    )
    env = {**os.environ, "PYTHONFAULTHANDLER": ""}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert result.returncode != 0
    text = (tmp_path / LOG_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text and 'File "<string>", line 5' in text

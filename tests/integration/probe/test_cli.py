"""``outmail-gui probe`` and ``outmail-gui test NAME`` end to end (in-process, real servers)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.cli.main import run
from outmail_gui.domain.settings import Protocol, new_server
from tests.integration.probe.conftest import PASSWORD, USER, assert_no_secret
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_probe_json_passes_with_password_from_env(
    smtp_server: Any, tls: TlsMaterial, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server()
    monkeypatch.setenv("OUTMAIL_TEST_PW", PASSWORD)
    code, out, err = cli(
        capsys,
        "probe",
        "--server",
        "localhost",
        "--port",
        str(server.port),
        "--security",
        "starttls",
        "--ca-file",
        str(tls.ca_file),
        "--login-id",
        USER,
        "--password-env",
        "OUTMAIL_TEST_PW",
        "--auth",
        "PLAIN,CRAM-MD5",
        "--from",
        "helpdesk@example.com",
        "--to",
        "user@example.com",
        "--json",
    )
    assert code == 0, out + err
    data = json.loads(out)
    assert data["ok"] is True and data["failed_step"] is None
    assert {"steps", "hint", "tls", "auth", "capabilities", "transcript"} <= set(data)
    assert all({"name", "ok", "detail", "elapsed_ms"} <= set(step) for step in data["steps"])
    assert data["auth"]["mechanism"] == "CRAM-MD5"
    assert data["tls"]["certificate"]["sha256"]
    assert_no_secret(out + err)


def test_probe_text_report_and_exit_1_on_failure(
    smtp_server: Any, tls: TlsMaterial, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_server()
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong-Pässwörd\n"))
    code, out, err = cli(
        capsys,
        "probe",
        "--server",
        "localhost",
        "--port",
        str(server.port),
        "--ca-file",
        str(tls.ca_file),
        "--login-id",
        USER,
        "--password-stdin",
        "--transcript",
    )
    assert code == 1
    assert "FAIL  AUTH" in out and "Result: FAILED at AUTH" in out and "What to do:" in out
    assert "<redacted>" in out
    assert_no_secret(out + err, "wrong-Pässwörd")


def test_probe_untrusted_certificate_exit_1(smtp_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    server = smtp_server()
    code, out, _err = cli(capsys, "probe", "--server", "localhost", "--port", str(server.port), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["failed_step"] == "tls"
    assert data["tls"]["certificate"]["sha256"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--port", "70000"], "out of range"),
        (["--port", "0"], "out of range"),
        (["--to", "a@example.com\r\nRCPT TO:<evil@example.com>", "--from", "b@example.com"], "control character"),
        (["--from", "x\n@example.com", "--to", "b@example.com"], "control character"),
        (["--auth", "PLAIN,BOGUS"], "unknown authentication method"),
        (["--timeout", "0"], "--timeout"),
        (["--password-env", "OUTMAIL_NO_SUCH_VARIABLE"], "is not set"),
        (["--ca-file", "/nonexistent/ca.pem"], "--ca-file"),
        (["--to", "b@example.com"], "--to needs --from"),
        (["--security", "bogus"], "invalid choice"),
    ],
)
def test_probe_usage_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    try:
        code, out, err = cli(capsys, "probe", "--server", "localhost", *argv)
    except SystemExit as exc:  # argparse's own errors
        code, (out, err) = int(exc.code or 0), capsys.readouterr()
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_probe_bad_server_name_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "probe", "--server", "bad host\r\nname")
    assert code == 2 and "--server" in err


def test_saved_server_test_uses_stored_settings_and_keyring_password(
    smtp_server: Any,
    tls: TlsMaterial,
    handler: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from outmail_gui.store.repository import ServerRepository
    from outmail_gui.store.secrets import SecretStore

    server = smtp_server()
    record = new_server(
        Protocol.SMTP,
        name="Helpdesk relay",
        server="localhost",
        port=server.port,
        login_id=USER,
        outgoing_email_id="helpdesk@example.com",
        send_receipt=True,
        connection_timeout_s=10,
    )
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with ServerRepository.open(data_dir) as repo:
        saved = repo.save(record)
    SecretStore().set_password(saved.id, PASSWORD)
    code, out, err = cli(
        capsys,
        "--data-dir",
        str(data_dir),
        "test",
        "Helpdesk relay",
        "--ca-file",
        str(tls.ca_file),
        "--to",
        "someone@example.com",
        "--json",
    )
    assert code == 0, out + err
    data = json.loads(out)
    assert data["ok"] and data["steps"][-2]["name"] == "message"
    assert b"Disposition-Notification-To: helpdesk@example.com" in handler.messages[0]["data"]
    assert_no_secret(out + err)
    code, out, err = cli(capsys, "--data-dir", str(data_dir), "test", "No such server")
    assert code == 1 and "no server named" in err


def test_console_script_runs_without_qt_and_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "outmail_gui", "probe", "--server", "127.0.0.1", "--port", "1", "--timeout", "2"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[3])},
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "FAIL  Connect" in proc.stdout

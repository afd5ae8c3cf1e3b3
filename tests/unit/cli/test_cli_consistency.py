"""QA regressions, run as a user runs them: the real ``outmail-gui`` in a subprocess, real SQLite
files, and a real keyring backend (keyrings.alt's plain-text file under a private HOME, or
keyring's own "fail" backend for an unavailable keyring)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.cli.test_servers_entry_point import ROOT, SCRIPT, environment

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="the outmail-gui console script is not installed")

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
FAIL = "keyring.backends.fail.Keyring"


def run(tmp_path: Path, *args: str, stdin: bytes = b"", keyring: str = PLAINTEXT) -> subprocess.CompletedProcess[str]:
    env = environment(tmp_path, HOME=str(tmp_path / "home"), PYTHON_KEYRING_BACKEND=keyring)
    done = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "data"), *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def stored_password(tmp_path: Path, server_id: str) -> str | None:
    env = environment(tmp_path, HOME=str(tmp_path / "home"), PYTHON_KEYRING_BACKEND=PLAINTEXT)
    done = subprocess.run(
        [sys.executable, "-m", "keyring", "get", "outmail", server_id],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    return done.stdout[:-1] if done.returncode == 0 else None


def one_line_error(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("outmail-gui"), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def add(tmp_path: Path, name: str, *extra: str, stdin: bytes = b"") -> dict[str, object]:
    result = run(
        tmp_path, "servers", "add", "--name", name, "--server", "smtp.example.com", *extra, "--json", stdin=stdin
    )
    assert result.returncode == 0, result.stderr
    record: dict[str, object] = json.loads(result.stdout)
    return record


# --- 1. values are trimmed once, in the domain ----------------------------------------------------


def test_spaces_around_values_are_not_stored(tmp_path: Path) -> None:
    added = run(
        tmp_path,
        "servers", "add", "--name", "  Spaced  ", "--server", " t.example.com ", "--login-id", " bob ",
        "--outgoing-email-id", " a@example.com ", "--password-stdin",
        stdin=b"  keep my spaces  \n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added 'Spaced' (SMTP).\n"
    shown = json.loads(run(tmp_path, "servers", "show", "spaced", "--json").stdout)
    assert (shown["name"], shown["server"], shown["login_id"], shown["outgoing_email_id"]) == (
        "Spaced", "t.example.com", "bob", "a@example.com"
    )  # fmt: skip
    assert stored_password(tmp_path, str(shown["id"])) == "  keep my spaces  "  # passwords are never trimmed
    listed = run(tmp_path, "servers", "list").stdout.splitlines()[1].split("  ")
    assert listed[:2] == ["Spaced", "SMTP"] and "t.example.com" in listed
    exported = json.loads(run(tmp_path, "servers", "export").stdout)["servers"][0]
    assert (exported["name"], exported["server"], exported["login_id"]) == ("Spaced", "t.example.com", "bob")


def test_ipv6_with_and_without_brackets_is_stored_the_same_way(tmp_path: Path) -> None:
    assert add(tmp_path, "A", "--outgoing-email-id", "a@example.com")["server"] == "smtp.example.com"
    edited = run(tmp_path, "servers", "edit", "A", "--server", "[::1]", "--json")
    assert json.loads(edited.stdout)["server"] == "::1"
    again = run(tmp_path, "servers", "edit", "A", "--server", "::1")
    assert again.returncode == 0 and again.stdout.startswith("Nothing changed")


# --- 2. delete while the keyring is unavailable ---------------------------------------------------


def test_delete_with_an_unavailable_keyring_says_the_password_stayed(tmp_path: Path) -> None:
    record = add(tmp_path, "PW", "--outgoing-email-id", "a@example.com", "--password-stdin", stdin=b"secret\n")
    assert stored_password(tmp_path, str(record["id"])) == "secret"
    result = run(tmp_path, "servers", "delete", "PW", keyring=FAIL)
    assert result.returncode == 0 and result.stdout == "Deleted 'PW'.\n"  # the deletion happened
    warning = result.stderr
    assert warning.startswith("outmail-gui: warning: ") and warning.count("\n") == 1
    assert "could not be removed from the keyring" in warning and "no usable keyring" in warning
    assert str(record["id"]) in warning  # where it is left, to remove it later
    assert json.loads(run(tmp_path, "servers", "list", "--json").stdout) == []
    assert stored_password(tmp_path, str(record["id"])) == "secret"  # the message tells the truth


# --- 3. --password-stdin / --password-env: one rule for every command -----------------------------


def test_password_stdin_is_the_first_line_for_add_and_edit(tmp_path: Path) -> None:
    record = add(tmp_path, "A", "--outgoing-email-id", "a@example.com", "--password-stdin", stdin=b"first\nsecond\n")
    assert stored_password(tmp_path, str(record["id"])) == "first"
    assert run(tmp_path, "servers", "edit", "A", "--password-stdin", stdin="pässwört\r\nrest".encode()).returncode == 0
    assert stored_password(tmp_path, str(record["id"])) == "pässwört"


@pytest.mark.parametrize(
    ("command", "stdin", "words"),
    [
        (("servers", "add", "--name", "A", "--server", "a.example"), b"\xff\xfebad\n", ("not valid UTF-8",)),
        (("servers", "add", "--name", "A", "--server", "a.example"), b"\nsecond line\n", ("no password",)),
        (("servers", "add", "--name", "A", "--server", "a.example"), b"", ("no password",)),
        (("probe", "--server", "127.0.0.1", "--port", "9"), b"\xff\xfebad\n", ("not valid UTF-8",)),
        (("probe", "--server", "127.0.0.1", "--port", "9"), b"\n", ("no password",)),
    ],
)
def test_password_stdin_refusals_are_the_same_everywhere(
    tmp_path: Path, command: tuple[str, ...], stdin: bytes, words: tuple[str, ...]
) -> None:
    result = run(tmp_path, *command, "--password-stdin", stdin=stdin)
    one_line_error(result, 2, "--password-stdin", *words)
    assert result.stdout == ""


@pytest.mark.parametrize(
    "command", [("servers", "add", "--name", "A", "--server", "a.example"), ("probe", "--server", "127.0.0.1")]
)
def test_password_env_refusals_are_the_same_everywhere(tmp_path: Path, command: tuple[str, ...]) -> None:
    one_line_error(run(tmp_path, *command, "--password-env", "OUTMAIL_TEST_UNSET_VAR"), 2, "is not set")
    env_run = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "data"), *command, "--password-env", "PW"],
        capture_output=True,
        text=True,
        env=environment(tmp_path, HOME=str(tmp_path / "home"), PYTHON_KEYRING_BACKEND=PLAINTEXT, PW=""),
        cwd=ROOT,
        timeout=60,
    )
    one_line_error(env_run, 2, "--password-env", "the environment variable it names is empty")


# --- 4. Sent From Analyst without an Outgoing Email ID ---------------------------------------------


def test_test_command_needs_the_analyst_address_before_connecting(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = str(listener.getsockname()[1])
        add(tmp_path, "X", "--server", "127.0.0.1", "--port", port, "--no-use-ssl", "--sent-from-analyst")
        result = run(tmp_path, "test", "X", "--to", "someone@example.com")
        one_line_error(result, 2, "'X' has Sent From Analyst on and no Outgoing Email ID", "--analyst-email")
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
        run(tmp_path, "servers", "edit", "X", "--reply-to-forwarding-analyst")
        both = run(tmp_path, "test", "X", "--to", "someone@example.com", "--dry-run")
        one_line_error(both, 2, "Sent From Analyst and Reply to Forwarding Analyst", "--analyst-email")
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_routing_does_not_claim_a_fallback_to_an_empty_address(tmp_path: Path) -> None:
    add(tmp_path, "X", "--sent-from-analyst", "--reply-to-forwarding-analyst", "--default")
    result = run(tmp_path, "--analyst", "nobody", "routing")
    assert result.returncode == 0, result.stderr
    assert "error: Sent From Analyst is on for 'X'" in result.stdout and "no From address" in result.stdout
    assert "falls back to the Outgoing Email ID" not in result.stdout
    assert "replies go to the Outgoing Email ID" not in result.stdout


# --- 5. wording ---------------------------------------------------------------------------------------


def test_not_found_is_worded_the_same_by_every_command(tmp_path: Path) -> None:
    messages = {
        one_line_error(run(tmp_path, *command), 1)
        for command in (
            ("servers", "show", " Nope "),
            ("servers", "delete", "Nope"),
            ("servers", "set-default", "Nope"),
            ("test", "Nope"),
            ("oauth", "status", "Nope"),
        )
    }
    assert messages == {"outmail-gui: there is no server named 'Nope' (see: outmail-gui servers list)\n"}


def test_edit_without_options_says_nothing_changed(tmp_path: Path) -> None:
    add(tmp_path, "A", "--outgoing-email-id", "a@example.com")
    result = run(tmp_path, "servers", "edit", "A")
    assert (result.returncode, result.stdout) == (0, "Nothing changed: no setting to change was given for 'A'.\n")
    assert json.loads(run(tmp_path, "servers", "show", "A", "--json").stdout)["revision"] == 1


def test_set_default_prints_json(tmp_path: Path) -> None:
    add(tmp_path, "A", "--outgoing-email-id", "a@example.com")
    result = run(tmp_path, "servers", "set-default", "a", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["name"], record["is_default"], record["revision"]) == ("A", True, 2)


def test_messages_have_no_double_full_stops_and_agree_in_number(tmp_path: Path) -> None:
    exchange = run(tmp_path, "servers", "add", "--name", "E", "--server", "SMTP.Office365.COM.", "--no-use-ssl")
    assert ".." not in one_line_error(exchange, 2, "Exchange 365")
    mapi = run(tmp_path, "servers", "add", "--protocol", "mapi", "--name", "M", "--timeout", "5", "--chunking")
    one_line_error(mapi, 2, "--chunking, --timeout do not apply to MAPI servers")
    document = {
        "format": "outmail-servers",
        "version": 1,
        "servers": [
            {"protocol": "smtp", "name": "I", "server": "a.example", "port": 70000, "outgoing_email_id": "a@b.com"}
        ],
    }
    (tmp_path / "in.json").write_text(json.dumps(document), encoding="utf-8")
    refused = run(tmp_path, "servers", "import", str(tmp_path / "in.json"))
    assert ".." not in one_line_error(refused, 2, "65535. Nothing was imported.")


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    from outmail_gui.domain.settings import new_server
    from outmail_gui.store.repository import ServerRepository

    with ServerRepository.open(tmp_path / "data") as repo, repo.transaction():
        for number in range(300):  # far more JSON than a pipe buffers (64 KiB)
            repo.save(
                new_server(
                    "smtp", name=f"Relay {number:04}", server="smtp.example.com", outgoing_email_id="a@example.com"
                )
            )
    env = environment(tmp_path, HOME=str(tmp_path / "home"), PYTHON_KEYRING_BACKEND=PLAINTEXT)
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert reader.stdin is not None
    writer = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "data"), "servers", "list", "--json"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    reader.stdin.close()
    reader.wait(timeout=30)
    assert "Traceback" not in writer.stderr.decode()

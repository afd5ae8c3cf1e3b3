"""``outmail-gui servers``: every command, its exit codes and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.paths import database_path
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from tests.support.keyrings import MemoryKeyring
from tests.unit.cli.servers_harness import Outcome, run_servers

BASIC = ("--server", "smtp.example.com", "--outgoing-email-id", "desk@example.com")
PASSWORD = "Pässwörd ✓ 密码"


def add(data: Path, name: str, *extra: str, stdin: str = "") -> Outcome:
    return run_servers(data, "add", "--name", name, *BASIC, *extra, stdin=stdin)


def show(data: Path, name: str) -> dict[str, Any]:
    result = run_servers(data, "show", name, "--json")
    assert result.code == 0, result.err
    value: dict[str, Any] = json.loads(result.out)
    return value


def assert_failed(result: Outcome, code: int, *words: str) -> None:
    assert result.code == code, (result.out, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("outmail-gui")
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err


def test_list_empty(data: Path) -> None:
    result = run_servers(data, "list")
    assert (result.code, result.out) == (0, "No outgoing email servers.\n")
    assert json.loads(run_servers(data, "list", "--json").out) == []


def test_add_list_show(data: Path, memory_keyring: type[MemoryKeyring]) -> None:
    assert add(data, "Main", "--default").code == 0
    assert add(data, "backup").code == 0
    table = run_servers(data, "list").out.splitlines()
    assert table[0].split() == ["NAME", "PROTOCOL", "SERVER", "PORT", "ACTIVE", "DEFAULT", "PARTITION"]
    assert [line.split()[0] for line in table[1:]] == ["backup", "Main"]
    listed = json.loads(run_servers(data, "list", "--json").out)
    assert [s["name"] for s in listed] == ["backup", "Main"] and listed[1]["is_default"] is True
    text = run_servers(data, "show", "main").out
    assert "Name:" in text and "Main" in text and "Port Number:" in text and "25" in text
    assert "Password:" in text and "not set" in text


def test_add_with_every_smtp_option(data: Path, memory_keyring: type[MemoryKeyring]) -> None:
    with ServerRepository.open(data) as repo:
        repo.add_partition("Sales")
    result = run_servers(
        data,
        "add",
        "--protocol", "smtp",
        "--name", "Full",
        "--server", "bücher.example",
        "--port", "587",
        "--login-id", "svc",
        "--password-stdin",
        "--inactive",
        "--no-use-ssl",
        "--pager-encoding", "iso-8859-15",
        "--auth", "LOGIN,cram-md5,NTLM (SPA)",
        "--send-receipt",
        "--timeout", "300",
        "--chunking",
        "--outgoing-email-id", "jörg@bücher.example",
        "--default",
        "--sent-from-analyst",
        "--reply-to-forwarding-analyst",
        "--partition", "Sales",
        "--trusted-cert-sha256", "ab" * 32,
        "--json",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    shown = show(data, "full")
    assert shown | {"id": "", "password": None} == {
        "protocol": "smtp",
        "id": "",
        "revision": 1,
        "name": "Full",
        "server": "bücher.example",
        "port": 587,
        "login_id": "svc",
        "active": False,
        "use_ssl": False,
        "pager_encoding": "iso-8859-15",
        "auth_auto": False,
        "auth_methods": ["CRAM-MD5", "LOGIN", "NTLM"],
        "use_nt_authentication": False,
        "send_receipt": True,
        "connection_timeout_s": 300,
        "chunking": True,
        "outgoing_email_id": "jörg@bücher.example",
        "is_default": True,
        "sent_from_analyst": True,
        "reply_to_forwarding_analyst": True,
        "partition": "Sales",
        "trusted_cert_sha256": ":".join(["AB"] * 32),  # stored in the one canonical form
        "password": None,
    }
    assert json.loads(result.out)["id"] == shown["id"]
    assert shown["password"]["stored"] is True and shown["password"]["secure"] is True
    assert memory_keyring.passwords == {("outmail", shown["id"]): PASSWORD}
    assert PASSWORD.encode() not in database_path(data).read_bytes()
    assert PASSWORD not in result.out + result.err


def test_add_mapi(data: Path) -> None:
    result = run_servers(data, "add", "--protocol", "mapi", "--name", "Legacy", "--outgoing-email-id", "a@example.com")
    assert_failed(result, 2, "MAPI Mail Server must be configured")
    assert run_servers(data, "mapi-mail-server", "mapi.example.com").code == 0
    assert run_servers(data, "mapi-mail-server").out.strip() == "mapi.example.com"
    result = run_servers(
        data, "add", "--protocol", "mapi", "--name", "Legacy", "--outgoing-email-id", "a@example.com",
        "--use-nt-authentication", "--port", "1593",
    )  # fmt: skip
    assert result.code == 0 and "warning: MAPI is no longer supported" in result.err
    shown = show(data, "Legacy")
    assert (shown["server"], shown["port"], shown["use_nt_authentication"]) == ("localhost", 1593, True)
    assert_failed(run_servers(data, "mapi-mail-server", "bad host name"), 2, "spaces")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("--protocol", "mapi", "--use-ssl"), ("--use-ssl does not apply to MAPI",)),
        (("--use-nt-authentication",), ("--use-nt-authentication does not apply to SMTP",)),
        (("--port", "0"), ("--port", "between 1 and 65535")),
        (("--timeout", "0"), ("--timeout", "Connection Timeout")),
        (("--auth", "CARRIER-PIGEON"), ("unknown authentication method",)),
        (("--auth", "none,LOGIN"), ("cannot be combined",)),
        (("--auth", ","), ("--auth needs",)),
        (("--server", "smtp.office365.com", "--no-use-ssl"), ("Exchange 365",)),
        (("--outgoing-email-id", "not-an-address"), ("--outgoing-email-id",)),
        (("--pager-encoding", "klingon"), ("Unknown encoding",)),
        (("--partition", "Nowhere"), ("no partition named",)),
        (("--port", "abc"), ("'abc' is not a whole number",)),
        (
            ("--password-env", "OUTMAIL_TEST_UNSET_VAR"),
            ("--password-env: the environment variable it names is not set",),
        ),
        (("--password-stdin",), ("no password on standard input",)),
        (("--no-password",), ("only applies to edit",)),
    ],
)
def test_invalid_values_exit_2_and_save_nothing(data: Path, options: tuple[str, ...], words: tuple[str, ...]) -> None:
    result = run_servers(data, "add", "--name", "X", *BASIC, *options)
    assert_failed(result, 2, *words)
    assert json.loads(run_servers(data, "list", "--json").out) == []


def test_name_is_required_and_unique(data: Path) -> None:
    assert_failed(run_servers(data, "add", *BASIC), 2, "--name", "Enter a name")
    assert add(data, "Main").code == 0
    assert_failed(add(data, " MAIN "), 2, "unique")


def test_usage_errors_exit_2(data: Path) -> None:
    assert run_servers(data).code == 2
    assert run_servers(data, "frobnicate").code == 2
    assert run_servers(data, "import", "x.json", "--on-duplicate", "merge").code == 2


def test_no_authentication_notice(data: Path) -> None:
    result = add(data, "Open relay", "--auth", "none")
    assert result.code == 0 and "notice: No authentication will be used" in result.err


def test_password_from_environment(
    data: Path, memory_keyring: type[MemoryKeyring], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PW", PASSWORD)
    assert add(data, "Main", "--password-env", "SMTP_PW").code == 0
    assert list(memory_keyring.passwords.values()) == [PASSWORD]


def test_edit_changes_fields_and_rename_keeps_the_password(data: Path, memory_keyring: type[MemoryKeyring]) -> None:
    add(data, "Main", "--password-stdin", stdin=PASSWORD)
    before = show(data, "Main")
    result = run_servers(data, "edit", "main", "--name", "Primary", "--port", "465", "--no-chunking", "--auth", "auto")
    assert result.code == 0, result.err
    after = show(data, "Primary")
    assert (after["id"], after["port"], after["revision"]) == (before["id"], 465, 2)
    assert after["password"]["stored"] is True
    assert memory_keyring.passwords == {("outmail", before["id"]): PASSWORD}
    assert_failed(run_servers(data, "show", "Main"), 1, "no server named 'Main'")


def test_edit_password_and_remove_it(data: Path, memory_keyring: type[MemoryKeyring]) -> None:
    add(data, "Main", "--password-stdin", stdin="old")
    assert run_servers(data, "edit", "Main", "--password-stdin", stdin="new\r\n").code == 0
    assert list(memory_keyring.passwords.values()) == ["new"]
    assert run_servers(data, "edit", "Main", "--no-password").code == 0
    assert memory_keyring.passwords == {}
    assert show(data, "Main")["password"]["stored"] is False


def test_edit_without_changes_keeps_the_revision(data: Path) -> None:
    add(data, "Main", "--port", "587")
    assert run_servers(data, "edit", "Main", "--port", "587").code == 0
    assert show(data, "Main")["revision"] == 1


def test_edit_unknown_server_exits_1(data: Path) -> None:
    assert_failed(run_servers(data, "edit", "Nope", "--port", "2525"), 1, "no server named 'Nope'")


def test_edit_conflict_exits_1_and_keeps_the_other_change(
    data: Path, memory_keyring: type[MemoryKeyring], monkeypatch: pytest.MonkeyPatch
) -> None:
    add(data, "Main", "--password-stdin", stdin="original")
    original_transaction = ServerRepository.transaction

    def racing_transaction(self: ServerRepository, secrets: Any = None) -> Any:
        with ServerRepository.open(self.data_dir) as other:  # another command saves first
            theirs = other.find_by_name("Main")
            assert theirs is not None
            other.save(theirs.with_changes(login_id="theirs"))
        return original_transaction(self, secrets)

    monkeypatch.setattr(ServerRepository, "transaction", racing_transaction)
    result = run_servers(data, "edit", "Main", "--port", "2525", "--password-stdin", stdin="mine")
    monkeypatch.undo()
    assert_failed(result, 1, "'Main' was changed elsewhere")
    shown = show(data, "Main")
    assert (shown["login_id"], shown["port"]) == ("theirs", 25)
    assert list(memory_keyring.passwords.values()) == ["original"]  # the losing save never touched it


def test_delete_removes_the_password(data: Path, memory_keyring: type[MemoryKeyring]) -> None:
    add(data, "Main", "--password-stdin", stdin=PASSWORD)
    result = run_servers(data, "delete", "MAIN")
    assert result.code == 0 and "Deleted 'Main'" in result.out
    assert memory_keyring.passwords == {}
    assert_failed(run_servers(data, "delete", "Main"), 1, "no server named")


def test_delete_without_any_keyring_deletes_but_says_the_password_may_remain(data: Path, no_keyring: None) -> None:
    # The keyring may only be out of reach now (a password stored earlier is still there):
    # never report a clean delete.
    add(data, "Main")
    result = run_servers(data, "delete", "Main")
    assert result.code == 0 and result.out == "Deleted 'Main'.\n"  # the deletion happened
    assert result.err.startswith("outmail-gui: warning: its password could not be removed from the keyring")
    assert "no usable" in result.err and "keyring del outmail" in result.err and result.err.count("\n") == 1
    assert json.loads(run_servers(data, "list", "--json").out) == []


def test_delete_with_a_locked_keyring_reports_the_left_password(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(data, "Main")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.LockedKeyring")
    result = run_servers(data, "delete", "Main")
    assert result.code == 0 and "Deleted 'Main'." in result.out
    assert "warning: its password could not be removed from the keyring: the keyring is locked" in result.err


def test_set_default_moves_the_default(data: Path) -> None:
    add(data, "A", "--default")
    add(data, "B")
    assert run_servers(data, "set-default", "b").code == 0
    defaults = [s["name"] for s in json.loads(run_servers(data, "list", "--json").out) if s["is_default"]]
    assert defaults == ["B"]
    assert_failed(run_servers(data, "set-default", "C"), 1, "no server named 'C'")


def test_edit_default_flag(data: Path) -> None:
    add(data, "A", "--default")
    add(data, "B")
    assert run_servers(data, "edit", "B", "--default").code == 0
    assert not show(data, "A")["is_default"] and show(data, "B")["is_default"]
    assert run_servers(data, "edit", "B", "--no-default").code == 0
    assert not show(data, "B")["is_default"]


def test_locked_keyring_exits_1_and_saves_nothing(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.LockedKeyring")
    result = add(data, "Main", "--password-stdin", stdin=PASSWORD)
    assert_failed(result, 1, "locked", "LockedKeyring")
    assert PASSWORD not in result.err + result.out
    assert json.loads(run_servers(data, "list", "--json").out) == []


def test_dismissed_prompt_exits_1(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.DismissedKeyring")
    assert_failed(add(data, "Main", "--password-stdin", stdin=PASSWORD), 1, "prompt was dismissed")


def test_no_keyring_refuses_passwords_but_not_servers(data: Path, no_keyring: None) -> None:
    assert_failed(add(data, "Main", "--password-stdin", stdin=PASSWORD), 1, "No usable keyring")
    assert json.loads(run_servers(data, "list", "--json").out) == []
    assert add(data, "Main").code == 0
    shown = show(data, "Main")
    assert shown["password"]["stored"] is None and shown["password"]["keyring"] == "no keyring"


def test_insecure_keyring_is_labelled(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    assert add(data, "Main", "--password-stdin", stdin="pw").code == 0
    text = run_servers(data, "show", "Main").out
    assert "insecure: plain-text file" in text
    assert show(data, "Main")["password"]["secure"] is False


def test_convert_to_smtp(data: Path) -> None:
    run_servers(data, "mapi-mail-server", "mapi.example.com")
    run_servers(data, "add", "--protocol", "mapi", "--name", "Legacy", "--outgoing-email-id", "a@example.com")
    before = show(data, "Legacy")
    assert run_servers(data, "convert-to-smtp", "legacy").code == 0
    after = show(data, "Legacy")
    assert (after["protocol"], after["port"], after["id"]) == ("smtp", 25, before["id"])
    assert_failed(run_servers(data, "convert-to-smtp", "Legacy"), 2, "already an SMTP server")


def test_export_and_import(data: Path, tmp_path: Path, memory_keyring: type[MemoryKeyring]) -> None:
    add(data, "Main", "--password-stdin", stdin=PASSWORD)
    add(data, "Backup")
    exported = run_servers(data, "export")
    assert exported.code == 0 and PASSWORD not in exported.out
    document = json.loads(exported.out)
    assert document["format"] == "outmail-servers" and len(document["servers"]) == 2
    target = tmp_path / "export.json"
    result = run_servers(data, "export", str(target))
    assert result.code == 0 and "Exported 2 server(s)" in result.out
    assert json.loads(target.read_text("utf-8"))["servers"] == document["servers"]

    other = tmp_path / "other"
    result = run_servers(other, "import", str(target), "--json")
    assert result.code == 0 and json.loads(result.out)["added"] == ["Backup", "Main"]
    result = run_servers(other, "import", str(target), "--on-duplicate", "rename")
    assert result.code == 0 and "2 renamed" in result.out and "'Main' was imported as 'Main (2)'" in result.out
    result = run_servers(other, "import", "-", "--on-duplicate", "skip", stdin=exported.out)
    assert result.code == 0 and "2 skipped" in result.out
    result = run_servers(other, "import", str(target), "--on-duplicate", "replace")
    assert result.code == 0 and "2 replaced" in result.out
    assert len(json.loads(run_servers(other, "list", "--json").out)) == 4


def test_import_refusals_exit_2_and_change_nothing(
    data: Path, tmp_path: Path, memory_keyring: type[MemoryKeyring]
) -> None:
    add(data, "Main")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "outmail-servers", "version": 1, "servers": [', encoding="utf-8")
    assert_failed(run_servers(data, "import", str(bad)), 2, "truncated")
    bad.write_text(json.dumps({"format": "outmail-servers", "version": 7, "servers": []}), encoding="utf-8")
    assert_failed(run_servers(data, "import", str(bad)), 2, "newer version")
    assert_failed(run_servers(data, "import", str(tmp_path / "missing.json")), 2, "Cannot read")
    with_pw = tmp_path / "pw.json"
    server = {"protocol": "smtp", "name": "New", "server": "h.example.com", "outgoing_email_id": "a@example.com"}
    with_pw.write_text(
        json.dumps({"format": "outmail-servers", "version": 1, "servers": [server | {"password": PASSWORD}]}),
        encoding="utf-8",
    )
    result = run_servers(data, "import", str(with_pw))
    assert_failed(result, 2, "contains passwords", "--accept-passwords")
    assert PASSWORD not in result.err
    assert [s["name"] for s in json.loads(run_servers(data, "list", "--json").out)] == ["Main"]
    result = run_servers(data, "import", str(with_pw), "--accept-passwords")
    assert result.code == 0 and "1 password(s) moved into the keyring" in result.out
    assert show(data, "New")["password"]["stored"] is True


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTMAIL_DATA_DIR", str(tmp_path / "env-dir"))
    assert run_servers(None, "add", "--name", "Env", *BASIC).code == 0
    assert database_path(tmp_path / "env-dir").exists()


def test_damaged_database_offers_the_backup(data: Path) -> None:
    add(data, "Main")
    assert run_servers(data, "list").code == 0  # second open: first daily backup
    assert len(run_servers(data, "backups", "--json").out.strip().splitlines()) >= 1
    database_path(data).write_bytes(b"garbage" * 2000)
    for suffix in ("-wal", "-shm"):
        database_path(data).with_name(database_path(data).name + suffix).unlink(missing_ok=True)
    result = run_servers(data, "list")
    assert_failed(result, 1, "damaged", "servers restore-backup", str(data))
    restored = run_servers(data, "restore-backup")
    assert restored.code == 0 and "Restored" in restored.out
    assert [s["name"] for s in json.loads(run_servers(data, "list", "--json").out)] == ["Main"]


def test_restore_without_backups(data: Path) -> None:
    assert_failed(run_servers(data, "restore-backup"), 1, "there is no backup")
    assert run_servers(data, "backups").out == "No backups.\n"


def test_newer_schema_exits_1(data: Path) -> None:
    add(data, "Main")
    import sqlite3

    conn = sqlite3.connect(database_path(data))
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    assert_failed(run_servers(data, "list"), 1, "newer version of Outmail")


def test_analyst_may_only_pick_their_partitions(data: Path) -> None:
    with ServerRepository.open(data) as repo:
        repo.set_partitioning_enabled(True)
        repo.add_partition("Sales")
        repo.add_partition("Support")
        PartitionAdmin.of(repo).save_analyst(Analyst("ann", partitions=frozenset({"Sales"})))
    as_ann = ("--analyst", "ann")
    denied = run_servers(data, "add", "--name", "S", *BASIC, "--partition", "Support", global_args=as_ann)
    assert_failed(denied, 2, "--partition", "no partition named 'Support'")
    allowed = run_servers(data, "add", "--name", "S", *BASIC, "--partition", "Sales", global_args=as_ann)
    assert allowed.code == 0, allowed.err
    assert show(data, "S")["partition"] == "Sales"


@pytest.mark.parametrize("typed", ["hr", "Hr", "\uff48\uff52", "H\u200bR"])
def test_partition_is_found_by_any_spelling_of_its_name(data: Path, typed: str) -> None:
    with ServerRepository.open(data) as repo:
        repo.set_partitioning_enabled(True)
        repo.add_partition("HR")
        repo.add_partition("Caf\u00e9")
        PartitionAdmin.of(repo).save_analyst(Analyst("ann", partitions=frozenset({"HR"})))
    first = add(data, "First", "--partition", typed)
    assert first.code == 0, first.err
    assert show(data, "First")["partition"] == "HR"
    # The "another active server in this partition" warning sees the other spelling too.
    second = run_servers(data, "add", "--name", "Second", *BASIC, "--partition", "HR", global_args=("--analyst", "ANN"))
    assert second.code == 0 and "'First' also sends for partition 'HR'" in second.err
    assert add(data, "Third", "--partition", "Cafe\u0301").code == 0
    assert show(data, "Third")["partition"] == "Caf\u00e9"


@pytest.mark.parametrize("twin", ["MAIN", "Ma\u200bin", "\uff2d\uff41\uff49\uff4e"])
def test_a_server_name_that_looks_the_same_is_refused(data: Path, twin: str) -> None:
    assert add(data, "Main").code == 0
    assert_failed(add(data, twin), 2, "must be unique: 'Main' already exists")


@pytest.mark.parametrize(("name", "words"), [("\u200b\u2060", "no visible characters"), ("Main\u202e", "bidi")])
def test_invisible_and_direction_changing_names_are_refused(data: Path, name: str, words: str) -> None:
    assert_failed(add(data, name), 2, words)


@pytest.mark.parametrize("bad", ["zz", "ab" * 32 + "\nx", "a" * 120_000])
def test_a_pinned_fingerprint_must_be_sha256(data: Path, bad: str) -> None:
    result = add(data, "Main", "--trusted-cert-sha256", bad)
    assert_failed(result, 2, "64 hexadecimal digits")
    assert len(result.err) < 300


def test_a_pinned_fingerprint_is_stored_in_one_form(data: Path) -> None:
    assert add(data, "Main", "--trusted-cert-sha256", "AB" * 32).code == 0
    assert show(data, "Main")["trusted_cert_sha256"] == ":".join(["AB"] * 32)


@pytest.mark.parametrize("codec", ["rot13", "base64", "idna"])
def test_a_pager_encoding_must_be_a_listed_text_encoding(data: Path, codec: str) -> None:
    assert_failed(add(data, "Main", "--pager-encoding", codec), 2, f"Unknown encoding {codec!r}", "utf-8")
    assert add(data, "Main", "--pager-encoding", "latin-1").code == 0
    assert show(data, "Main")["pager_encoding"] == "iso-8859-1"


@pytest.mark.parametrize("zone", ["a b", "x" * 300])
def test_ipv6_zone_ids_are_checked_as_interface_names(data: Path, zone: str) -> None:
    result = run_servers(
        data, "add", "--name", "S", "--server", f"fe80::1%{zone}", "--outgoing-email-id", "a@b.example"
    )
    assert_failed(result, 2, "--server", "after % is not a network interface name")
    assert (
        run_servers(data, "add", "--name", "S", "--server", "fe80::1%eth0", "--outgoing-email-id", "a@b.example").code
        == 0
    )

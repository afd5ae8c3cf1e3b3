"""``partitions``, ``analysts`` and ``settings``: Partition Settings from a shell, on the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from outmail_gui.domain.settings import new_server
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from tests.unit.cli.cli_run import run_cli


@pytest.fixture
def data(tmp_path: Path) -> Path:
    with ServerRepository.open(tmp_path) as repo:
        repo.set_partitioning_enabled(True)
        repo.add_partition("HR")
        repo.add_partition("Sales")
        for name in ("hr-relay", "hr-backup"):
            repo.save(
                new_server(
                    "smtp", name=name, server="mail.example.com", outgoing_email_id="hr@example.com", partition="HR"
                )
            )
    return tmp_path


def test_partitions_list_shows_users_and_the_switch(data: Path) -> None:
    result = run_cli(data, "partitions", "list", "--json")
    assert result.code == EXIT_OK
    assert result.json() == {
        "partitioning_enabled": True,
        "partitions": [
            {"name": "HR", "servers": ["hr-backup", "hr-relay"], "analysts": []},
            {"name": "Sales", "servers": [], "analysts": []},
        ],
    }
    text = run_cli(data, "partitions", "list").out.splitlines()
    assert text[0] == "Email IDs are partitioned: yes"
    assert text[2].split() == ["HR", "hr-backup,", "hr-relay", "-"]


def test_partitions_add_rename_and_their_name_rules(data: Path) -> None:
    added = run_cli(data, "partitions", "add", "  Support  ", "--json")
    assert (added.code, added.json()["name"]) == (EXIT_OK, "Support")
    duplicate = run_cli(data, "partitions", "add", "support")
    assert duplicate.code == EXIT_USAGE
    assert duplicate.err == "outmail-gui: The partition name must be unique: 'Support' already exists.\n"
    assert run_cli(data, "partitions", "add", "   ").code == EXIT_USAGE
    assert run_cli(data, "partitions", "add", "a\nb").code == EXIT_USAGE

    renamed = run_cli(data, "partitions", "rename", "hr", "Human Resources")
    assert renamed.code == EXIT_OK, renamed.err
    assert renamed.out == "Renamed partition 'HR' to 'Human Resources' (2 servers and 0 analysts follow).\n"
    with ServerRepository.open(data) as repo:
        assert {s.partition for s in repo.list_servers()} == {"Human Resources"}
    assert run_cli(data, "partitions", "rename", "Human Resources", "sales").code == EXIT_USAGE
    missing = run_cli(data, "partitions", "rename", "Nope", "X")
    assert (missing.code, missing.err) == (
        EXIT_FAILED,
        "outmail-gui: there is no partition named 'Nope' (see: outmail-gui partitions list)\n",
    )


def test_partition_delete_refuses_while_servers_use_it_and_names_them(data: Path) -> None:
    refused = run_cli(data, "partitions", "delete", "HR")
    assert refused.code == EXIT_FAILED
    assert "'hr-backup', 'hr-relay'" in refused.err and "nothing was deleted" in refused.err
    assert len(refused.err.splitlines()) == 1
    with ServerRepository.open(data) as repo:
        assert repo.list_partitions() == ["HR", "Sales"]

    moved = run_cli(data, "partitions", "delete", "HR", "--move-servers-to", "Sales")
    assert moved.code == EXIT_OK, moved.err
    assert moved.out == "Deleted partition 'HR'; servers 'hr-backup', 'hr-relay' moved to partition 'Sales'.\n"
    assert run_cli(data, "partitions", "delete", "Sales", "--move-servers-to-none").code == EXIT_OK
    with ServerRepository.open(data) as repo:
        assert repo.list_partitions() == []
        assert {s.partition for s in repo.list_servers()} == {None}
    assert run_cli(data, "partitions", "delete", "Sales").code == EXIT_FAILED
    both = run_cli(data, "partitions", "delete", "X", "--move-servers-to", "Y", "--move-servers-to-none")
    assert both.code == EXIT_USAGE


def test_enable_disable_and_settings_show(data: Path) -> None:
    assert run_cli(data, "partitions", "disable").out == "Email IDs are partitioned: off.\n"
    assert run_cli(data, "partitions", "disable").out == "Email IDs are partitioned: off (unchanged).\n"
    shown = run_cli(data, "settings", "show", "--json").json()
    assert shown["partitioning_enabled"] is False
    assert shown["mapi_mail_server"] is None
    assert run_cli(data, "servers", "mapi-mail-server", "mapi.example.com").code == EXIT_OK
    assert run_cli(data, "partitions", "enable").code == EXIT_OK
    shown = run_cli(data, "settings", "show", "--json").json()
    assert (shown["partitioning_enabled"], shown["mapi_mail_server"]) == (True, "mapi.example.com")
    text = run_cli(data, "settings", "show").out
    assert "Email IDs are partitioned:   yes" in text and "MAPI Mail Server:            mapi.example.com" in text
    assert run_cli(data, "settings").code == EXIT_USAGE


def test_analysts_add_edit_grant_revoke_remove(data: Path) -> None:
    added = run_cli(
        data,
        "analysts",
        "add",
        "jdoe",
        "--name",
        "Jane Doe",
        "--email",
        "jane@example.com",
        "--partition",
        "hr",
        "--json",
    )
    assert added.code == EXIT_OK, added.err
    assert added.json() == {
        "login": "jdoe",
        "display_name": "Jane Doe",
        "email": "jane@example.com",
        "partitions": ["HR"],
        "unpartitioned": False,
    }
    assert added.err == ""
    no_mail = run_cli(data, "analysts", "add", "bob")
    assert no_mail.code == EXIT_OK
    assert no_mail.err.startswith("outmail-gui: warning: Without an email address")

    granted = run_cli(data, "analysts", "grant", "BOB", "sales", "HR")
    assert (granted.code, granted.out) == (EXIT_OK, "'bob' may use: HR, Sales.\n")
    revoked = run_cli(data, "analysts", "revoke", "bob", "hr", "--json")
    assert revoked.json()["partitions"] == ["Sales"]
    unchanged = run_cli(data, "analysts", "revoke", "bob", "HR")
    assert unchanged.out.startswith("Nothing changed")
    unpartitioned = run_cli(data, "analysts", "grant", "bob", "--unpartitioned")
    assert unpartitioned.out == "'bob' may use: Sales, (servers without a partition).\n"
    assert run_cli(data, "analysts", "revoke", "bob", "--unpartitioned", "--json").json()["unpartitioned"] is False
    edited = run_cli(data, "analysts", "edit", "bob", "--login", "robert", "--email", "rob@example.com")
    assert (edited.code, edited.out, edited.err) == (EXIT_OK, "Saved analyst 'robert'.\n", "")

    listed = run_cli(data, "analysts", "list", "--json").json()
    assert [a["login"] for a in listed] == ["jdoe", "robert"]
    assert listed[1] == {
        "login": "robert", "display_name": "", "email": "rob@example.com", "partitions": ["Sales"],
        "unpartitioned": False,
    }  # fmt: skip
    table = run_cli(data, "analysts", "list").out.splitlines()
    assert table[0].split() == ["LOGIN", "NAME", "EMAIL", "PARTITIONS"]
    assert table[1].split() == ["jdoe", "Jane", "Doe", "jane@example.com", "HR"]

    assert run_cli(data, "analysts", "remove", "ROBERT").out == "Removed analyst 'robert'.\n"
    with ServerRepository.open(data) as repo:
        assert [a.login for a in PartitionAdmin.of(repo).analysts()] == ["jdoe"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("analysts", "add", "jdoe2", "--email", "not an address"), EXIT_USAGE, "address"),
        (("analysts", "add", "two words"), EXIT_USAGE, "cannot contain spaces"),
        (("analysts", "add", "x", "--partition", "Nope"), EXIT_USAGE, "There is no partition named 'Nope'"),
        (("analysts", "grant", "ann", "Nope"), EXIT_USAGE, "There is no partition named 'Nope'"),
        (("analysts", "revoke", "ann", "Nope"), EXIT_USAGE, "there is no partition named 'Nope'"),
        (("analysts", "edit", "ghost", "--name", "G"), EXIT_FAILED, "there is no analyst with login 'ghost'"),
        (("analysts", "remove", "ghost"), EXIT_FAILED, "there is no analyst with login 'ghost'"),
        (("analysts", "add", "ANN"), EXIT_USAGE, "must be unique"),
        (("analysts", "grant", "ann"), EXIT_USAGE, "PARTITION"),
    ],
)
def test_analysts_bad_input_is_one_line_with_its_exit_code(
    data: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    assert run_cli(data, "analysts", "add", "ann", "--email", "ann@example.com").code == EXIT_OK
    result = run_cli(data, *argv)
    assert result.code == code
    assert message in result.err
    assert len(result.err.splitlines()) == 1
    assert result.out == ""

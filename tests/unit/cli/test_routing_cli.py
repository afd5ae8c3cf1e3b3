"""``outmail-gui routing``: the routing table from the real store, as text and as JSON."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.cli import routing as routing_cli
from outmail_gui.cli.common import ArgumentParser
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, CommandError
from outmail_gui.cli.main import add_global_options, run
from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.settings import new_server
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository


def _run(data_dir: Path, *args: str) -> int:
    parser = ArgumentParser(prog="outmail-gui")
    add_global_options(parser)
    routing_cli.register(parser.add_subparsers(dest="command", parser_class=ArgumentParser))
    ns = parser.parse_args(["--data-dir", str(data_dir), *args])
    result: int = ns.func(ns)
    return result


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with ServerRepository.open(tmp_path) as repo:
        repo.set_partitioning_enabled(True)
        for name in ("Sales", "Support", "HR"):
            repo.add_partition(name)
        admin = PartitionAdmin.of(repo)
        admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"})))
        admin.save_analyst(Analyst("nomail", "No Mail"))

        def add(name: str, **fields: Any) -> None:
            repo.save(
                new_server(
                    "smtp", name=name, server="mail.example.com", outgoing_email_id=f"{name}@example.com", **fields
                )
            )

        add("main", is_default=True)
        add("sales", partition="Sales", sent_from_analyst=True)
        add("hr1", partition="HR")
        add("hr2", partition="HR", reply_to_forwarding_analyst=True)
        add("idle", partition="Support", active=False)
    return tmp_path


def test_json_has_one_route_per_partition_with_headers_for_the_analyst(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(data_dir, "routing", "--analyst", "ANN", "--json") == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["analyst_login"] == "ANN"
    assert data["analyst"] == {
        "login": "ann",
        "display_name": "Ann Lee",
        "email": "ann@example.com",
        "partitions": ["Sales"],
    }
    assert data["partitioning_enabled"] is True
    rows = {r["partition"]: r for r in data["routes"]}
    assert list(rows) == ["HR", "Sales", "Support", None]
    assert rows["Sales"]["server"] == "sales" and rows["Sales"]["outcome"] == "partition"
    assert rows["Sales"]["from"] == "Ann Lee <ann@example.com>"
    assert rows["Sales"]["reply_to"] == "sales@example.com"
    assert rows["HR"]["candidates"] == ["hr1", "hr2"]
    assert [p["kind"] for p in rows["HR"]["problems"]] == ["several_active"]
    assert rows["Support"]["server"] == "main" and rows["Support"]["outcome"] == "default"
    assert [p["kind"] for p in rows["Support"]["problems"]] == ["partition_inactive"]
    assert rows[None]["server"] == "main" and rows[None]["outcome"] == "partition"


def test_text_table_shows_servers_reasons_and_problems(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(data_dir, "--analyst", "ann", "routing") == EXIT_OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Analyst 'ann': Ann Lee <ann@example.com>"
    assert lines[1] == "Email ID partitioning: on"
    assert lines[3].split() == ["PARTITION", "SERVER", "OUTCOME", "FROM", "REPLY-TO"]
    sales = next(line for line in lines if line.startswith("Sales "))
    assert sales.split()[:4] == ["Sales", "sales", "partition's", "server"]
    # The no-partition row's server has no partition: the outcome must not read "partition".
    unassigned = next(line for line in lines if line.startswith("(no partition) "))
    assert unassigned.split()[2:6] == ["main", "server", "without", "partition"]
    assert "warning: 'hr1', 'hr2' are all active for partition 'HR'" in out
    assert "(no partition)" in out
    assert "the default server 'main' sends" in out


def test_the_subcommand_analyst_wins_over_the_global_one(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(data_dir, "--analyst", "ann", "routing", "--analyst", "nomail", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["analyst"]["login"] == "nomail"
    sales = next(r for r in data["routes"] if r["partition"] == "Sales")
    assert sales["from"] == "sales@example.com"
    assert [p["kind"] for p in sales["problems"]] == ["analyst_without_address"]


def test_an_unknown_analyst_is_told_and_headers_fall_back(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(data_dir, "routing", "--analyst", "mallory")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Analyst 'mallory' is not set up in Partition Settings")
    assert "Sent From Analyst is on for 'sales', but no known analyst triggers the email" in out


def test_without_analyst_option_the_os_login_is_used(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "ann")
    _run(data_dir, "routing", "--json")
    assert json.loads(capsys.readouterr().out)["analyst"]["login"] == "ann"


def test_without_partitioning_there_is_one_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ServerRepository.open(tmp_path) as repo:
        repo.save(new_server("smtp", name="only", server="mail.example.com", outgoing_email_id="o@example.com"))
    _run(tmp_path, "routing", "--analyst", "x")
    out = capsys.readouterr().out
    assert "Email ID partitioning: off (every server serves every email)" in out
    table = out.split("\n\n", 1)[1].splitlines()
    assert table[1].split()[:3] == ["(no", "partition)", "only"]
    assert "'only' is the active server for no partition." in out


def test_an_empty_store_cannot_send(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(tmp_path, "routing", "--json", "--analyst", "x")
    routes = json.loads(capsys.readouterr().out)["routes"]
    assert [(r["partition"], r["outcome"]) for r in routes] == [(None, "unsent")]
    assert routes[0]["problems"][0]["kind"] == "no_server"


def test_a_store_error_becomes_a_command_error(tmp_path: Path) -> None:
    (tmp_path / "outmail.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(CommandError) as caught:
        _run(tmp_path, "routing")
    assert caught.value.exit_code == EXIT_FAILED
    assert caught.value.message


def test_report_last_test_failures_come_through_build_report() -> None:
    server = new_server("smtp", name="main", server="m.example.com", outgoing_email_id="m@example.com")
    report = routing_cli.build_report(
        "ann",
        [Analyst("ann", email="ann@example.com")],
        [server],
        [],
        partitioning_enabled=False,
        last_test_failed={server.id: True},
    )
    assert "warning: The last connection test of 'main' failed." in routing_cli.render_text(report)


def test_current_login_prefers_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    assert routing_cli.current_login("  bob ") == "bob"
    assert routing_cli.current_login(None) == "osuser"
    assert routing_cli.current_login("") == "osuser"

    def no_login() -> str:
        raise OSError("no login")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert routing_cli.current_login(None) == ""


def test_the_main_parser_runs_the_command(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(data_dir), "routing", "--json", "--analyst", "ann"]) == EXIT_OK
    routes = json.loads(capsys.readouterr().out)["routes"]
    assert len(routes) == 4


def test_a_damaged_database_is_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "outmail.sqlite3").write_bytes(b"this is not a database" * 100)
    assert run(["--data-dir", str(tmp_path), "routing"]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "damaged" in captured.err


def test_the_last_test_from_the_history_counts(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ServerRepository.open(data_dir) as repo:
        by_name = {s.name: s.id for s in repo.list_servers()}
        history = HistoryStore.of(repo)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

        def add(name: str, outcome: Outcome, minutes: int) -> None:
            history.add(HistoryEntry(by_name[name], start + dt.timedelta(minutes=minutes), outcome, "x", 10))

        add("sales", Outcome.FAILED, 0)
        add("main", Outcome.PASSED, 0)
        add("main", Outcome.FAILED, 1)
        add("hr1", Outcome.FAILED, 0)
        add("hr1", Outcome.PASSED, 1)  # fixed since
        add("hr2", Outcome.CANCELLED, 0)
    _run(data_dir, "routing", "--json", "--analyst", "ann")
    rows = {r["partition"]: [p["kind"] for p in r["problems"]] for r in json.loads(capsys.readouterr().out)["routes"]}
    assert rows["Sales"] == ["last_test_failed"]
    assert rows[None] == ["last_test_failed"]
    assert rows["HR"] == ["several_active"]

"""The store keeps values as ``ServerSettings.cleaned()`` makes them, whoever saves (a real SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.transfer import ImportRefused, apply_import, read_import
from tests.unit.store.records import smtp

SPACED = {
    "name": "  Spaced  ",
    "server": " t.example.com ",
    "login_id": " bob ",
    "outgoing_email_id": " a@example.com ",
}


def test_save_stores_and_returns_the_cleaned_record(repo: ServerRepository, data_dir: Path) -> None:
    saved = repo.save(smtp(**SPACED))
    expected = ("Spaced", "t.example.com", "bob", "a@example.com")
    assert (saved.name, saved.server, saved.login_id, saved.outgoing_email_id) == expected
    with ServerRepository.open(data_dir) as other:  # what is really in the file
        stored = other.find_by_name("spaced")
        assert stored is not None and stored == saved


def test_an_update_is_cleaned_too_and_brackets_of_ipv6_do_not_make_another_server(repo: ServerRepository) -> None:
    saved = repo.save(smtp("V6", server="[::1]"))
    assert saved.server == "::1"
    again = repo.save(saved.with_changes(server=" [::1] ", name=" V6 "))
    assert (again.server, again.name, again.revision) == ("::1", "V6", 2)
    assert repo.save(smtp("Bare", server="::1")).server == again.server


def test_a_trimmed_name_still_collides(repo: ServerRepository) -> None:
    repo.save(smtp("Main"))
    from outmail_gui.store.errors import DuplicateNameError

    with pytest.raises(DuplicateNameError):
        repo.save(smtp("  main "))


def test_import_stores_cleaned_values(repo: ServerRepository, tmp_path: Path) -> None:
    entry = {"protocol": "smtp", "partition": None, **SPACED, "server": "[2001:db8::25]"}
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": "outmail-servers", "version": 1, "servers": [entry]}), encoding="utf-8")
    result = apply_import(repo, read_import(path), "skip", None)
    assert result.added == ("Spaced",)
    stored = repo.find_by_name("Spaced")
    assert stored is not None
    assert (stored.name, stored.server, stored.login_id, stored.outgoing_email_id) == (
        "Spaced",
        "2001:db8::25",
        "bob",
        "a@example.com",
    )


def test_import_refusal_has_no_double_full_stop(tmp_path: Path) -> None:
    entry = {"protocol": "smtp", "name": "I", "server": "a.example", "port": 70000, "outgoing_email_id": "a@b.com"}
    bad_oauth = {**entry, "name": "J", "port": 25, "oauth": {"enabled": True, "tenant": "https://login.example/"}}
    for server in (entry, bad_oauth):
        path = tmp_path / "in.json"
        path.write_text(json.dumps({"format": "outmail-servers", "version": 1, "servers": [server]}), encoding="utf-8")
        with pytest.raises(ImportRefused) as caught:
            read_import(path)
        assert ".." not in caught.value.message, caught.value.message

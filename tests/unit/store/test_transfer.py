"""Import/export: versioned JSON, checked first, applied all-or-nothing, never with passwords."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.domain.names import unique_name
from outmail_gui.store import transfer
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import KeyringLockedError, SecretStore
from outmail_gui.store.transfer import ImportRefused, apply_import, export_servers, read_import, write_export
from tests.support.keyrings import LockedKeyring, MemoryKeyring
from tests.unit.store.records import export_entry, mapi, smtp


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def document(*servers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"format": "outmail-servers", "version": 1, "servers": list(servers), **extra}


@pytest.fixture
def secrets() -> SecretStore:
    MemoryKeyring.reset()
    return SecretStore(MemoryKeyring())


def test_export_has_every_server_and_no_password(repo: ServerRepository, tmp_path: Path) -> None:
    repo.add_partition("Sales")
    repo.set_mapi_mail_server("mapi.example.com")
    repo.save(smtp("Main", partition="Sales", is_default=True, login_id="svc"))
    repo.save(mapi("Legacy"))
    data = export_servers(repo)
    assert data["format"] == "outmail-servers" and data["version"] == transfer.VERSION
    assert [s["name"] for s in data["servers"]] == ["Legacy", "Main"]
    assert data["partitions"] == ["Sales"] and data["settings"]["mapi_mail_server"] == "mapi.example.com"
    assert all("password" not in s and "revision" not in s for s in data["servers"])
    path = tmp_path / "export.json"
    write_export(repo, path)
    assert json.loads(path.read_text("utf-8"))["servers"] == data["servers"]
    assert not list(tmp_path.glob(".*partial"))


def test_export_then_import_into_an_empty_store(repo: ServerRepository, tmp_path: Path) -> None:
    repo.add_partition("Sales")
    repo.set_mapi_mail_server("mapi.example.com")
    originals = [repo.save(smtp("Main", partition="Sales", is_default=True)), repo.save(mapi("Legacy"))]
    path = tmp_path / "export.json"
    write_export(repo, path)
    with ServerRepository.open(tmp_path / "other") as target:
        result = apply_import(target, read_import(path), "skip", None)
        assert sorted(result.added) == ["Legacy", "Main"]
        imported = {s.name: s for s in target.list_servers()}
        assert target.list_partitions() == ["Sales"] and target.mapi_mail_server() == "mapi.example.com"
    for original in originals:
        copy = imported[original.name]
        assert copy.id != original.id  # new records on the new machine
        assert copy == replace(original, id=copy.id, revision=1)


@pytest.mark.parametrize(
    ("policy", "names", "counts"),
    [
        ("skip", ["Main", "New"], (1, 0, 0, 1)),
        ("replace", ["main", "New"], (1, 1, 0, 0)),
        ("rename", ["Main", "main (2)", "New"], (1, 0, 1, 0)),
    ],
)
def test_duplicate_policies(
    repo: ServerRepository, tmp_path: Path, policy: transfer.OnDuplicate, names: list[str], counts: tuple[int, ...]
) -> None:
    existing = repo.save(smtp("Main", port=25))
    path = write(tmp_path / "in.json", document(export_entry("main", port=2525), export_entry("New")))
    result = apply_import(repo, read_import(path), policy, None)
    assert (len(result.added), len(result.replaced), len(result.renamed), len(result.skipped)) == counts
    assert [s.name for s in repo.list_servers()] == names
    kept = repo.get(existing.id)
    if policy == "replace":
        assert kept.port == 2525 and kept.name == "main" and kept.revision == 2  # same id: its password stays
    else:
        assert kept == existing
    if policy == "rename":
        assert result.renamed == (("main", "main (2)"),)


def test_rename_finds_a_free_name(repo: ServerRepository, tmp_path: Path) -> None:
    for name in ("Main", "Main (2)", "Main (3)"):
        repo.save(smtp(name))
    path = write(tmp_path / "in.json", document(export_entry("Main"), export_entry("MAIN")))
    with pytest.raises(ImportRefused, match="unique"):
        read_import(path)  # two records with one name in the file itself
    path = write(tmp_path / "in.json", document(export_entry("Main")))
    result = apply_import(repo, read_import(path), "rename", None)
    assert result.renamed == (("Main", "Main (4)"),)
    assert unique_name("x" * 100, {"x" * 100}) == "x" * 96 + " (2)"


def test_import_is_all_or_nothing(repo: ServerRepository, tmp_path: Path) -> None:
    repo.add_partition("Sales")
    path = write(
        tmp_path / "in.json",
        document(
            export_entry("A", is_default=True),
            export_entry("B", partition="Sales"),
            export_entry("C", partition="Gone"),
        ),
    )
    plan = read_import(path)  # partitions are checked against the store when applying
    before = repo.data_version(), repo.list_servers(), repo.list_partitions()
    with pytest.raises(ImportRefused) as info:
        apply_import(repo, plan, "skip", None)
    assert "'C'" in info.value.message and "Nothing was imported" in info.value.message
    assert (repo.list_servers(), repo.list_partitions()) == before[1:]


def test_import_default_replaces_the_stored_default(repo: ServerRepository, tmp_path: Path) -> None:
    old = repo.save(smtp("Old", is_default=True))
    path = write(tmp_path / "in.json", document(export_entry("New", is_default=True)))
    apply_import(repo, read_import(path), "skip", None)
    assert [s.name for s in repo.list_servers() if s.is_default] == ["New"]
    assert not repo.get(old.id).is_default


def test_passwords_are_refused_unless_accepted(repo: ServerRepository, tmp_path: Path, secrets: SecretStore) -> None:
    path = write(tmp_path / "in.json", document(export_entry("A", password="pä55 ✓"), export_entry("B")))
    with pytest.raises(ImportRefused) as info:
        read_import(path)
    assert "contains passwords for 1 server" in info.value.message and "pä55" not in info.value.message
    plan = read_import(path, accept_passwords=True)
    assert "pä55" not in repr(plan)
    result = apply_import(repo, plan, "skip", secrets)
    assert result.passwords == 1
    stored = repo.find_by_name("A")
    assert stored is not None and secrets.get_password(stored.id) == "pä55 ✓"
    assert b"p\xc3\xa455" not in repo.path.read_bytes()


def test_keyring_failure_rolls_the_import_back(repo: ServerRepository, tmp_path: Path) -> None:
    path = write(tmp_path / "in.json", document(export_entry("A", password="secret-1"), export_entry("B")))
    plan = read_import(path, accept_passwords=True)
    with pytest.raises(KeyringLockedError):
        apply_import(repo, plan, "skip", SecretStore(LockedKeyring()))
    assert repo.list_servers() == []
    with pytest.raises(ImportRefused, match="no keyring"):
        apply_import(repo, plan, "skip", None)


def test_passwords_written_before_a_failure_are_undone(
    repo: ServerRepository, tmp_path: Path, secrets: SecretStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = repo.save(smtp("A"))
    secrets.set_password(existing.id, "old-password")
    path = write(
        tmp_path / "in.json", document(export_entry("A", password="new-1"), export_entry("B", password="new-2"))
    )
    plan = read_import(path, accept_passwords=True)
    calls = {"n": 0}
    original = SecretStore.set_password

    def flaky(self: SecretStore, server_id: str, password: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyringLockedError("locked")
        original(self, server_id, password)

    monkeypatch.setattr(SecretStore, "set_password", flaky)
    with pytest.raises(KeyringLockedError):
        apply_import(repo, plan, "replace", secrets)
    monkeypatch.undo()
    assert [s.name for s in repo.list_servers()] == ["A"] and repo.get(existing.id) == existing
    assert MemoryKeyring.passwords == {("outmail", existing.id): "old-password"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b'{"format": "outmail-servers", "version": 1, "servers": [{"protocol": "sm', "truncated"),
        (b"{not json}", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "expected a JSON object"),
        (b'{"format": "thunderbird", "version": 1, "servers": []}', "not an Outmail servers export"),
        (b'{"format": "outmail-servers", "servers": []}', "no valid format version"),
        (b'{"format": "outmail-servers", "version": "1", "servers": []}', "no valid format version"),
        (b'{"format": "outmail-servers", "version": 99, "servers": []}', "newer version of Outmail"),
        (b'{"format": "outmail-servers", "version": 0, "servers": []}', "unknown format version"),
        (b'{"format": "outmail-servers", "version": 1}', "no list of servers"),
        (b'{"format": "outmail-servers", "version": 1, "servers": [3]}', "expected an object"),
        (b'{"format": "outmail-servers", "version": 1, "version": 1, "servers": []}', "appears twice"),
        (b'{"format": "outmail-servers", "version": 1, "servers": [], "x": NaN}', "NaN is not allowed"),
        (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
        (
            b'{"format": "outmail-servers", "version": 1, "servers": [{"protocol": "smtp", "port": "25"}]}',
            "server 1: port must be a whole number",
        ),
        (
            b'{"format": "outmail-servers", "version": 1, "servers": [{"protocol": "smtp", "name": "X", "bogus": 1}]}',
            "server 1 ('X'): unknown field",
        ),
        (
            b'{"format": "outmail-servers", "version": 1, "partitions": [""], "servers": []}',
            "not a valid partition name",
        ),
        (
            b'{"format": "outmail-servers", "version": 1, "settings": {"mapi_mail_server": 5}, "servers": []}',
            "mapi_mail_server",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as info:
        read_import(path)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_invalid_records_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.json",
        document(
            export_entry("A", port=0),
            export_entry("B", server="smtp.office365.com", use_ssl=False),
            export_entry("C", is_default=True),
        ),
    )
    with pytest.raises(ImportRefused) as info:
        read_import(path)
    assert "port" in info.value.message and "Exchange 365" in info.value.message


def test_two_defaults_in_one_file_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "in.json", document(export_entry("A", is_default=True), export_entry("B", is_default=True)))
    with pytest.raises(ImportRefused, match="more than one server is marked default"):
        read_import(path)


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "MAX_BYTES", 1000)
    path = write(tmp_path / "in.json", document(*[export_entry(f"S{n}") for n in range(20)]))
    with pytest.raises(ImportRefused, match="at most"):
        read_import(path)
    with pytest.raises(ImportRefused, match="at most"):
        transfer.parse_import(path.read_bytes())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="Cannot read"):
        read_import(tmp_path / "nope.json")


def test_too_many_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfer, "MAX_SERVERS", 2)
    path = write(tmp_path / "in.json", document(export_entry("A"), export_entry("B"), export_entry("C")))
    with pytest.raises(ImportRefused, match="at most 2"):
        read_import(path)


def test_unknown_policy(repo: ServerRepository) -> None:
    with pytest.raises(ValueError, match="on_duplicate"):
        apply_import(repo, transfer.ImportPlan(items=()), "merge", None)  # type: ignore[arg-type]


def test_import_checks_pinned_fingerprints_and_stores_them_in_one_form(repo: ServerRepository, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", document(export_entry("A", trusted_cert_sha256="zz")))
    with pytest.raises(ImportRefused, match="64 hexadecimal digits"):
        read_import(bad)
    good = write(tmp_path / "good.json", document(export_entry("A", trusted_cert_sha256="ab" * 32)))
    apply_import(repo, read_import(good), "skip", None)
    assert [s.trusted_cert_sha256 for s in repo.list_servers()] == [":".join(["AB"] * 32)]


@pytest.mark.parametrize("codec", ["rot13", "base64", "idna"])
def test_import_refuses_pager_encodings_that_are_not_text(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path / "in.json", document(export_entry("A", pager_encoding=codec)))
    with pytest.raises(ImportRefused, match=f"Unknown encoding '{codec}'"):
        read_import(path)

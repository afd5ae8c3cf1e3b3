"""Export/import format version 2: partitions, analysts and partitioning; version-1 files upgraded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.transfer import VERSION, ImportRefused, apply_import, export_servers, read_import
from outmail_gui.store.transfer_partitions import upgrade
from tests.unit.store.records import export_entry, smtp


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def v2(**extra: Any) -> dict[str, Any]:
    return {"format": "outmail-servers", "version": 2, "servers": [], **extra}


@pytest.fixture
def other(tmp_path: Path) -> Any:
    target = tmp_path / "other"
    target.mkdir()
    with ServerRepository.open(target) as repo:
        yield repo


def test_export_carries_partitions_analysts_and_the_switch(repo: ServerRepository) -> None:
    admin = PartitionAdmin.of(repo)
    repo.set_partitioning_enabled(True)
    admin.add("Sales")
    admin.add("HR")
    admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales", "HR"})))
    repo.save(smtp("S", partition="Sales"))
    data = export_servers(repo)
    assert VERSION == 2 and data["version"] == 2
    assert data["settings"]["partitioning_enabled"] is True
    assert data["partitions"] == ["HR", "Sales"]
    assert data["analysts"] == [
        {"login": "ann", "display_name": "Ann Lee", "email": "ann@example.com", "partitions": ["HR", "Sales"]}
    ]


def test_export_then_import_restores_everything(
    repo: ServerRepository, other: ServerRepository, tmp_path: Path
) -> None:
    admin = PartitionAdmin.of(repo)
    repo.set_partitioning_enabled(True)
    admin.add("Sales")
    admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"})))
    admin.save_analyst(Analyst("bob"))
    repo.save(smtp("S", partition="Sales"))
    path = write(tmp_path / "out.json", export_servers(repo))
    plan = read_import(path)
    assert plan.partitioning_enabled is True and [a.login for a in plan.analysts] == ["ann", "bob"]
    apply_import(other, plan, "skip", None)
    target = PartitionAdmin.of(other)
    assert other.partitioning_enabled() is True
    assert other.list_partitions() == ["Sales"]
    assert [(a.login, a.display_name, a.email, a.partitions) for a in target.analysts()] == [
        ("ann", "Ann Lee", "ann@example.com", {"Sales"}),
        ("bob", "", "", frozenset()),
    ]
    assert [s.partition for s in other.list_servers()] == ["Sales"]


def test_a_version_1_file_is_upgraded_and_imported(other: ServerRepository, tmp_path: Path) -> None:
    other.set_partitioning_enabled(True)
    v1 = {
        "format": "outmail-servers",
        "version": 1,
        "partitions": ["Sales"],
        "settings": {"mapi_mail_server": ""},
        "servers": [export_entry("S", partition="Sales"), export_entry("N")],
    }
    upgraded = upgrade(v1)
    assert upgraded["version"] == 2 and upgraded["analysts"] == []
    assert upgraded["servers"] == v1["servers"] and upgraded["partitions"] == ["Sales"]
    assert v1["version"] == 1 and "analysts" not in v1  # the input is not changed
    plan = read_import(write(tmp_path / "v1.json", v1))
    assert plan.analysts == () and plan.partitioning_enabled is None
    apply_import(other, plan, "skip", None)
    assert other.list_partitions() == ["Sales"]
    assert {s.name: s.partition for s in other.list_servers()} == {"N": None, "S": "Sales"}
    assert other.partitioning_enabled() is True  # version 1 did not record the switch: it stays


def test_a_version_2_document_is_not_changed_by_upgrade() -> None:
    document = v2(partitions=["Sales"], analysts=[{"login": "ann"}])
    assert upgrade(document) == document


def test_existing_analysts_are_kept_unless_replacing(other: ServerRepository, tmp_path: Path) -> None:
    admin = PartitionAdmin.of(other)
    admin.save_analyst(Analyst("ann", "Old", "old@example.com"))
    document = v2(
        partitions=["Sales"],
        analysts=[{"login": "ANN", "display_name": "New", "email": "new@example.com", "partitions": ["Sales"]}],
    )
    path = write(tmp_path / "in.json", document)
    apply_import(other, read_import(path), "skip", None)
    kept = admin.find_analyst("ann")
    assert kept is not None and kept.display_name == "Old" and kept.partitions == frozenset()
    apply_import(other, read_import(path), "replace", None)
    replaced = admin.find_analyst("ann")
    assert replaced is not None
    assert (replaced.login, replaced.display_name, replaced.email, replaced.partitions) == (
        "ANN",
        "New",
        "new@example.com",
        frozenset({"Sales"}),
    )


def test_import_is_all_or_nothing_with_analysts(other: ServerRepository, tmp_path: Path) -> None:
    other.save(smtp("Taken"))
    document = v2(
        partitions=["Sales"],
        settings={"partitioning_enabled": True},
        analysts=[{"login": "ann", "email": "a@example.com", "partitions": ["Sales"]}],
        servers=[export_entry("Fine"), export_entry("X", partition="Sales", port=0)],
    )
    with pytest.raises(ImportRefused):
        apply_import(other, read_import(write(tmp_path / "in.json", document)), "skip", None)
    assert PartitionAdmin.of(other).analysts() == []
    assert other.list_partitions() == []
    assert other.partitioning_enabled() is False
    assert [s.name for s in other.list_servers()] == ["Taken"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"analysts": {}}, "analysts must be a list"),
        ({"analysts": [3]}, "analyst 1: expected an object"),
        ({"analysts": [{"login": "a", "role": "x"}]}, "analyst 1: unknown field(s): role"),
        ({"analysts": [{"login": 5}]}, "analyst 1: login must be text"),
        ({"analysts": [{"login": "a", "partitions": "Sales"}]}, "partitions must be a list"),
        ({"analysts": [{"login": "a", "partitions": ["Nope"]}]}, "partition 'Nope' is not in the file's list"),
        ({"analysts": [{"login": "a b"}]}, "analyst 1 ('a b'): A login name cannot contain spaces"),
        ({"analysts": [{"login": "a", "email": "nope"}]}, "analyst 1 ('a'): 'nope' is not a valid email address"),
        ({"analysts": [{"login": "a"}, {"login": "A"}]}, "analyst 2 ('A'): The login name must be unique"),
        ({"settings": {"partitioning_enabled": "yes"}}, "partitioning_enabled must be true or false"),
        ({"version": 3}, "newer version of Outmail"),
    ],
)
def test_bad_partition_sections_are_refused(tmp_path: Path, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read_import(write(tmp_path / "in.json", v2(partitions=["Sales"]) | extra))
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_import_maps_every_spelling_to_the_stored_partition(other: ServerRepository, tmp_path: Path) -> None:
    PartitionAdmin.of(other).add("HR")
    document = v2(
        partitions=["hr", "\uff28\uff32", "Cafe\u0301", "CAF\u00c9"],
        analysts=[{"login": "ann", "partitions": ["H\u200br", "caf\u00e9"]}],
        servers=[export_entry("S", partition="Hr"), export_entry("T", partition="CAFE\u0301")],
    )
    plan = read_import(write(tmp_path / "in.json", document))
    assert plan.partitions == ("hr", "Caf\u00e9")  # one entry per name, stored NFC
    apply_import(other, plan, "skip", None)
    assert other.list_partitions() == ["Caf\u00e9", "HR"]
    assert {s.name: s.partition for s in other.list_servers()} == {"S": "HR", "T": "Caf\u00e9"}
    (ann,) = PartitionAdmin.of(other).analysts()
    assert ann.partitions == frozenset({"HR", "Caf\u00e9"})


@pytest.mark.parametrize("name", ["\u200b", "HR\u202e"])
def test_import_refuses_invisible_or_bidi_partition_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ImportRefused, match="is not a valid partition name"):
        read_import(write(tmp_path / "in.json", v2(partitions=[name])))

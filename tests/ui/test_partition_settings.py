"""The Partition Settings dialog: switch, partitions (add, rename, delete with reassignment), analysts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.settings import new_server
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.partitions import questions as partition_questions
from outmail_gui.ui.partitions.questions import MoveServersTo, PartitionNameDialog, ReassignServersDialog
from outmail_gui.ui.partitions.settings_dialog import PartitionSettingsDialog


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ServerRepository]:
    with ServerRepository.open(tmp_path) as repository:
        admin = PartitionAdmin.of(repository)
        admin.add("Sales")
        admin.add("HR")
        repository.save(
            new_server("smtp", name="S1", server="m.example.com", outgoing_email_id="s@example.com", partition="Sales")
        )
        admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"})))
        yield repository


@pytest.fixture
def admin(repo: ServerRepository) -> PartitionAdmin:
    return PartitionAdmin.of(repo)


@pytest.fixture
def dialog(qtbot: QtBot, repo: ServerRepository, admin: PartitionAdmin) -> PartitionSettingsDialog:
    widget = PartitionSettingsDialog(repo, admin)
    qtbot.addWidget(widget)
    return widget


def answer(monkeypatch: pytest.MonkeyPatch, cls: Any, value: Any) -> list[tuple[Any, ...]]:
    """Replace ``cls.ask`` with one that records its arguments and returns ``value``."""
    calls: list[tuple[Any, ...]] = []

    def ask(*args: Any) -> Any:
        calls.append(args[1:])
        return value

    monkeypatch.setattr(cls, "ask", ask)
    return calls


def items(widget: Any) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def select(dialog: PartitionSettingsDialog, name: str) -> None:
    row = next(i for i in range(dialog.partition_list.count()) if dialog.partition_list.item(i).text().startswith(name))
    dialog.partition_list.setCurrentRow(row)


def test_shows_partitions_with_their_use_and_the_analysts(dialog: PartitionSettingsDialog) -> None:
    assert dialog.windowTitle() == "Partition Settings"
    assert items(dialog.partition_list) == ["HR  (0 servers, 0 analysts)", "Sales  (1 server, 1 analyst)"]
    assert items(dialog.analyst_list) == ["Ann Lee (ann)"]
    assert not dialog.enabled.isChecked()
    assert not dialog.rename_partition.isEnabled() and not dialog.delete_partition.isEnabled()


def test_the_switch_is_written_at_once(qtbot: QtBot, dialog: PartitionSettingsDialog, repo: ServerRepository) -> None:
    with qtbot.waitSignal(dialog.changed, timeout=1000):
        dialog.enabled.setChecked(True)
    assert repo.partitioning_enabled() is True
    assert "partitioned" in dialog.message.text()
    dialog.enabled.setChecked(False)
    assert repo.partitioning_enabled() is False


def test_add_partition(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    calls = answer(monkeypatch, PartitionNameDialog, "Support")
    with qtbot.waitSignal(dialog.changed, timeout=1000):
        dialog.add_partition.click()
    assert calls == [("Add partition", "", ["HR", "Sales"])]
    assert [p.name for p in admin.partitions()] == ["HR", "Sales", "Support"]
    assert dialog.selected_partition_name() == "Support"
    assert dialog.message.text() == "Partition 'Support' added."


def test_cancelled_add_writes_nothing(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    answer(monkeypatch, PartitionNameDialog, None)
    with qtbot.assertNotEmitted(dialog.changed):
        dialog.add_partition.click()
    assert len(admin.partitions()) == 2


def test_rename_partition_carries_its_servers(
    monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, repo: ServerRepository
) -> None:
    select(dialog, "Sales")
    calls = answer(monkeypatch, PartitionNameDialog, "Revenue")
    dialog.rename_partition.click()
    assert calls == [("Rename partition", "Sales", ["HR", "Sales"])]
    assert [s.partition for s in repo.list_servers()] == ["Revenue"]
    assert dialog.selected_partition_name() == "Revenue"
    assert "renamed to 'Revenue'" in dialog.message.text()


def test_a_rename_made_stale_by_someone_else_is_refused_and_reloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog
) -> None:
    select(dialog, "Sales")
    with ServerRepository.open(tmp_path) as elsewhere:
        PartitionAdmin.of(elsewhere).rename("Sales", "Markets")
    answer(monkeypatch, PartitionNameDialog, "Revenue")
    dialog.rename_partition.click()
    assert dialog.message.text().startswith("Error: There is no partition named 'Sales'")
    assert items(dialog.partition_list)[1].startswith("Markets")


def test_delete_unused_partition_after_confirming(
    monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    select(dialog, "HR")
    calls = answer(monkeypatch, partition_questions.ConfirmDialog, True)
    dialog.delete_partition.click()
    assert calls[0][0] == "confirm_delete_partition"
    assert [p.name for p in admin.partitions()] == ["Sales"]
    assert dialog.message.text() == "Partition 'HR' deleted."


def test_deleting_a_used_partition_asks_where_its_servers_go(
    monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, repo: ServerRepository, admin: PartitionAdmin
) -> None:
    select(dialog, "Sales")
    calls = answer(monkeypatch, ReassignServersDialog, MoveServersTo("HR"))
    dialog.delete_partition.click()
    assert calls == [("Sales", ("S1",), ["HR"])]
    assert [p.name for p in admin.partitions()] == ["HR"]
    assert [s.partition for s in repo.list_servers()] == ["HR"]
    assert dialog.message.text() == "Partition 'Sales' deleted; its servers now use 'HR'."


def test_deleting_a_used_partition_without_a_destination_is_refused_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    select(dialog, "Sales")
    answer(monkeypatch, ReassignServersDialog, None)
    dialog.delete_partition.click()
    assert [p.name for p in admin.partitions()] == ["HR", "Sales"]
    assert dialog.message.text() == (
        "Warning: Partition 'Sales' was not deleted: 1 server (S1) still use it. Choose where they go to delete it."
    )


def test_the_name_question_explains_a_bad_name(qtbot: QtBot) -> None:
    question = PartitionNameDialog(None, "Add partition", "", ["Sales"])
    qtbot.addWidget(question)
    ok = question.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and question.message.text() == "Enter a name for the partition."
    question.edit.setText("sales")
    assert not ok.isEnabled() and "must be unique" in question.message.text()
    question.edit.setText("Support")
    assert ok.isEnabled() and question.message.text() == ""


def test_the_reassign_question_offers_no_partition_and_the_others(qtbot: QtBot) -> None:
    question = ReassignServersDialog(None, "Sales", ["S1", "S2"], ["HR", "Sales", "Support"])
    qtbot.addWidget(question)
    assert [question.choice.itemText(i) for i in range(question.choice.count())] == [
        "(no partition)",
        "HR",
        "Support",
    ]
    assert "used by 2 server(s): S1, S2" in question.text.text()
    assert question.target() == MoveServersTo(None)
    question.choice.setCurrentIndex(2)
    assert question.target() == MoveServersTo("Support")


def test_add_an_analyst_with_partitions(
    qtbot: QtBot, dialog: PartitionSettingsDialog, admin: PartitionAdmin, repo: ServerRepository
) -> None:
    dialog.new_analyst.click()
    assert dialog.login.text() == "" and dialog.save_analyst.text() == "&Add analyst"
    assert not dialog.save_analyst.isEnabled()
    qtbot.keyClicks(dialog.login, "bob")
    qtbot.keyClicks(dialog.display_name, "Bob Roe")
    qtbot.keyClicks(dialog.email, "bob@example.com")
    assert items(dialog.access) == ["HR", "Sales"]
    dialog.access.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.save_analyst.isEnabled() and dialog.analyst_message.text() == ""
    with qtbot.waitSignal(dialog.changed, timeout=1000):
        dialog.save_analyst.click()
    bob = admin.find_analyst("bob")
    assert bob == Analyst("bob", "Bob Roe", "bob@example.com", frozenset({"HR"}), 1)
    assert repo.partitions_for_analyst("bob") == ["HR"]
    assert items(dialog.analyst_list) == ["Ann Lee (ann)", "Bob Roe (bob)"]
    assert dialog.analyst_list.currentItem().text() == "Bob Roe (bob)"


def test_analyst_rules_show_while_typing(qtbot: QtBot, dialog: PartitionSettingsDialog) -> None:
    dialog.new_analyst.click()
    qtbot.keyClicks(dialog.login, "ANN")
    assert not dialog.save_analyst.isEnabled()
    assert "Error: The login name must be unique: 'ann' already exists." in dialog.analyst_message.text()
    dialog.login.setText("carol")
    dialog.email.setText("not-an-address")
    assert not dialog.save_analyst.isEnabled() and "is not a valid email address" in dialog.analyst_message.text()
    dialog.email.setText("")
    assert dialog.save_analyst.isEnabled()
    assert dialog.analyst_message.text().startswith("Warning: Without an email address")


def test_edit_an_analyst_including_the_login(dialog: PartitionSettingsDialog, admin: PartitionAdmin) -> None:
    dialog.analyst_list.setCurrentRow(0)
    assert (dialog.login.text(), dialog.display_name.text(), dialog.email.text()) == (
        "ann",
        "Ann Lee",
        "ann@example.com",
    )
    assert [dialog.access.item(i).checkState() for i in range(2)] == [Qt.CheckState.Unchecked, Qt.CheckState.Checked]
    dialog.login.setText("annie")
    dialog.access.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.save_analyst.click()
    (saved,) = admin.analysts()
    assert (saved.login, saved.partitions, saved.revision) == ("annie", frozenset({"HR", "Sales"}), 2)
    assert dialog.message.text() == "Analyst 'annie' saved."


def test_a_refused_analyst_save_keeps_what_was_typed(
    tmp_path: Path, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    dialog.analyst_list.setCurrentRow(0)
    with ServerRepository.open(tmp_path) as elsewhere:
        other = PartitionAdmin.of(elsewhere)
        ann = other.find_analyst("ann")
        assert ann is not None
        other.save_analyst(Analyst("ann", "Changed", "ann@example.com", revision=ann.revision))
    dialog.display_name.setText("Mine")
    dialog.save_analyst.click()
    assert dialog.message.text().startswith("Error: Analyst 'ann' was changed elsewhere")
    assert dialog.display_name.text() == "Mine"
    found = admin.find_analyst("ann")
    assert found is not None and found.display_name == "Changed"


def test_delete_an_analyst_after_confirming(
    monkeypatch: pytest.MonkeyPatch, dialog: PartitionSettingsDialog, admin: PartitionAdmin
) -> None:
    assert not dialog.delete_analyst.isEnabled()
    dialog.analyst_list.setCurrentRow(0)
    answer(monkeypatch, partition_questions.ConfirmDialog, False)
    dialog.delete_analyst.click()
    assert len(admin.analysts()) == 1
    answer(monkeypatch, partition_questions.ConfirmDialog, True)
    dialog.delete_analyst.click()
    assert admin.analysts() == []
    assert items(dialog.analyst_list) == [] and dialog.login.text() == ""
    assert items(dialog.partition_list)[1] == "Sales  (1 server, 0 analysts)"


def test_it_opens_without_errors_and_has_one_way_to_add_an_analyst(
    qtbot: QtBot, dialog: PartitionSettingsDialog
) -> None:
    assert dialog.analyst_message.text() == ""  # not "Error: Enter the analyst's login name." on opening
    assert dialog.save_analyst.text().replace("&", "") == "Add analyst"
    assert not dialog.save_analyst.isEnabled() and "is off:" in dialog.save_analyst.toolTip()
    assert not dialog.new_analyst.isEnabled() and "Add analyst" in dialog.new_analyst.toolTip()
    qtbot.keyClicks(dialog.display_name, "Ann Lee")  # typed: now the missing login is said
    assert "login name" in dialog.analyst_message.text()
    qtbot.keyClicks(dialog.login, "zoe")
    assert "Enter the analyst's login name" not in dialog.analyst_message.text()


def test_the_servers_without_a_partition_are_granted_with_their_own_box(
    dialog: PartitionSettingsDialog, admin: PartitionAdmin, tmp_path: Path
) -> None:
    dialog.analyst_list.setCurrentRow(0)
    assert not dialog.unpartitioned.isChecked() and "database enforces it" in dialog.unpartitioned.toolTip()
    dialog.unpartitioned.setChecked(True)
    dialog.save_analyst.click()
    (saved,) = admin.analysts()
    assert (saved.unpartitioned, saved.partitions, saved.revision) == (True, frozenset({"Sales"}), 2)
    dialog.analyst_list.setCurrentRow(0)  # shown as stored after the reload
    assert dialog.unpartitioned.isChecked()
    dialog.show()
    dialog.grab().save(str(tmp_path / "partition_settings_unpartitioned.png"))
    dialog.unpartitioned.setChecked(False)
    dialog.save_analyst.click()
    assert admin.analysts()[0].unpartitioned is False

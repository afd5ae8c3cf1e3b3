"""Partitions in the window: read-only servers, the analyst label, Partition Settings and the Routing dock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.partitions.routing_view import RouteColumn, RoutingView
from outmail_gui.ui.partitions.settings_dialog import PartitionSettingsDialog
from outmail_gui.ui.window.main_window import MainWindow
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import action, child, click_row, line


@pytest.fixture
def partitioned(repo: ServerRepository) -> PartitionAdmin:
    """Sales and HR, partitioned; ann may use Sales only; one server in each."""
    admin = PartitionAdmin.of(repo)
    repo.set_partitioning_enabled(True)
    admin.add("Sales")
    admin.add("HR")
    admin.save_analyst(Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"})))
    repo.save(smtp("Sales relay", partition="Sales", sent_from_analyst=True))
    repo.save(smtp("HR relay", partition="HR"))
    repo.save(smtp("Main", is_default=True))
    return admin


def form_label(window: MainWindow, name: str) -> QLabel:
    return child(window.details.form(), QLabel, name)


def banner_text(window: MainWindow) -> str:
    banner = child(window.details.form(), QWidget, "read_only_banner")
    return " ".join(label.text() for label in banner.findChildren(QLabel)) if banner.isVisible() else ""


def test_a_server_in_an_inaccessible_partition_opens_read_only_with_the_reason(
    qtbot: QtBot, make_window: WindowFactory, partitioned: PartitionAdmin
) -> None:
    window = make_window(analyst="ann")
    click_row(qtbot, window, "HR relay")
    assert "Read-only: this server belongs to partition 'HR'" in banner_text(window)
    assert "analyst 'ann' may not access it" in banner_text(window)
    assert line(window, "name").isReadOnly()
    assert not action(window, "save").isEnabled()
    assert not action(window, "delete").isEnabled()
    # Duplicate is off with the reason; Test connection stays (it changes nothing stored).
    assert not action(window, "duplicate").isEnabled()
    assert action(window, "duplicate").toolTip().startswith("Duplicate is off. Read-only: this server belongs")
    assert action(window, "test_connection").isEnabled()
    partition = child(window.details.form(), QComboBox, "partition")
    assert partition.currentText().startswith("HR")
    # Judged against every partition: no false "there is no partition named 'HR'".
    assert "no partition named" not in form_label(window, "partition_message").text()


def test_a_server_in_an_accessible_partition_stays_editable(
    qtbot: QtBot, make_window: WindowFactory, partitioned: PartitionAdmin
) -> None:
    window = make_window(analyst="ann")
    click_row(qtbot, window, "Sales relay")
    assert banner_text(window) == ""
    assert not line(window, "name").isReadOnly()
    assert action(window, "delete").isEnabled()
    assert action(window, "duplicate").isEnabled()
    assert action(window, "duplicate").toolTip() == "Add a copy of the selected server (Ctrl+D)"
    click_row(qtbot, window, "Main")  # no partition: open to everyone
    assert banner_text(window) == ""


def test_an_unknown_analyst_sees_no_partition_and_is_told_why(
    qtbot: QtBot, make_window: WindowFactory, partitioned: PartitionAdmin
) -> None:
    window = make_window(analyst="mallory")
    label = child(window.statusBar(), QLabel, "analyst_label")
    assert label.text().startswith("Analyst 'mallory' is not set up in Partition Settings, so no partition")
    click_row(qtbot, window, "Sales relay")
    assert "'mallory' is not set up in Partition Settings and may access no partition" in banner_text(window)
    click_row(qtbot, window, "Main")
    partition = child(window.details.form(), QComboBox, "partition")
    assert [partition.itemText(i) for i in range(partition.count())] == ["(none)"]


def test_the_analyst_label_names_the_analyst_and_their_partitions(
    make_window: WindowFactory, partitioned: PartitionAdmin
) -> None:
    window = make_window(analyst="ANN")
    assert child(window.statusBar(), QLabel, "analyst_label").text() == "Analyst Ann Lee (ann): 1 partition"


def test_without_analysts_every_partition_is_open(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.set_partitioning_enabled(True)
    PartitionAdmin.of(repo).add("HR")
    repo.save(smtp("HR relay", partition="HR"))
    window = make_window()
    assert child(window.statusBar(), QLabel, "analyst_label").text() == (
        "No analysts set up: every partition is available."
    )
    click_row(qtbot, window, "HR relay")
    assert banner_text(window) == ""


def test_partition_settings_changes_reach_the_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    partitioned: PartitionAdmin,
    repo: ServerRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(analyst="ann")
    click_row(qtbot, window, "HR relay")
    assert banner_text(window)
    seen: list[PartitionSettingsDialog] = []

    def run(dialog: PartitionSettingsDialog) -> int:
        """Stand-in for the modal loop: grant ann access to HR, as a user would."""
        seen.append(dialog)
        dialog.analyst_list.setCurrentRow(0)
        for i in range(dialog.access.count()):
            dialog.access.item(i).setCheckState(Qt.CheckState.Checked)
        dialog.save_analyst.click()
        return 0

    monkeypatch.setattr(PartitionSettingsDialog, "exec", run)
    action(window, "partition_settings").trigger()
    assert seen and seen[0].message.text() == "Analyst 'ann' saved."
    assert banner_text(window) == ""  # the displayed server is editable at once
    assert not line(window, "name").isReadOnly()
    assert child(window.statusBar(), QLabel, "analyst_label").text() == "Analyst Ann Lee (ann): 2 partitions"


def test_partition_settings_is_in_the_file_menu_and_routing_in_the_view_menu(
    make_window: WindowFactory,
) -> None:
    window = make_window()
    menus = {m.objectName(): [a.objectName() for a in m.actions()] for m in window.menuBar().findChildren(QMenu)}
    assert "partition_settings" in menus.get("file_menu", [])
    assert "show_routing" in menus.get("view_menu", [])


def routing(window: MainWindow) -> RoutingView:
    return child(window, RoutingView, "routing_view")


def test_the_routing_dock_shows_the_table_and_follows_saves(
    qtbot: QtBot, make_window: WindowFactory, partitioned: PartitionAdmin, repo: ServerRepository
) -> None:
    window = make_window(analyst="ann")
    dock = child(window, QWidget, "routing_dock")
    assert not dock.isVisible()
    action(window, "show_routing").trigger()
    assert dock.isVisible()
    view = routing(window)
    rows = {r.label: r for r in view.routes()}
    assert list(rows) == ["HR", "Sales", "(no partition)"]
    assert rows["Sales"].headers is not None and rows["Sales"].headers.from_ == "Ann Lee <ann@example.com>"
    # A save in the window shows up in the table.
    click_row(qtbot, window, "Sales relay")
    edit = child(window.details.form(), QLineEdit, "name")
    edit.setText("Sales primary")
    action(window, "save").trigger()
    qtbot.waitUntil(lambda: view.model.index(1, RouteColumn.SERVER).data() == "Sales primary", timeout=2000)


def test_selecting_a_routing_row_opens_its_server(
    qtbot: QtBot, make_window: WindowFactory, partitioned: PartitionAdmin
) -> None:
    window = make_window(analyst="ann")
    action(window, "show_routing").trigger()
    view = routing(window)
    view.select_partition("HR")
    shown = window.session.current()
    assert shown is not None and shown.name == "HR relay"
    assert window.selected_id() == shown.id
    assert "Read-only" in banner_text(window)


def test_turning_partitioning_on_shows_the_partition_field_at_once(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    PartitionAdmin.of(repo).add("HR")
    repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    partition = child(window.details.form(), QComboBox, "partition")
    assert not partition.isVisible()

    def run(dialog: PartitionSettingsDialog) -> int:
        dialog.enabled.setChecked(True)
        return 0

    monkeypatch.setattr(PartitionSettingsDialog, "exec", run)
    action(window, "partition_settings").trigger()
    assert repo.partitioning_enabled()
    assert partition.isVisible()
    assert [partition.itemText(i) for i in range(partition.count())] == ["(none)", "HR"]


def test_the_analyst_label_shows_only_while_partitioning_is_on(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    label = child(window.statusBar(), QLabel, "analyst_label")
    assert not label.isVisible()
    assert label.text() == ""

    def run(dialog: PartitionSettingsDialog) -> int:
        dialog.enabled.setChecked(True)
        return 0

    monkeypatch.setattr(PartitionSettingsDialog, "exec", run)
    action(window, "partition_settings").trigger()

    assert label.isVisible()
    assert label.text() == "No analysts set up: every partition is available."

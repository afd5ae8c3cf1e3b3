"""The Routing view: rows per partition, problems, selection opening a server, header preview."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store.routing_inputs import RoutingInputs
from outmail_gui.ui.partitions.routing_view import NO_ANALYST, NO_SERVERS_NOTE, SERVER_ID_ROLE, RouteColumn, RoutingView


def srv(name: str, partition: str | None = None, **fields: Any) -> ServerSettings:
    fields.setdefault("outgoing_email_id", f"{name.lower()}@example.com")
    return new_server("smtp", name=name, server="smtp.example.com", partition=partition, **fields)


MAIN = srv("Main", is_default=True)
SALES = srv("Sales", "Sales", sent_from_analyst=True)
HR1 = srv("HR1", "HR")
HR2 = srv("HR2", "HR", reply_to_forwarding_analyst=True)
IDLE = srv("Idle", "Support", active=False)
ANN = Analyst("ann", "Ann Lee", "ann@example.com", frozenset({"Sales"}))
BOB = Analyst("bob", "Bob", "bob@example.com")


class Source:
    """Inputs the view reads on every refresh; tests change them between refreshes."""

    def __init__(self) -> None:
        self.inputs = RoutingInputs(
            servers=[MAIN, SALES, HR1, HR2, IDLE],
            partitions=["Sales", "HR", "Support", "Empty"],
            analysts=[ANN, BOB],
            partitioning_enabled=True,
            last_test_failed={HR1.id: True},
        )
        self.reads = 0

    def __call__(self) -> RoutingInputs:
        self.reads += 1
        return self.inputs


@pytest.fixture
def source() -> Source:
    return Source()


@pytest.fixture
def view(qtbot: QtBot, source: Source) -> RoutingView:
    widget = RoutingView(source, "ann")
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    return widget


def cell(view: RoutingView, row: int, column: RouteColumn) -> str:
    return str(view.model.index(row, column).data())


def row_of(view: RoutingView, label: str) -> int:
    return next(r for r in range(view.model.rowCount()) if cell(view, r, RouteColumn.PARTITION) == label)


def test_one_row_per_partition_and_one_for_no_partition(view: RoutingView) -> None:
    labels = [cell(view, r, RouteColumn.PARTITION) for r in range(view.model.rowCount())]
    assert labels == ["Empty", "HR", "Sales", "Support", "(no partition)"]
    assert view.model.columnCount() == len(RouteColumn)
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in RouteColumn]
    assert headers == ["Partition", "Sends via", "Why", "From", "Reply-To", "Problems"]


def test_each_row_says_which_server_sends_and_why(view: RoutingView) -> None:
    sales = row_of(view, "Sales")
    assert cell(view, sales, RouteColumn.SERVER) == "Sales"
    assert cell(view, sales, RouteColumn.OUTCOME) == "Partition's server"
    assert cell(view, sales, RouteColumn.PROBLEMS) == "None"
    empty = row_of(view, "Empty")
    assert cell(view, empty, RouteColumn.SERVER) == "Main"
    assert cell(view, empty, RouteColumn.OUTCOME) == "Default server (fallback)"
    none_row = row_of(view, "(no partition)")
    assert cell(view, none_row, RouteColumn.OUTCOME) == "Server without partition"


def test_several_active_servers_show_as_a_conflict_with_the_failed_test(view: RoutingView) -> None:
    hr = row_of(view, "HR")
    assert cell(view, hr, RouteColumn.SERVER) == "HR1 (+1 more)"
    assert cell(view, hr, RouteColumn.OUTCOME) == "Conflict: 2 active servers"
    problems = cell(view, hr, RouteColumn.PROBLEMS)
    assert problems.startswith("Warning: 'HR1', 'HR2' are all active") and problems.endswith("(+1 more)")
    tooltip = str(view.model.index(hr, RouteColumn.SERVER).data(Qt.ItemDataRole.ToolTipRole))
    assert "Keep only one active email server per partition." in tooltip
    assert "The last connection test of 'HR1' failed." in tooltip


def test_inactive_partition_servers_are_a_note_on_the_default_fallback(view: RoutingView) -> None:
    support = row_of(view, "Support")
    assert cell(view, support, RouteColumn.SERVER) == "Main"
    assert cell(view, support, RouteColumn.PROBLEMS).startswith("Note: 'Idle' is assigned to partition 'Support'")


def test_no_server_and_no_default_cannot_be_sent(qtbot: QtBot, source: Source) -> None:
    source.inputs = RoutingInputs([SALES, srv("Off", is_default=True, active=False)], ["Sales", "HR"], [], True)
    widget = RoutingView(source, "")
    qtbot.addWidget(widget)
    hr = row_of(widget, "HR")
    assert cell(widget, hr, RouteColumn.SERVER) == "—"
    assert cell(widget, hr, RouteColumn.OUTCOME) == "Cannot be sent"
    assert cell(widget, hr, RouteColumn.FROM) == "—"
    assert "'Off' is inactive" in cell(widget, hr, RouteColumn.PROBLEMS)
    assert widget.model.index(hr, 0).data(SERVER_ID_ROLE) == ""


def test_selecting_a_row_asks_to_open_its_server(qtbot: QtBot, view: RoutingView) -> None:
    with qtbot.waitSignal(view.server_chosen, timeout=1000) as blocker:
        view.table.selectRow(row_of(view, "Sales"))
    assert blocker.args == [SALES.id]
    assert "Sales: 'Sales' is the active server for partition 'Sales'." in view.details.text()
    assert "Replies go to: sales@example.com" in view.details.text()


def test_selecting_an_unsendable_row_opens_nothing(qtbot: QtBot, source: Source) -> None:
    source.inputs = RoutingInputs([srv("Off", active=False)], ["HR"], [], True)
    widget = RoutingView(source, "")
    qtbot.addWidget(widget)
    with qtbot.assertNotEmitted(widget.server_chosen):
        widget.table.selectRow(0)
    assert "cannot be sent" in widget.details.text()


def test_header_preview_follows_the_chosen_analyst(qtbot: QtBot, view: RoutingView) -> None:
    sales, hr = row_of(view, "Sales"), row_of(view, "HR")
    assert cell(view, sales, RouteColumn.FROM) == "Ann Lee <ann@example.com>"
    assert view.analyst_box.currentText() == "Ann Lee (ann)"
    assert view.analyst_note.text() == "Ann Lee (ann): Ann Lee <ann@example.com>"
    view.analyst_box.setCurrentIndex(view.analyst_box.findData("bob"))
    assert view.analyst_login() == "bob"
    assert cell(view, sales, RouteColumn.FROM) == "Bob <bob@example.com>"
    assert cell(view, hr, RouteColumn.REPLY_TO) == "—"  # HR1 is shown; HR2 would carry Bob
    view.analyst_box.setCurrentIndex(view.analyst_box.findText(NO_ANALYST))
    assert view.analyst_login() == ""
    assert cell(view, sales, RouteColumn.FROM) == "sales@example.com"
    assert cell(view, sales, RouteColumn.PROBLEMS).startswith("Warning: Sent From Analyst is on for 'Sales'")


def test_an_unknown_analyst_is_listed_and_told_why(qtbot: QtBot, source: Source) -> None:
    widget = RoutingView(source, "mallory")
    qtbot.addWidget(widget)
    assert widget.analyst_box.currentText() == "mallory (not set up)"
    assert "'mallory' is not set up as an analyst in Partition Settings" in widget.analyst_note.text()
    assert "may use no partition" in widget.analyst_note.text()


def test_refresh_reads_again_and_keeps_the_selected_partition(qtbot: QtBot, view: RoutingView, source: Source) -> None:
    view.select_partition("Support")
    before = source.reads
    fixed = IDLE.with_changes(active=True)
    source.inputs = RoutingInputs([MAIN, SALES, HR1, fixed], ["Sales", "HR", "Support"], [ANN], True)
    with qtbot.assertNotEmitted(view.server_chosen):
        view.refresh()
    assert source.reads == before + 1
    route = view.selected_route()
    assert route is not None and route.partition == "Support" and route.server == fixed
    assert [r.label for r in view.routes()] == ["HR", "Sales", "Support", "(no partition)"]


def test_without_partitioning_there_is_a_single_row(qtbot: QtBot, source: Source) -> None:
    source.inputs = RoutingInputs([MAIN, SALES], ["Sales"], [], False)
    widget = RoutingView(source, "")
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 1
    assert cell(widget, 0, RouteColumn.OUTCOME) == "Conflict: 2 active servers"


def test_a_first_start_shows_no_red_row(qtbot: QtBot, source: Source) -> None:
    """No server at all is a blank set-up, not an email that cannot be sent."""
    source.inputs = RoutingInputs([], [], [], False)
    widget = RoutingView(source, "")
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 0
    assert widget.analyst_note.text() == NO_SERVERS_NOTE

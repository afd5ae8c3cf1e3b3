"""The list model and its proxy on their own: Qt's model checks, columns, status, sorting, filtering."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester

from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.window.server_filter_proxy import ServerFilterProxy
from outmail_gui.ui.window.server_table_model import ID_ROLE, Column, ServerTableModel
from tests.ui.conftest import mapi, smtp

_D = Qt.ItemDataRole.DisplayRole


def _records() -> list[Any]:
    return [
        smtp("Relay", port=587, is_default=True, partition="Sales"),
        smtp("Backup relay", active=False, partition="Sales"),
        smtp("Office 365", server="smtp.office365.com", outgoing_email_id="helpdesk@contoso.com", partition="HR"),
        smtp("HR relay", partition="HR"),
        mapi("Exchange legacy"),
    ]


@pytest.fixture
def model(qapp: QApplication) -> ServerTableModel:
    model = ServerTableModel()
    model.set_servers(_records())
    return model


@pytest.fixture
def proxy(model: ServerTableModel) -> ServerFilterProxy:
    proxy = ServerFilterProxy()
    proxy.setSourceModel(model)
    return proxy


def _names(proxy: ServerFilterProxy) -> list[str]:
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


def test_model_passes_qt_model_checks(qtmodeltester: ModelTester, model: ServerTableModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.refresh([*_records()[:2], smtp("Added")])
    qtmodeltester.check(model, force_py=True)


def test_proxy_passes_qt_model_checks(qtmodeltester: ModelTester, proxy: ServerFilterProxy) -> None:
    proxy.set_filter_text("relay")
    proxy.sort(Column.PORT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)


def test_columns_in_documented_order(model: ServerTableModel) -> None:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["Name", "Protocol", "Server", "Port", "Active", "Default", "Partition", "Last test"]


def test_status_columns_show_icon_and_text(model: ServerTableModel) -> None:
    relay = model.index(model.row_of(model.records()[0].id), 0)
    backup = model.index(model.row_of(model.records()[1].id), 0)
    row = relay.row()
    assert model.index(row, Column.ACTIVE).data() == "Yes"
    assert isinstance(model.index(row, Column.ACTIVE).data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.index(row, Column.DEFAULT).data() == "Default"
    assert isinstance(model.index(row, Column.DEFAULT).data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.index(backup.row(), Column.ACTIVE).data() == "No"
    assert isinstance(model.index(backup.row(), Column.ACTIVE).data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.index(backup.row(), Column.DEFAULT).data() == ""
    assert model.index(row, Column.LAST_TEST).data() == ""
    assert model.index(row, Column.PORT).data() == "587"


def test_partition_conflict_is_a_warning_icon_with_text(model: ServerTableModel) -> None:
    by_name = {r.name: model.row_of(r.id) for r in model.records()}
    hr = model.index(by_name["HR relay"], Column.PARTITION)
    assert hr.data() == "HR"
    assert isinstance(hr.data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert "More than one active server" in hr.data(Qt.ItemDataRole.ToolTipRole)
    assert "'Office 365'" in hr.data(Qt.ItemDataRole.ToolTipRole)
    # Sales has one active server (Backup relay is inactive): no warning.
    sales = model.index(by_name["Relay"], Column.PARTITION)
    assert sales.data(Qt.ItemDataRole.DecorationRole) is None
    assert sales.data(Qt.ItemDataRole.ToolTipRole) is None


def test_mapi_rows_are_marked_legacy(model: ServerTableModel) -> None:
    row = next(i for i, r in enumerate(model.records()) if r.is_mapi)
    cell = model.index(row, Column.PROTOCOL)
    assert cell.data() == "MAPI (legacy)"
    assert "no longer supported" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert isinstance(cell.data(Qt.ItemDataRole.DecorationRole), QIcon)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (Column.NAME, ["Backup relay", "Exchange legacy", "HR relay", "Office 365", "Relay"]),
        (Column.PORT, ["Backup relay", "HR relay", "Office 365", "Relay", "Exchange legacy"]),
        (Column.ACTIVE, ["Exchange legacy", "HR relay", "Office 365", "Relay", "Backup relay"]),
        (Column.DEFAULT, ["Relay", "Backup relay", "Exchange legacy", "HR relay", "Office 365"]),
        (Column.PARTITION, ["HR relay", "Office 365", "Backup relay", "Relay", "Exchange legacy"]),
        (Column.PROTOCOL, ["Exchange legacy", "Backup relay", "HR relay", "Office 365", "Relay"]),
    ],
)
def test_sorting_by_any_column(proxy: ServerFilterProxy, column: Column, expected: list[str]) -> None:
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    assert _names(proxy) == expected
    proxy.sort(column, Qt.SortOrder.DescendingOrder)
    assert _names(proxy) == list(reversed(expected))


def test_sorting_keeps_persistent_indexes(model: ServerTableModel, proxy: ServerFilterProxy) -> None:
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    relay = proxy.index(_names(proxy).index("Relay"), 0)
    from PySide6.QtCore import QPersistentModelIndex

    keep = QPersistentModelIndex(relay)
    proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert keep.data() == "Relay"
    assert keep.row() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("relay", {"Relay", "Backup relay", "HR relay"}),
        ("OFFICE365", {"Office 365"}),  # the server's host name
        ("helpdesk@contoso", {"Office 365"}),  # the Outgoing Email ID
        ("  legacy ", {"Exchange legacy"}),
        ("", {"Relay", "Backup relay", "Office 365", "HR relay", "Exchange legacy"}),
        ("no such server", set()),
    ],
)
def test_filter_matches_name_server_and_outgoing_email_id(
    proxy: ServerFilterProxy, text: str, expected: set[str]
) -> None:
    proxy.set_filter_text(text)
    assert set(_names(proxy)) == expected


def test_no_filtering_proxy_until_the_filter_is_first_used(model: ServerTableModel, proxy: ServerFilterProxy) -> None:
    """No Python call per row while there is nothing to filter (start-up): the proxy's source is the
    model itself until the first filter text, and indexes map through whatever is in between."""
    assert proxy.sourceModel() is model
    relay = model.index(model.row_of(model.records()[0].id), Column.NAME)
    assert proxy.map_to_model(proxy.map_from_model(relay)) == relay
    proxy.set_filter_text("office")
    assert proxy.sourceModel() is not model and _names(proxy) == ["Office 365"]
    assert not proxy.map_from_model(relay).isValid()  # "Relay" is filtered away
    office = proxy.index(0, Column.SERVER)
    assert proxy.map_to_model(office).model() is model and proxy.map_to_model(office).data() == "smtp.office365.com"
    proxy.set_filter_text("")
    assert len(_names(proxy)) == model.rowCount()
    assert proxy.map_to_model(proxy.map_from_model(relay)) == relay


def test_filter_follows_model_changes(model: ServerTableModel, proxy: ServerFilterProxy) -> None:
    proxy.set_filter_text("relay")
    model.refresh([*model.records(), smtp("New relay")])
    assert "New relay" in _names(proxy)
    records = [
        r.with_changes(name="Renamed", server="hr.example.com", outgoing_email_id="hr@example.com")
        if r.name == "HR relay"
        else r
        for r in model.records()
    ]
    model.refresh(records)
    assert "HR relay" not in _names(proxy)
    assert "Renamed" not in _names(proxy)


def test_filter_changes_and_model_changes_keep_the_filtered_rows_consistent(
    qtmodeltester: ModelTester, model: ServerTableModel, proxy: ServerFilterProxy
) -> None:
    """The filtered rows follow every kind of change (filter text narrowed and widened, rows added,
    removed and renamed, sorting) and always equal the model's matching rows in the model's order;
    Qt's model checks watch every signal meanwhile."""

    def expected(text: str) -> list[str]:
        needle = text.strip().casefold()
        return [
            r.name
            for r in (model.row_at(row) for row in range(model.rowCount()))
            if needle in f"{r.name}\n{r.server}\n{r.outgoing_email_id}".casefold()
        ]

    proxy.set_filter_text("re")
    qtmodeltester.check(proxy, force_py=True)
    for text in ("rel", "relay", "r", "e", "", "x", "office", "o"):
        proxy.set_filter_text(text)
        assert _names(proxy) == expected(text)
    proxy.set_filter_text("relay")
    model.refresh([*model.records(), smtp("Another relay"), smtp("Zeta")])  # rows added, one matching
    assert _names(proxy) == expected("relay")
    model.refresh([r for r in model.records() if r.name not in ("Backup relay", "Zeta")])  # rows removed
    assert _names(proxy) == expected("relay")
    renamed = [r.with_changes(name="Office relay") if r.name == "Office 365" else r for r in model.records()]
    model.refresh(renamed)  # a row now matches
    assert _names(proxy) == expected("relay")
    for column, order in ((Column.PORT, Qt.SortOrder.DescendingOrder), (Column.NAME, Qt.SortOrder.AscendingOrder)):
        proxy.sort(column, order)
        assert _names(proxy) == expected("relay")
    proxy.set_filter_text("")
    assert _names(proxy) == expected("")


def test_refresh_updates_rows_in_place(model: ServerTableModel, qtbot: Any) -> None:
    first = model.records()[0]
    with qtbot.assertNotEmitted(model.modelReset):
        model.refresh([r.with_changes(is_default=False) if r.id == first.id else r for r in model.records()])
    assert model.find(first.id) is not None
    assert model.index(model.row_of(first.id), Column.DEFAULT).data() == ""
    assert model.index(0, 0).data(ID_ROLE) == model.records()[0].id
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.index(99, 0).isValid()
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_last_test_column_can_be_filled_later(model: ServerTableModel, qtbot: Any) -> None:
    record = model.records()[0]
    with qtbot.waitSignal(model.dataChanged):
        model.set_last_test(record.id, "OK 0.4 s")
    assert model.index(model.row_of(record.id), Column.LAST_TEST).data(_D) == "OK 0.4 s"


def _painted(source: QAbstractItemModel, row: int, column: int) -> tuple[Any, ...]:
    """What a delegate takes from the model to paint a cell (Qt asks every role in one multiData())."""
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, source.index(row, column))
    icon = option.icon.pixmap(16).toImage() if not option.icon.isNull() else None
    return (option.text, icon, option.displayAlignment, option.features, option.checkState, option.font.toString())


def test_cells_paint_as_one_data_call_per_role_would(model: ServerTableModel, proxy: ServerFilterProxy) -> None:
    """``multiData`` answers a painted cell's roles in one Python call; a plain proxy (Qt's own
    multiData, one ``data()`` call per role) must see exactly the same."""
    model.set_expiry_flags({model.records()[0].id: "The client secret expires in 3 days."})
    plain = QSortFilterProxyModel()
    plain.setSourceModel(model)
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            expected = _painted(plain, row, column)
            assert _painted(model, row, column) == expected, (row, column)
            assert _painted(proxy, row, column) == expected, (row, column)
    assert model.flags(model.index(0, 0)) == (
        Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
    )
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_the_store_lists_rows_in_the_name_columns_own_order(repo: ServerRepository) -> None:
    """Start-up takes the store's order as the Name sort (``in_name_order``): it must be the same."""
    names = ["b relay", "Ärger", "A relay", "a Relay 2", "Zulu", "ß mail", "10 relay", "9 relay", "éclair", "Eclair"]
    for name in names:  # saved with blanks around: stored trimmed
        repo.save(smtp(f"  {name} ", server="relay.example.com", outgoing_email_id="relay@example.com"))
    listed = repo.list_server_rows()
    sorted_here = ServerTableModel()
    sorted_here.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    sorted_here.set_servers(listed)
    expected = [sorted_here.row_at(row).name for row in range(sorted_here.rowCount())]
    assert [r.name for r in listed] == expected
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        taken = ServerTableModel()
        taken.sort(Column.NAME, order)
        taken.set_servers(repo.list_server_rows(), in_name_order=True)
        shown = [taken.row_at(row).name for row in range(taken.rowCount())]
        assert shown == (expected if order is Qt.SortOrder.AscendingOrder else expected[::-1])

"""Layout and keyboard: object names, the list, filter, sorting, tab order, accessible names."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.window.main_window import DETAILS_MIN_WIDTH
from outmail_gui.ui.window.server_table_model import Column
from tests.ui.conftest import WindowFactory, mapi, smtp
from tests.ui.helpers import action, child, click, click_row, row_of, shortcut

ACTION_NAMES = (
    "new_smtp_server",
    "new_mapi_server",
    "save",
    "close_details",
    "delete",
    "duplicate",
    "import",
    "export",
)


def test_list_and_details_side_by_side_with_toolbar_and_menus(make_window: WindowFactory) -> None:
    window = make_window()
    splitter = child(window, QSplitter, "main_splitter")
    assert splitter.orientation() is Qt.Orientation.Horizontal
    assert splitter.widget(1) is window.details
    assert child(window, QTableView, "server_list").model() is window.proxy
    for name in ACTION_NAMES:
        assert action(window, name).objectName() == name
        assert child(window, QAbstractButton, f"toolbar_{name}").isVisible()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "Server", "View", "Test", "Help"]
    assert action(window, "new_smtp_server").shortcut().toString() == "Ctrl+N"
    assert action(window, "save").shortcut().toString() == "Ctrl+S"
    assert action(window, "close_details").shortcut().toString() == "Esc"


def test_test_connection_is_a_real_action_on_f5(make_window: WindowFactory) -> None:
    window = make_window()
    test = action(window, "test_connection")
    assert test.shortcut().toString() == "F5"
    assert action(window, "test_all").shortcut().toString() == "Shift+F5"


def test_list_columns_and_status_text(make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("Relay", is_default=True))
    repo.save(smtp("Spare", active=False))
    window = make_window()
    model = window.list_view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Name", "Protocol", "Server", "Port", "Active", "Default", "Partition", "Last test"]
    relay, spare = row_of(window, "Relay"), row_of(window, "Spare")
    assert model.index(relay, Column.DEFAULT).data() == "Default"
    assert model.index(spare, Column.ACTIVE).data() == "No"
    assert model.index(relay, Column.LAST_TEST).data() == ""
    assert child(window, QLabel, "server_count").text() == "2 server(s)"


def test_ctrl_f_focuses_the_filter_and_typing_filters(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    for name in ("Alpha relay", "Beta", "Gamma"):
        repo.save(smtp(name))
    repo.save(smtp("Delta", server="mail.corp.example", outgoing_email_id="alerts@corp.example"))
    window = make_window()
    window.list_view.setFocus()
    shortcut(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    filter_edit = child(window, QLineEdit, "filter")
    assert QApplication.focusWidget() is filter_edit
    qtbot.keyClicks(filter_edit, "ALERTS@")
    assert window.proxy.rowCount() == 1
    assert row_of(window, "Delta") == 0
    assert child(window, QLabel, "server_count").text() == "1 of 4 server(s) shown"
    filter_edit.clear()
    qtbot.keyClicks(filter_edit, "relay")
    assert [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())] == ["Alpha relay"]


def test_the_first_filter_text_keeps_selection_details_and_header(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    """The first filter text puts the filtering proxy under the list's (a reset of its rows): the
    selected server stays selected and shown, the columns keep their widths and sort order, and
    later filter texts behave as before."""
    for name in ("Alpha relay", "Beta relay", "Gamma"):
        repo.save(smtp(name))
    window = make_window()
    header = window.list_view.horizontalHeader()
    header.resizeSection(Column.PORT, 77)
    click_row(qtbot, window, "Beta relay")
    header.setSortIndicator(Column.NAME, Qt.SortOrder.DescendingOrder)
    shown = window.details.form().record().id
    sort_before = (header.sortIndicatorSection(), header.sortIndicatorOrder())
    filter_edit = child(window, QLineEdit, "filter")
    qtbot.keyClicks(filter_edit, "relay")
    assert [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())] == ["Beta relay", "Alpha relay"]
    assert window.selected_id() == shown and window.details.form().record().id == shown
    assert window.list_view.selectionModel().currentIndex().data() == "Beta relay"
    assert header.sectionSize(Column.PORT) == 77
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == sort_before
    filter_edit.setText("alpha")  # Beta is filtered away: as before, the selection moves to what is left
    assert [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())] == ["Alpha relay"]
    assert window.details.form().record().name == "Alpha relay"
    assert window.selected_id() == window.details.form().record().id
    filter_edit.clear()
    assert window.proxy.rowCount() == 3
    click_row(qtbot, window, "Gamma")
    assert window.details.form().record().name == "Gamma"


def test_a_first_filter_text_that_hides_the_selection_acts_as_any_later_one(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    for name in ("Alpha relay", "Beta relay", "Gamma"):
        repo.save(smtp(name))
    window = make_window()
    click_row(qtbot, window, "Gamma")
    qtbot.keyClicks(child(window, QLineEdit, "filter"), "relay")
    # Qt moves the selection to a row still shown (as on every filter change); the details follow it.
    assert window.details.form().record().name in ("Alpha relay", "Beta relay")
    assert window.selected_id() == window.details.form().record().id


def test_clicking_a_header_sorts(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("A", port=2525))
    repo.save(smtp("B", port=25))
    repo.save(smtp("C", port=587))
    window = make_window()
    header = window.list_view.horizontalHeader()
    x = header.sectionViewportPosition(Column.PORT) + header.sectionSize(Column.PORT) // 2

    def click_port_header() -> list[tuple[str, str]]:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert header.sortIndicatorSection() == Column.PORT
        return [(window.proxy.index(r, 0).data(), window.proxy.index(r, Column.PORT).data()) for r in range(3)]

    ascending = [("B", "25"), ("C", "587"), ("A", "2525")]  # by number, not as text ("2525" < "587")
    first = click_port_header()
    first_order = header.sortIndicatorOrder()
    assert first == (ascending if first_order == Qt.SortOrder.AscendingOrder else ascending[::-1])
    second = click_port_header()  # the same header again: the other way round
    assert header.sortIndicatorOrder() != first_order and second == first[::-1]


def test_tab_order_follows_the_visual_order(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    chain: list[str] = []
    widget: QWidget = child(window, QLineEdit, "filter")
    start = widget
    for _ in range(200):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
            chain.append(widget.objectName())
        following = widget.nextInFocusChain()
        assert following is not None
        widget = following
        if widget is start:
            break
    expected = ["filter", "server_list", "name", "server", "port", "login_id", "password", "save_button"]
    positions = [chain.index(name) for name in expected if name in chain]
    assert len(positions) == len(expected), chain
    assert positions == sorted(positions), chain
    assert chain.index("close_details_button") == chain.index("save_button") + 1


def test_every_input_has_an_accessible_name_and_field_object_name(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    repo.set_mapi_mail_server("exchange.example.com")
    repo.save(mapi("Legacy"))
    window = make_window()
    for name in ("Relay", "Legacy"):
        click_row(qtbot, window, name)
        inputs = [
            w
            for w in window.findChildren(QWidget)
            if isinstance(w, QLineEdit | QCheckBox | QComboBox | QAbstractSpinBox | QTableView)
            and w.isVisibleTo(window)
            and w.parent() is not None
            and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
        ]
        assert len(inputs) > 10
        for widget in inputs:
            assert widget.objectName(), f"{type(widget).__name__} without objectName"
            assert widget.accessibleName() or widget.objectName() in ("server_list",), widget.objectName()
        assert window.list_view.accessibleName()


def test_the_list_fits_its_columns_and_the_details_get_the_rest(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.set_mapi_mail_server("exchange.example.com")
    repo.save(smtp("Backup relay with a long name", server="relay-with-a-long-name.corp.example"))
    repo.save(mapi("Legacy"))
    window = make_window()
    view = window.list_view
    header = view.horizontalHeader()
    for column in (Column.NAME, Column.SERVER):  # shown in full, not squeezed
        assert header.sectionSize(column) >= view.sizeHintForColumn(column)
    assert header.isSectionHidden(Column.PARTITION)  # partitioning is off: no Partition column
    assert not view.horizontalScrollBar().isVisible()
    left, right = window.splitter.sizes()
    assert right >= DETAILS_MIN_WIDTH and left >= view.wanted_width() - 10
    click_row(qtbot, window, "Legacy")
    tabs = child(window.details, QTabWidget, "details_tabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Settings", "Test"]
    assert tabs.currentWidget() is window.details.form()  # the form has the whole height


def test_full_values_are_in_the_tooltips(make_window: WindowFactory, repo: ServerRepository) -> None:
    record = repo.save(smtp("Relay", server="relay2.hr.corp.example"))
    window = make_window()
    window.model.set_last_test(record.id, "Failed at AUTH · 12:03 · the server rejected the password")
    row = window.model.row_of(record.id)
    for column, text in (  # (Name is sized to show names in full; its tooltip is the expiry mark)
        (Column.SERVER, "relay2.hr.corp.example"),
        (Column.LAST_TEST, "Failed at AUTH · 12:03 · the server rejected the password"),
    ):
        assert window.model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) == text


def test_the_header_menu_chooses_the_columns_and_the_choice_is_kept(
    make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    header = window.list_view.horizontalHeader()
    menu = window.list_view.column_menu()
    entries = {a.objectName(): a for a in menu.actions()}
    assert not entries["column_name"].isEnabled()  # Name always shows
    assert not entries["column_partition"].isEnabled()  # partitioning is off
    entries["column_port"].setChecked(False)
    assert header.isSectionHidden(Column.PORT)
    window.save_state()
    window.shut_down()
    again = make_window()
    assert again.list_view.horizontalHeader().isSectionHidden(Column.PORT)
    assert not again.list_view.horizontalHeader().isSectionHidden(Column.SERVER)


def test_the_partition_column_follows_the_setting(make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    header = window.list_view.horizontalHeader()
    assert header.isSectionHidden(Column.PARTITION)
    repo.set_partitioning_enabled(True)
    window.store_written()
    assert not header.isSectionHidden(Column.PARTITION)
    window.save_state()  # saved with the column shown
    window.shut_down()
    repo.set_partitioning_enabled(False)  # switched off meanwhile (e.g. from the command line)
    again = make_window()
    assert again.list_view.horizontalHeader().isSectionHidden(Column.PARTITION)


def test_an_empty_list_welcomes_with_the_first_actions(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    window = make_window()
    welcome = child(window.list_view, QWidget, "list_welcome")
    assert welcome.isVisible()
    assert "Welcome" in child(welcome, QLabel, "list_welcome_text").text()
    assert not action(window, "export").isEnabled() and not action(window, "test_all").isEnabled()
    click(qtbot, child(welcome, QPushButton, "welcome_new_smtp_server"))
    assert window.details.is_showing_details()
    assert window.details.form().record().revision == 0
    window.session.close_details()
    repo.save(smtp("Relay"))
    window.store_written()
    assert not welcome.isVisible()
    assert action(window, "export").isEnabled() and action(window, "test_all").isEnabled()


def test_the_window_opens_within_the_screen_and_keeps_its_size(make_window: WindowFactory) -> None:
    window = make_window()
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry())
    window.resize(1111, 666)
    window.save_state()
    window.shut_down()
    again = make_window()
    assert (again.width(), again.height()) == (1111, 666)

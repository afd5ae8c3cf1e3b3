"""Test history in the window: the Last test column at start-up, the history view, delete cascades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.shared import dialogs
from outmail_gui.ui.window.server_table_model import Column
from tests.support.smtp_servers import RunningSmtpServer
from tests.ui.conftest import DialogAnswers, WindowFactory
from tests.ui.connection_helpers import open_server, panel, plain_record, wait_idle
from tests.ui.helpers import action, child, click, line, replace_text, table_item

SmtpFactory = Callable[..., RunningSmtpServer]
EARLIER = dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC)


def earlier(server_id: str, days: int, outcome: Outcome, step: str | None = None) -> HistoryEntry:
    return HistoryEntry(server_id, EARLIER + dt.timedelta(days=days), outcome, f"day {days}", 1500, step)


def test_the_last_test_column_shows_the_newest_stored_result_at_start_up(
    make_window: WindowFactory, repo: ServerRepository
) -> None:
    tested, untested = repo.save(plain_record("Tested", 25)), repo.save(plain_record("Untested", 25))
    HistoryStore.of(repo).add_many(
        [earlier(tested.id, 0, Outcome.PASSED), earlier(tested.id, 2, Outcome.FAILED, "tls")]
    )
    window = make_window()
    model = window.model
    newest = (EARLIER + dt.timedelta(days=2)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert model.index(model.row_of(tested.id), Column.LAST_TEST).data() == f"Failed at Encryption (TLS) · {newest}"
    assert model.index(model.row_of(untested.id), Column.LAST_TEST).data() == ""


def test_each_finished_test_is_added_and_the_history_view_lists_them_newest_first(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, smtp_server: SmtpFactory
) -> None:
    server = smtp_server()
    record = repo.save(plain_record("Relay", server.port))
    HistoryStore.of(repo).add(earlier(record.id, 0, Outcome.FAILED, "connect"))
    window = make_window()
    open_server(window, record)
    for _ in range(2):
        with qtbot.waitSignal(window.testing.test_finished, timeout=8000):
            window.testing.test_current()
    click(qtbot, panel(window).history_button)
    history = child(window, QDialog, "test_history_dialog")
    assert history.isVisible() and history.windowTitle() == "Test history — Relay"
    table = child(history, QTableWidget, "test_history_table")
    assert table.rowCount() == 3
    assert [table_item(table, r, 1).text() for r in range(3)] == ["Passed", "Passed", "Failed"]
    assert table_item(table, 2, 2).text() == "Connection" and table_item(table, 2, 4).text() == "day 0"
    assert table_item(table, 0, 4).text().startswith("Server reachable")
    assert table_item(table, 0, 1).icon() is not None and not table_item(table, 0, 1).icon().isNull()
    # The open view follows new results of its server.
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000):
        window.testing.test_current()
    assert table.rowCount() == 4
    assert "4 earlier test(s) of Relay" in child(history, QLabel, "test_history_caption").text()
    history.close()
    wait_idle(qtbot, window)


def test_the_history_action_needs_a_saved_server(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    record = repo.save(plain_record("Relay", 25))
    window = make_window()
    assert not action(window, "test_history").isEnabled()
    open_server(window, record)
    assert action(window, "test_history").isEnabled()
    window.window_actions.close_details.trigger()
    window.window_actions.new_smtp_server.trigger()
    assert not action(window, "test_history").isEnabled()
    for name, text in (("name", "Fresh"), ("server", "fresh.example.com"), ("outgoing_email_id", "a@example.com")):
        replace_text(qtbot, line(window, name), text)
    assert not action(window, "test_history").isEnabled()
    window.window_actions.save.trigger()
    assert window.session.current_is_saved() and action(window, "test_history").isEnabled()


def test_deleting_a_server_deletes_its_history(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    gone, kept = repo.save(plain_record("Gone", 25)), repo.save(plain_record("Kept", 25))
    store = HistoryStore.of(repo)
    store.add_many([earlier(gone.id, d, Outcome.PASSED) for d in range(3)] + [earlier(kept.id, 0, Outcome.PASSED)])
    window = make_window()
    open_server(window, gone)
    answer_dialog(dialogs.ConfirmDeleteDialog, True)
    window.window_actions.delete.trigger()
    assert window.model.find(gone.id) is None
    assert store.for_server(gone.id) == [] and len(store.for_server(kept.id)) == 1
    assert set(store.latest()) == {kept.id}

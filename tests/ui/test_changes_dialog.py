"""Server › Changes…: the audit trail of a real PostgreSQL store (app and raw SQL changes), filtered
by server and date, readable on a small screen; the local store says it keeps no trail yet."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secret_writes import SecretWrites
from outmail_gui.ui.window.changes_dialog import ALL_SERVERS, CHANGES_COLUMN, HEADERS, ChangesDialog
from tests.integration.shared_store.test_repository_contract import Slots
from tests.support.postgres import PostgresServer
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.layout_check import clipped_texts, overlaps

SECRET = "Pa55-never-in-the-trail"
LOGIN, PASSWORD = "outmail_t_changes", "changes-pass"


@pytest.fixture
def changed(
    postgres_server: PostgresServer, shared_database: str, shared_store: SharedStore
) -> Iterator[SharedRepository]:
    """A store with a history: added, renamed and moved to another port, a second server added and deleted."""
    postgres_server.create_login(LOGIN, PASSWORD, "outmail_admin")
    with SharedRepository.open(SharedStore(postgres_server.url(shared_database, LOGIN, PASSWORD))) as repo:
        record = smtp("Head office", port=25)
        writes = SecretWrites(Slots())
        writes.set(record.id, SECRET)
        with repo.transaction(writes) as tx:
            saved = tx.save(record)
        repo.save(saved.with_changes(name="Head Office 2", port=587))
        branch = repo.save(smtp("Branch"))
        repo.delete(branch.id)
        yield repo


def texts(dialog: ChangesDialog, column: int) -> list[str]:
    table = dialog.table
    return [item.text() if (item := table.item(row, column)) is not None else "" for row in range(table.rowCount())]


def test_the_trail_newest_first_with_who_where_and_old_to_new(qtbot: QtBot, changed: SharedRepository) -> None:
    dialog = ChangesDialog(changed, ["Head Office 2"])
    qtbot.addWidget(dialog)
    assert [dialog.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))] == list(HEADERS)
    assert dialog.server_filter.currentText() == ALL_SERVERS
    assert texts(dialog, 3) == ["Deleted", "Added", "Changed", "Added"]
    assert texts(dialog, 4) == ["Branch", "Branch", "Head Office 2", "Head office"]
    assert set(texts(dialog, 1)) == {LOGIN}
    assert all(where.startswith("outmail-gui on ") and where.endswith(", 127.0.0.1") for where in texts(dialog, 2))
    assert texts(dialog, CHANGES_COLUMN)[2].splitlines() == ['name "Head office" -> "Head Office 2"', "port 25 -> 587"]
    assert dialog.caption.text().startswith("4 change(s) of all servers, newest first")
    everything = " ".join(" ".join(texts(dialog, c)) for c in range(len(HEADERS)))
    assert SECRET not in everything
    when = dt.datetime.strptime(texts(dialog, 0)[0], "%Y-%m-%d %H:%M:%S")
    assert abs(when - dt.datetime.now()) < dt.timedelta(minutes=5)


def test_filtered_by_server_and_since_a_date(qtbot: QtBot, changed: SharedRepository) -> None:
    dialog = ChangesDialog(changed, ["Head Office 2"], "Head Office 2")
    qtbot.addWidget(dialog)
    assert dialog.server_filter.currentText() == "Head Office 2"
    assert texts(dialog, 3) == ["Changed", "Added"]  # its changes under its former name too
    dialog.since_check.setChecked(True)
    assert dialog.since_date.isEnabled()
    dialog.since_date.setDate(QDate.currentDate().addDays(1))
    assert dialog.table.rowCount() == 0
    assert dialog.caption.text() == (
        f"No changes recorded of Head Office 2 since {QDate.currentDate().addDays(1).toString('yyyy-MM-dd')}."
    )
    dialog.since_date.setDate(QDate.currentDate())
    assert dialog.table.rowCount() == 2
    dialog.server_filter.setCurrentIndex(dialog.server_filter.findText(ALL_SERVERS))
    assert dialog.table.rowCount() == 4


def test_readable_on_a_1024x640_screen(qtbot: QtBot, changed: SharedRepository) -> None:
    dialog = ChangesDialog(changed, ["Head Office 2"])
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600)  # within 1024x640 with the window frame
    with qtbot.waitExposed(dialog):
        dialog.show()
    assert overlaps(dialog) == [] and clipped_texts(dialog) == []
    assert not dialog.table.horizontalScrollBar().isVisible()
    header = dialog.table.horizontalHeader()
    right = header.sectionViewportPosition(CHANGES_COLUMN) + header.sectionSize(CHANGES_COLUMN)
    assert right <= dialog.table.viewport().width()
    assert header.sectionSize(CHANGES_COLUMN) >= 200  # the changes keep room to be read (they wrap)


def test_server_changes_opens_on_the_displayed_server(
    make_window: WindowFactory, answer_dialog: DialogAnswers, repo: object
) -> None:
    from outmail_gui.store.repository import ServerRepository

    assert isinstance(repo, ServerRepository)
    main = repo.save(smtp("Main"))
    repo.save(smtp("Branch"))
    window = make_window()
    asked = answer_dialog(ChangesDialog, None)
    window.open_server(main.id)
    window.window_actions.changes.trigger()
    assert len(asked) == 1
    repository, names, server = asked[0]
    assert repository is window.repository and sorted(names) == ["Branch", "Main"] and server == "Main"


def test_the_local_store_shows_its_own_trail(qtbot: QtBot, make_window: WindowFactory, repo: object) -> None:
    from outmail_gui.store.repository import ServerRepository

    assert isinstance(repo, ServerRepository)
    saved = repo.save(smtp("Main", port=25))
    repo.save(saved.with_changes(port=2525))
    window = make_window()
    dialog = ChangesDialog(window.repository, ["Main"], "Main")
    qtbot.addWidget(dialog)
    assert texts(dialog, 3) == ["Changed", "Added"]
    assert texts(dialog, CHANGES_COLUMN)[0] == "port 25 -> 2525"
    assert texts(dialog, 1)[0] == getpass.getuser()

"""A damaged record (text that is not UTF-8, a value no version writes) is named; the rest stay usable."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from outmail_gui.store.repository import ServerRepository
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import click_row, row_of, status_text


def test_the_window_starts_lists_the_rest_and_names_the_damaged_servers(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    for name in ("Good", "Bogus", "Garbled"):
        repo.save(smtp(name, login_id="jürgen"))
    conn = repo.connection()
    conn.execute("UPDATE servers SET auth_methods = 'BOGUS' WHERE name = 'Bogus'")  # passes the CHECKs
    conn.execute("UPDATE servers SET name = CAST(X'47617262ff6c6564' AS TEXT) WHERE name = 'Garbled'")  # not UTF-8
    window = make_window()
    assert row_of(window, "Good") >= 0 and row_of(window, "Bogus") >= 0
    assert "Garb\ufffdled" in status_text(window) and "damaged" in status_text(window)
    click_row(qtbot, window, "Bogus")
    assert "server 'Bogus'" in status_text(window) and "cannot be read" in status_text(window)
    click_row(qtbot, window, "Good")
    assert window.session.is_open() and window.session.display_name() == "Good"

"""Live refresh on the shared store: changes from the CLI (another process), another window and
raw SQL appear in an open window, through the database's NOTIFY, on a real PostgreSQL.

Each wait is bounded (``WAIT_MS``) and waits for the live path itself (``live_refresh.applied``),
never for a refresh the window would make on being activated.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.ui.form.server_form import ServerFormWidget
from outmail_gui.ui.partitions.routing_view import RouteColumn
from outmail_gui.ui.shared.dialogs import ConflictChoice, RevisionConflictDialog
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.server_table_model import Column
from tests.support.postgres import BIN, PostgresServer
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import replace_spin, spin

WAIT_MS = 5000  # a notice takes milliseconds; the bound only keeps a failure from hanging
CLI_LOGIN, CLI_PASSWORD = "outmail_t_live_cli", "live-cli-pass"


@pytest.fixture
def store(shared_store: SharedStore) -> Iterator[SharedRepository]:
    """The test's own connection to the shared store (as a third workstation)."""
    with SharedRepository.open(shared_store) as repository:
        yield repository


@pytest.fixture
def cli_url(postgres_server: PostgresServer, shared_database: str) -> str:
    postgres_server.create_login(CLI_LOGIN, CLI_PASSWORD, "outmail_admin")
    return postgres_server.url(shared_database, CLI_LOGIN, CLI_PASSWORD)


def run_cli_process(url: str, *argv: str) -> None:
    """``outmail-gui --store URL ARGV`` in a process of its own, as on another workstation."""
    done = subprocess.run(
        [sys.executable, "-m", "outmail_gui", "--store", url, *argv],
        capture_output=True, text=True, timeout=60, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def shared_window(make_window: WindowFactory, shared_store: SharedStore) -> MainWindow:
    window = make_window(shared=shared_store)
    assert window.live_refresh.is_listening()
    listener = window.live_refresh.listener()
    assert listener is not None and listener.wait_listening(WAIT_MS / 1000)  # type: ignore[attr-defined]
    return window


def wait_applied(qtbot: QtBot, window: MainWindow, change: Callable[[], Any]) -> None:
    """Make ``change`` elsewhere and wait until ``window`` has applied it live."""
    with qtbot.waitSignal(window.live_refresh.applied, timeout=WAIT_MS):
        change()


def port_in_list(window: MainWindow, record: ServerSettings) -> int:
    return window.model.row_at(window.model.row_of(record.id)).port


def open_in_form(window: MainWindow, record: ServerSettings) -> ServerFormWidget:
    window.open_server(record.id)
    form = window.details.form()
    assert window.session.current_saved_id() == record.id
    return form


def edit_port(qtbot: QtBot, window: MainWindow, port: int) -> None:
    replace_spin(qtbot, spin(window, "port"), port)
    assert window.session.is_dirty()


def test_a_cli_edit_in_another_process_updates_the_list_routing_and_default(
    qtbot: QtBot, make_window: WindowFactory, shared_store: SharedStore, store: SharedRepository, cli_url: str
) -> None:
    main = store.save(smtp("Main", is_default=True))
    branch = store.save(smtp("Branch"))
    window = shared_window(make_window, shared_store)
    window.partition_features.routing_action.trigger()
    assert window.partition_features.dock.isVisible()
    view = window.partition_features.view

    def sends_via() -> str:
        return str(view.model.index(0, RouteColumn.SERVER).data())

    assert sends_via() == "Branch (+1 more)"

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "edit", "Branch", "--port", "2525"))
    assert port_in_list(window, branch) == 2525

    # The default moves: both rows change in one transaction.
    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "set-default", "Branch"))
    qtbot.waitUntil(lambda: window.model.row_at(window.model.row_of(branch.id)).is_default, timeout=WAIT_MS)
    assert not window.model.row_at(window.model.row_of(main.id)).is_default

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "edit", "Main", "--inactive"))
    qtbot.waitUntil(lambda: sends_via() == "Branch", timeout=WAIT_MS)  # the routing view follows

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "delete", "Main"))
    assert window.model.row_of(main.id) < 0
    assert window.model.rowCount() == 1


def test_a_form_without_edits_reloads_and_says_who_changed_it(
    qtbot: QtBot, make_window: WindowFactory, shared_store: SharedStore, store: SharedRepository, cli_url: str
) -> None:
    record = store.save(smtp("Main", port=25))
    window = shared_window(make_window, shared_store)
    form = open_in_form(window, record)

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "edit", "Main", "--port", "587"))
    assert form.record().port == 587
    assert not window.session.is_dirty()
    assert not form.changed_banner.isVisible()
    status = window.statusBar().currentMessage()
    assert status.startswith(f"Main was changed by {CLI_LOGIN} at ") and "showing the current version" in status


def test_a_form_with_edits_keeps_them_shows_who_changed_it_and_save_meets_the_conflict(
    qtbot: QtBot,
    make_window: WindowFactory,
    shared_store: SharedStore,
    store: SharedRepository,
    cli_url: str,
    answer_dialog: DialogAnswers,
) -> None:
    record = store.save(smtp("Main", port=25))
    window = shared_window(make_window, shared_store)
    form = open_in_form(window, record)
    edit_port(qtbot, window, 2500)
    assert window.session.is_dirty()

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "edit", "Main", "--port", "587"))
    assert form.record().port == 2500  # not overwritten
    assert window.session.is_dirty()
    assert form.changed_banner.isVisible()
    entry = store.last_change(record.id)
    assert entry is not None
    text = form.changed_banner.text()
    assert text.startswith(f"Changed by {CLI_LOGIN} at {entry.at.astimezone():%H:%M} (")
    assert "Your edits are kept" in text
    assert form.load_saved_button.isVisible()

    asked = answer_dialog(RevisionConflictDialog, ConflictChoice.RELOAD)
    assert not window.session.save()
    assert len(asked) == 1
    assert form.record().port == 587  # the other workstation's version, the banner gone with the edits
    assert not form.changed_banner.isVisible()
    assert store.get(record.id).port == 587


def test_a_deleted_server_says_so_in_the_form_with_and_without_edits(
    qtbot: QtBot, make_window: WindowFactory, shared_store: SharedStore, store: SharedRepository, cli_url: str
) -> None:
    edited = store.save(smtp("Edited"))
    shown = store.save(smtp("Shown"))
    window = shared_window(make_window, shared_store)
    form = open_in_form(window, edited)
    edit_port(qtbot, window, 2600)

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "servers", "delete", "Edited"))
    assert form.changed_banner.isVisible()
    assert form.changed_banner.text().startswith(f"Deleted by {CLI_LOGIN} at ")
    assert not form.load_saved_button.isVisible()
    assert window.session.is_dirty() and form.record().port == 2600

    window2 = shared_window(make_window, shared_store)
    open_in_form(window2, shown)
    wait_applied(qtbot, window2, lambda: run_cli_process(cli_url, "servers", "delete", "Shown"))
    assert not window2.details.is_showing_details()
    placeholder = window2.details.currentWidget()
    assert isinstance(placeholder, QLabel) and f"Shown was deleted by {CLI_LOGIN} at " in placeholder.text()
    assert window2.statusBar().currentMessage().startswith(f"Shown was deleted by {CLI_LOGIN} at ")


def test_two_windows_see_each_others_saves_and_never_their_own(
    qtbot: QtBot, make_window: WindowFactory, shared_store: SharedStore, store: SharedRepository
) -> None:
    record = store.save(smtp("Main", port=25))
    first = shared_window(make_window, shared_store)
    second = shared_window(make_window, shared_store)
    first_form = open_in_form(first, record)
    second_form = open_in_form(second, record)
    edit_port(qtbot, second, 2700)  # the second window has edits of its own

    edit_port(qtbot, first, 465)
    own: list[object] = []
    first.live_refresh.applied.connect(own.append)
    wait_applied(qtbot, second, lambda: first.session.save())
    assert port_in_list(second, record) == 465
    assert second_form.changed_banner.isVisible()
    assert second_form.record().port == 2700
    qtbot.wait(200)  # time for the first window's own notice to arrive (it must be skipped)
    assert own == []
    assert not first_form.changed_banner.isVisible()
    assert first_form.record().port == 465 and not first.session.is_dirty()


def test_a_psql_change_appears_live(
    qtbot: QtBot,
    make_window: WindowFactory,
    postgres_server: PostgresServer,
    shared_database: str,
    shared_store: SharedStore,
    store: SharedRepository,
    cli_url: str,
) -> None:
    """A change made around Outmail (psql, as a database administrator would) is announced by the trigger too."""
    record = store.save(smtp("Main", port=25))
    window = shared_window(make_window, shared_store)
    form = open_in_form(window, record)

    def psql_update() -> None:
        done = subprocess.run(
            [str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", CLI_LOGIN,
             "-d", shared_database, "-v", "ON_ERROR_STOP=1", "-c",
             f"UPDATE outmail.servers SET port = 2525, revision = revision + 1 WHERE id = '{record.id}'"],
            env=dict(os.environ, PGPASSWORD=CLI_PASSWORD, PGAPPNAME="psql"),
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    wait_applied(qtbot, window, psql_update)
    assert port_in_list(window, record) == 2525
    assert form.record().port == 2525
    assert window.statusBar().currentMessage().startswith(f"Main was changed by {CLI_LOGIN} at ")
    assert "(psql, 127.0.0.1)" in window.statusBar().currentMessage()


def test_partitioning_switched_on_elsewhere_shows_the_partition_column_live(
    qtbot: QtBot, make_window: WindowFactory, shared_store: SharedStore, store: SharedRepository, cli_url: str
) -> None:
    """Not only servers: the partitions and the application settings routing and the list follow."""
    store.save(smtp("Main"))
    window = shared_window(make_window, shared_store)
    header = window.list_view.horizontalHeader()
    assert header.isSectionHidden(Column.PARTITION)

    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "partitions", "add", "HR"))
    wait_applied(qtbot, window, lambda: run_cli_process(cli_url, "partitions", "enable"))
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.PARTITION), timeout=WAIT_MS)


def test_the_local_store_starts_no_listener_and_loads_no_driver(tmp_path: Path) -> None:
    """A window on the local store: nothing to listen to, so no thread and no psycopg (a real process)."""
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from outmail_gui.app import build_main_window\n"
        "from outmail_gui.ui.window.window_state import WindowStateStore\n"
        f"data, state = Path({str(tmp_path / 'data')!r}), WindowStateStore(Path({str(tmp_path / 's.ini')!r}))\n"
        "w = build_main_window(data, state_store=state)\n"
        "print(w.live_refresh.is_listening(), 'psycopg' in sys.modules, threading.active_count())\n"
        "w.shut_down()\n"
    )  # fmt: skip
    (tmp_path / "data").mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "1"]


def test_a_cut_listener_is_reopened_and_the_window_catches_up(
    qtbot: QtBot,
    make_window: WindowFactory,
    postgres_server: PostgresServer,
    shared_database: str,
    shared_store: SharedStore,
    store: SharedRepository,
) -> None:
    """What was committed while nobody listened is read all at once when the listener is back."""
    record = store.save(smtp("Main", port=25))
    window = shared_window(make_window, shared_store)

    def cut_then_change() -> None:
        with postgres_server.admin(shared_database) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query = 'LISTEN outmail_changes' AND pid <> pg_backend_pid()"
            )
        store.save(record.with_changes(port=2525))

    with qtbot.waitSignal(window.live_refresh.applied, timeout=WAIT_MS, check_params_cb=lambda ids: ids is None):
        cut_then_change()
    qtbot.waitUntil(lambda: port_in_list(window, record) == 2525, timeout=WAIT_MS)

"""The window on the shared PostgreSQL store: real server, real roles and logins over loopback TCP.

Which store is open (the status bar), read-only by the login's role with the reason, the database
unreachable at start (Retry) and lost mid-session (the edit kept, Save refused, reconnected).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import NEEDS_PARTITION
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import connect
from outmail_gui.store.postgres.database_passwords import password_key
from outmail_gui.store.postgres.installing import initialise
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.postgres.schema import schema_version
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared import dialogs
from outmail_gui.ui.shared.dialogs import UnreachableChoice
from outmail_gui.ui.window.launch import build_main_window
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.shared_settings_dialog import SharedSettingsDialog
from outmail_gui.ui.window.store_switch import switch_store
from outmail_gui.ui.window.window_state import RecentStore, WindowStateStore
from tests.support.postgres import PostgresServer, running_server
from tests.support.postgres_fixtures import seed_partitions_and_logins
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import action, child, click_row, line, replace_spin, replace_text, row_of, spin, status_text

HELPDESK_REASON = "Your database login (helpdesk) may test servers but not change them."


@pytest.fixture
def world(postgres_server: PostgresServer, shared_store: SharedStore) -> dict[str, ServerSettings]:
    """Partitions HR and Sales with a server each; logins: an admin, a helpdesk and analyst ann (HR)."""
    return seed_partitions_and_logins(postgres_server, shared_store, "outmail_w_")


def as_login(postgres_server: PostgresServer, database: str, who: str) -> SharedStore:
    return SharedStore(postgres_server.url(database, f"outmail_w_{who}", f"{who}-pass"))


def banner_text(window: MainWindow) -> str:
    banner = child(window.details.form(), QWidget, "read_only_banner")
    return " ".join(label.text() for label in banner.findChildren(QLabel)) if banner.isVisible() else ""


def store_label(window: MainWindow) -> QLabel:
    return child(window.statusBar(), QLabel, "store_label")


def test_the_status_bar_says_which_store_is_open_and_an_admin_edits_the_shared_settings(
    qtbot: QtBot,
    make_window: WindowFactory,
    world: dict[str, ServerSettings],
    postgres_server: PostgresServer,
    shared_database: str,
    shared_store: SharedStore,
) -> None:
    window = make_window(shared=as_login(postgres_server, shared_database, "boss"))
    label = store_label(window)
    assert label.text() == f"Shared: {shared_database} on 127.0.0.1 as outmail_w_boss"
    assert label.isVisible() and "boss-pass" not in label.toolTip()
    assert label.toolTip().startswith(
        f"Shared settings in postgresql://outmail_w_boss@127.0.0.1:{postgres_server.port}/"
    )
    window.show_status("Another message")  # the label is permanent, apart from the messages
    assert label.text().startswith("Shared: ")

    click_row(qtbot, window, "Sales mail")
    assert not banner_text(window)
    replace_spin(qtbot, spin(window, "port"), 2525)
    action(window, "save").trigger()
    assert status_text(window) == "Saved Sales mail."
    with SharedRepository.open(shared_store) as owner:
        assert owner.get(world["sales"].id).port == 2525
    action(window, "close_details").trigger()
    for name in ("new_smtp_server", "import", "mapi_mail_server", "partition_settings"):
        assert action(window, name).isEnabled(), name


def test_the_local_store_is_named_local(make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window()
    assert store_label(window).text() == "Local"
    assert str(data_dir) in store_label(window).toolTip()


def test_a_helpdesk_window_is_read_only_with_the_reason_and_may_still_test(
    qtbot: QtBot,
    make_window: WindowFactory,
    world: dict[str, ServerSettings],
    postgres_server: PostgresServer,
    shared_database: str,
) -> None:
    window = make_window(shared=as_login(postgres_server, shared_database, "desk"))
    assert store_label(window).text().endswith(" as outmail_w_desk")
    assert HELPDESK_REASON in store_label(window).toolTip()
    click_row(qtbot, window, "HR mail")
    assert HELPDESK_REASON in banner_text(window)
    assert line(window, "name").isReadOnly()
    assert not action(window, "save").isEnabled()
    assert action(window, "test_connection").isEnabled()  # testing changes nothing stored
    for name in ("new_smtp_server", "new_mapi_server", "delete", "set_default"):
        assert not action(window, name).isEnabled(), name
        assert action(window, name).toolTip() == HELPDESK_REASON, name
    for name in ("import", "mapi_mail_server", "partition_settings"):
        assert not action(window, name).isEnabled(), name
        assert action(window, name).toolTip().startswith("Your database login (helpdesk) may not change the shared")
    action(window, "close_details").trigger()
    qtbot.keyClick(window.list_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert status_text(window) == HELPDESK_REASON  # Ctrl+N says why there is no New


def test_an_analyst_changes_the_servers_of_its_partition_only(
    qtbot: QtBot,
    make_window: WindowFactory,
    world: dict[str, ServerSettings],
    postgres_server: PostgresServer,
    shared_database: str,
    shared_store: SharedStore,
) -> None:
    window = make_window(shared=as_login(postgres_server, shared_database, "ann"))
    click_row(qtbot, window, "Sales mail")
    assert (
        "Your database login (analyst outmail_w_ann) may change only the servers of the partitions granted to it "
        "(HR); this server has partition 'Sales'." in banner_text(window)
    )
    assert line(window, "name").isReadOnly()
    assert not action(window, "delete").isEnabled()
    assert not action(window, "set_default").isEnabled()
    assert action(window, "new_smtp_server").isEnabled() is False  # the details are open: close them first
    click_row(qtbot, window, "HR mail")
    assert not banner_text(window)
    assert not line(window, "name").isReadOnly()
    replace_spin(qtbot, spin(window, "port"), 587)
    action(window, "save").trigger()
    assert status_text(window) == "Saved HR mail."
    with SharedRepository.open(shared_store) as owner:
        assert owner.get(world["hr"].id).port == 587
    assert not action(window, "import").isEnabled()
    assert not action(window, "partition_settings").isEnabled()

    # A new server needs one of its partitions (the database would refuse one without): said in the form.
    action(window, "close_details").trigger()
    action(window, "new_smtp_server").trigger()
    replace_text(qtbot, line(window, "name"), "HR relay 2")
    replace_text(qtbot, line(window, "server"), "smtp.corp.example")
    replace_text(qtbot, line(window, "outgoing_email_id"), "hr@corp.example")
    assert not action(window, "save").isEnabled()
    qtbot.keyClick(line(window, "name"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Save shows why not
    assert child(window.details.form(), QLabel, "partition_message").text() == NEEDS_PARTITION
    partition = child(window.details.form(), QComboBox, "partition")
    partition.setCurrentIndex(partition.findText("HR", Qt.MatchFlag.MatchStartsWith))
    assert action(window, "save").isEnabled()
    action(window, "save").trigger()
    assert status_text(window) == "Saved HR relay 2."


def _new_database(server: PostgresServer) -> tuple[SharedStore, str]:
    """A database with the schema, and an admin login's URL (with its password) to it."""
    name = server.create_database()
    owner = SharedStore(server.conninfo(name))
    conn = connect(owner)
    initialise(conn, owner)
    conn.close()
    server.create_login("outmail_w_restart", "restart-pass", "outmail_admin")
    return owner, server.url(name, "outmail_w_restart", "restart-pass")


def test_unreachable_at_start_says_so_without_the_password_and_retry_opens_it(
    qtbot: QtBot, data_dir: Path, secrets: SecretStore, state_store: WindowStateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outmail_gui.ui.window import launch

    with running_server() as server:
        owner, url = _new_database(server)
        with SharedRepository.open(owner) as repo:
            repo.save(smtp("Kept"))
        server.stop()
        asked: list[str] = []

        def start_then_retry(_cls: type, _parent: object, message: str) -> UnreachableChoice:
            asked.append(message)
            if len(asked) == 2:
                server.start()
            return UnreachableChoice.RETRY

        monkeypatch.setattr(dialogs.SharedStoreUnavailableDialog, "ask", classmethod(start_then_retry))
        monkeypatch.setattr(launch, "SecretStore", lambda: secrets)
        window = launch._open_window(data_dir, SharedStore(url), None, None)
        assert window is not None
        qtbot.addWidget(window, before_close_func=lambda w: w.shut_down())
        assert len(asked) == 2  # refused, refused again, then the server was up
        assert asked[0].startswith(
            f"Cannot reach the shared settings database postgresql://outmail_w_restart@127.0.0.1:{server.port}/"
        )
        assert "restart-pass" not in asked[0] and "\n" not in asked[0]
        assert row_of(window, "Kept") == 0
        window.shut_down()


def test_unreachable_at_start_can_open_the_local_settings_instead(
    qtbot: QtBot, data_dir: Path, secrets: SecretStore, state_store: WindowStateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outmail_gui.ui.window import launch

    unused = SharedStore("postgresql://nobody@127.0.0.1:9/outmail?connect_timeout=2")
    answers = DialogAnswers(monkeypatch)
    asked = answers(dialogs.SharedStoreUnavailableDialog, UnreachableChoice.OPEN_LOCAL)
    monkeypatch.setattr(launch, "SecretStore", lambda: secrets)
    window = launch._open_window(data_dir, unused, None, None)
    assert window is not None
    qtbot.addWidget(window, before_close_func=lambda w: w.shut_down())
    assert len(asked) == 1
    assert store_label(window).text() == "Local"
    window.shut_down()


def test_the_server_stopped_mid_session_keeps_the_edit_refuses_save_and_reconnects(
    qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_server() as server:
        owner, url = _new_database(server)
        with SharedRepository.open(owner) as repo:
            kept = repo.save(smtp("Kept", port=25))
        window = make_window(shared=SharedStore(url))
        click_row(qtbot, window, "Kept")
        replace_spin(qtbot, spin(window, "port"), 2525)
        errors: list[tuple[Any, ...]] = []
        monkeypatch.setattr(dialogs.ErrorDialog, "show", classmethod(lambda _c, *args, **_k: errors.append(args)))
        server.stop()
        action(window, "save").trigger()
        assert len(errors) == 1
        _parent, title, message = errors[0]
        assert title == "Not saved"
        assert message.startswith("Cannot reach the shared settings database postgresql://outmail_w_restart@127.0.0.1:")
        assert "restart-pass" not in message
        assert window.session.is_dirty() and spin(window, "port").value() == 2525  # the edit stays
        assert "reconnecting" in status_text(window)
        assert not status_text(window).startswith("Saved")
        server.start()
        qtbot.waitUntil(lambda: status_text(window).startswith("Connected again"), timeout=20_000)
        assert window.session.is_dirty() and spin(window, "port").value() == 2525
        action(window, "save").trigger()
        assert status_text(window) == "Saved Kept."
        with SharedRepository.open(owner) as repo:
            assert repo.get(kept.id).port == 2525
            assert [s.name for s in repo.list_servers()] == ["Kept"]
        window.shut_down()


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_open_shared_settings_tests_keeps_the_password_in_the_keyring_and_switches_the_window(
    qtbot: QtBot,
    make_window: WindowFactory,
    world: dict[str, ServerSettings],
    postgres_server: PostgresServer,
    shared_database: str,
    answer_dialog: DialogAnswers,
    state_store: WindowStateStore,
) -> None:
    window = make_window()
    assert store_label(window).text() == "Local"
    assert not action(window, "open_local_settings").isEnabled()
    dialog = SharedSettingsDialog(window, window.secrets, window.state_store)
    qtbot.addWidget(dialog)
    url = f"postgresql://127.0.0.1:{postgres_server.port}/{shared_database}"
    qtbot.keyClicks(child(dialog, QLineEdit, "store_url"), url)
    qtbot.keyClicks(child(dialog, QLineEdit, "store_user"), "outmail_w_boss")
    qtbot.keyClicks(child(dialog, QLineEdit, "store_password"), "wrong-pass")
    result = child(dialog, QLabel, "store_test_result")

    def tested() -> str:
        qtbot.mouseClick(child(dialog, QPushButton, "test_store_connection"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.is_testing(), timeout=15_000)
        return result.text()

    refused = tested()
    shown = f"dbname={shared_database} host=127.0.0.1 port={postgres_server.port} user=outmail_w_boss"
    assert refused.startswith(f"The shared settings database {shown} refused the connection: ")
    assert "password authentication failed" in refused and "wrong-pass" not in refused
    child(dialog, QLineEdit, "store_password").clear()
    qtbot.keyClicks(child(dialog, QLineEdit, "store_password"), "boss-pass")
    assert tested() == (
        f"Connected as outmail_w_boss to {shared_database} on 127.0.0.1: schema version {schema_version()}, role admin."
    )
    qtbot.mouseClick(child(dialog, QPushButton, "open_shared_settings"), Qt.MouseButton.LeftButton)
    chosen = dialog.chosen
    assert chosen is not None and chosen.password is None and "boss-pass" not in chosen.target
    assert window.secrets.get_password(password_key(chosen.target)) == "boss-pass"  # the keyring only
    assert state_store.recent_stores() == [RecentStore(url, "outmail_w_boss")]
    assert "boss-pass" not in state_store.path.read_text()

    # File › Open Shared Settings…: the window now works on the shared store, logged in by the keyring's password.
    asked = answer_dialog(SharedSettingsDialog, chosen)
    action(window, "open_shared_settings").trigger()
    assert len(asked) == 1
    (shared,) = _main_windows()
    qtbot.addWidget(shared, before_close_func=lambda w: w.shut_down())
    assert store_label(shared).text() == f"Shared: {shared_database} on 127.0.0.1 as outmail_w_boss"
    assert row_of(shared, "HR mail") >= 0 and window.is_shut_down()

    # The recent store is offered next time, its password kept (never shown).
    again = SharedSettingsDialog(shared, shared.secrets, shared.state_store)
    qtbot.addWidget(again)
    assert child(again, QLineEdit, "store_url").text() == url
    assert child(again, QLineEdit, "store_password").text() == ""
    assert child(again, QLineEdit, "store_password").placeholderText() == "kept in the keyring; type to replace it"

    action(shared, "open_local_settings").trigger()
    (local,) = _main_windows()
    qtbot.addWidget(local, before_close_func=lambda w: w.shut_down())
    assert store_label(local).text() == "Local" and shared.is_shut_down()


def test_a_store_that_cannot_be_opened_leaves_the_window_as_it_was(
    qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    errors: list[tuple[Any, ...]] = []
    monkeypatch.setattr(dialogs.ErrorDialog, "show", classmethod(lambda _c, *args, **_k: errors.append(args)))
    unreachable = SharedStore("postgresql://nobody@127.0.0.1:9/outmail")
    assert switch_store(window, window, unreachable, build_main_window) is None
    assert [(title, message.split(":")[0]) for _p, title, message in errors] == [
        ("Settings not opened", "Cannot reach the shared settings database postgresql")
    ]
    assert not window.is_shut_down() and _main_windows() == [window]


def test_a_login_whose_role_was_taken_away_is_told_at_save_and_the_window_follows(
    qtbot: QtBot,
    make_window: WindowFactory,
    world: dict[str, ServerSettings],
    postgres_server: PostgresServer,
    shared_database: str,
    shared_store: SharedStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    postgres_server.create_login("outmail_w_old", "old-pass", "outmail_admin")
    window = make_window(shared=as_login(postgres_server, shared_database, "old"))
    click_row(qtbot, window, "HR mail")
    replace_spin(qtbot, spin(window, "port"), 2526)
    with postgres_server.admin() as dba:  # the database administrator demotes the login meanwhile
        dba.execute("REVOKE outmail_admin FROM outmail_w_old; GRANT outmail_helpdesk TO outmail_w_old")
    errors: list[tuple[Any, ...]] = []
    monkeypatch.setattr(dialogs.ErrorDialog, "show", classmethod(lambda _c, *args, **_k: errors.append(args)))
    action(window, "save").trigger()
    assert [(title, "refused this to your login: permission denied for table servers" in text)
            for _p, title, text in errors] == [("Not saved", True)]  # fmt: skip
    assert window.session.is_dirty() and spin(window, "port").value() == 2526  # the edit stays, unsaved
    with SharedRepository.open(shared_store) as owner:
        assert owner.get(world["hr"].id).port == world["hr"].port
    assert not action(window, "import").isEnabled()
    assert HELPDESK_REASON in store_label(window).toolTip()
    assert action(window, "new_smtp_server").toolTip() == HELPDESK_REASON

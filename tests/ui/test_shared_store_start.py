"""The window's start on a shared store: the driver loads before Qt, and the connection is made on a helper
thread while Qt loads (``store.postgres.opening``); the window takes it, or hears its failure as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared import dialogs
from outmail_gui.ui.shared.dialogs import UnreachableChoice
from outmail_gui.ui.window import launch
from outmail_gui.ui.window.prestart import prestart
from outmail_gui.ui.window.window_state import WindowStateStore
from tests.support.postgres import PostgresServer
from tests.ui.conftest import DialogAnswers, smtp
from tests.ui.helpers import row_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def login_url(postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str) -> str:
    """An admin login's URL (with its password, so no keyring is asked) to a store holding one server."""
    postgres_server.create_login("outmail_w_start", "start-pass", "outmail_admin")
    with SharedRepository.open(shared_store) as owner:
        owner.save(smtp("Kept"))
    return postgres_server.url(shared_database, "outmail_w_start", "start-pass")


def test_the_driver_loads_before_qt_and_the_window_starts_on_the_shared_store(
    tmp_path: Path, data_dir: Path, login_url: str
) -> None:
    """A real start: psycopg's modules are imported before PySide6's (whose import hook would read the
    source of each module imported after it), and the window paints and exits 0."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "main.py", "--data-dir", str(data_dir), "--store", login_url,
         "--exit-when-shown"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert imported.index("psycopg") < imported.index("PySide6")


def test_the_window_takes_the_store_opened_while_qt_loaded(
    qtbot: QtBot, data_dir: Path, login_url: str, secrets: SecretStore, state_store: WindowStateStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    start = prestart(["--data-dir", str(data_dir), "--store", login_url])
    assert start.shared_opening is not None and start.integrity is None
    monkeypatch.setattr(launch, "SecretStore", lambda: secrets)
    window = launch._open_window(data_dir, start.options.shared_store, None, None, start.shared_opening)
    assert window is not None
    qtbot.addWidget(window, before_close_func=lambda w: w.shut_down())
    assert isinstance(window.repository, SharedRepository)
    assert row_of(window, "Kept") == 0
    with pytest.raises(RuntimeError, match="already taken"):  # one opening, one window
        start.shared_opening.repository()
    window.shut_down()


def test_a_store_found_unreachable_while_qt_loaded_is_asked_about_as_before(
    qtbot: QtBot, data_dir: Path, secrets: SecretStore, state_store: WindowStateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = prestart(["--data-dir", str(data_dir), "--store", "postgresql://nobody:secret-pw@127.0.0.1:9/outmail"])
    answers = DialogAnswers(monkeypatch)
    asked = answers(dialogs.SharedStoreUnavailableDialog, UnreachableChoice.OPEN_LOCAL)
    monkeypatch.setattr(launch, "SecretStore", lambda: secrets)
    window = launch._open_window(data_dir, start.options.shared_store, None, None, start.shared_opening)
    assert window is not None
    qtbot.addWidget(window, before_close_func=lambda w: w.shut_down())
    assert len(asked) == 1
    assert "Cannot reach the shared settings database postgresql://nobody@127.0.0.1:9/outmail" in asked[0][0]
    assert "secret-pw" not in asked[0][0]
    assert not isinstance(window.repository, SharedRepository)
    window.shut_down()

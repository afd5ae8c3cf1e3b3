"""Test all: a bounded pool over dozens of loopback servers of mixed health, through the window too."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.connection_test.batch import BatchItem, ProbeBatch
from outmail_gui.ui.connection_test.batch_worker import request_from_json, request_to_json
from outmail_gui.ui.window.server_table_model import Column
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer
from tests.ui.conftest import WindowFactory
from tests.ui.connection_helpers import PASSWORD, USER, closed_port, plain_record, silent_listener
from tests.ui.helpers import child, click_toolbar

SmtpFactory = Callable[..., RunningSmtpServer]


def request(port: int, timeout_s: float) -> ProbeRequest:
    return ProbeRequest(host="127.0.0.1", port=port, security=Security.NONE, auth_auto=False, timeout_s=timeout_s)


@contextlib.contextmanager
def silent_ports(count: int) -> Iterator[list[int]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(silent_listener()) for _ in range(count)]


def worker_processes() -> list[int]:
    """Our own live (not zombie) Test all worker processes, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and stat[0] != "Z" and b"connection_test.batch_worker" in cmdline:
            found.append(int(entry.name))
    return found


def run_batch(qtbot: QtBot, batch: ProbeBatch, timeout_ms: int) -> tuple[dict[str, HistoryEntry | None], bool]:
    results: dict[str, HistoryEntry | None] = {}
    batch.item_finished.connect(results.__setitem__)
    with qtbot.waitSignal(batch.finished, timeout=timeout_ms) as blocker:
        batch.start()
    qtbot.waitUntil(lambda: not batch.is_running() and not worker_processes(), timeout=2000)  # it has exited
    return results, bool(blocker.args[0])


def test_dozens_of_mixed_servers_finish_in_about_one_time_out(qtbot: QtBot, smtp_server: SmtpFactory) -> None:
    healthy = [smtp_server().port for _ in range(3)]
    refused = closed_port()
    timeout = 1.5
    with silent_ports(12) as silent:
        items = [BatchItem(f"ok{i}", request(healthy[i % 3], timeout)) for i in range(18)]
        items += [BatchItem(f"silent{i}", request(port, timeout)) for i, port in enumerate(silent)]
        items += [BatchItem(f"refused{i}", request(refused, timeout)) for i in range(10)]
        batch = ProbeBatch(items, max_concurrent=32)
        started_ids: list[str] = []
        batch.item_started.connect(started_ids.append)
        started = time.monotonic()
        results, cancelled = run_batch(qtbot, batch, timeout_ms=10_000)
        elapsed = time.monotonic() - started
    assert not cancelled and len(results) == 40 and sorted(started_ids) == sorted(results)
    assert elapsed < 2 * timeout, f"took {elapsed:.2f} s for a {timeout} s time-out"
    for sid, entry in results.items():
        assert entry is not None and entry.server_id == sid
        kind = sid.rstrip("0123456789")
        expected = {"ok": (Outcome.PASSED, None), "silent": (Outcome.FAILED, "greeting")}
        outcome, step = expected.get(kind, (Outcome.FAILED, "connect"))
        assert (entry.outcome, entry.failed_step) == (outcome, step), entry
    waited = results["silent0"]
    assert waited is not None and waited.duration_ms >= 1400


def test_the_pool_is_bounded(qtbot: QtBot) -> None:
    with silent_ports(6) as silent:
        batch = ProbeBatch([BatchItem(str(p), request(p, 0.4)) for p in silent], max_concurrent=2)
        running: set[str] = set()
        peak = 0

        def began(sid: str) -> None:
            nonlocal peak
            running.add(sid)
            peak = max(peak, len(running))

        batch.item_started.connect(began)
        batch.item_finished.connect(lambda sid, _entry: running.discard(sid))
        started = time.monotonic()
        results, _ = run_batch(qtbot, batch, timeout_ms=5000)
        elapsed = time.monotonic() - started
    assert len(results) == 6 and peak == 2
    assert elapsed >= 3 * 0.4 - 0.05  # three waves of two


def test_cancel_all_stops_running_and_queued_tests_within_a_second(qtbot: QtBot) -> None:
    with silent_ports(4) as silent:
        items = [BatchItem(f"s{i}", request(silent[i % 4], 60)) for i in range(8)]
        batch = ProbeBatch(items, max_concurrent=4)
        results: dict[str, HistoryEntry | None] = {}
        batch.item_finished.connect(results.__setitem__)
        with qtbot.waitSignal(batch.item_started, timeout=5000):
            batch.start()
        qtbot.wait(200)
        started = time.monotonic()
        with qtbot.waitSignal(batch.finished, timeout=1000) as blocker:
            batch.cancel()
        assert time.monotonic() - started < 1.0 and blocker.args[0] is True
        qtbot.waitUntil(lambda: not batch.is_running(), timeout=2000)
    assert len(results) == 8
    ran = [e for e in results.values() if e is not None]
    assert ran and all(e.outcome is Outcome.CANCELLED for e in ran)
    assert any(e is None for e in results.values())  # the queued ones were never started


def test_passwords_come_from_the_keyring_off_the_gui_thread(
    qtbot: QtBot, smtp_server: SmtpFactory, handler: RecordingHandler
) -> None:
    from outmail_gui.store.secrets import SecretStoreError

    server = smtp_server(auth_require_tls=False, exclude=("NTLM", "MSN", "XOAUTH2"))
    threads: list[int] = []

    def stored(password: str) -> Callable[[], str]:
        def lookup() -> str:
            threads.append(threading.get_ident())
            return password

        return lookup

    def locked() -> str:
        raise SecretStoreError("The keyring is locked.")

    login = ProbeRequest(
        host="127.0.0.1", port=server.port, security=Security.NONE, login_id=USER, allow_insecure_auth=True
    )
    items = [BatchItem("good", login, stored(PASSWORD)), BatchItem("locked", login, locked)]
    results, _ = run_batch(qtbot, ProbeBatch(items), timeout_ms=8000)
    assert threads and threading.main_thread().ident not in threads
    assert results["good"] is not None and results["good"].outcome is Outcome.PASSED
    assert handler.authenticated and handler.authenticated[0][1] == USER
    locked_entry = results["locked"]
    assert locked_entry is not None and locked_entry.failed_step == "keyring"
    assert "The keyring is locked." in locked_entry.summary


def test_the_worker_protocol_round_trips_requests() -> None:
    original = ProbeRequest(host="mail.example.com", port=587, auth_methods=(AuthMethod.PLAIN,), timeout_s=7.5)
    assert request_from_json(json.loads(json.dumps(request_to_json(original)))) == original


def test_test_all_in_the_window_shows_live_status_and_stores_every_result(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, smtp_server: SmtpFactory
) -> None:
    healthy = smtp_server().port
    with silent_ports(4) as silent:
        records = [repo.save(plain_record(f"Healthy {i}", healthy)) for i in range(8)]
        records += [
            repo.save(plain_record(f"Silent {i}", port, connection_timeout_s=1)) for i, port in enumerate(silent)
        ]
        records += [repo.save(plain_record(f"Refused {i}", closed_port())) for i in range(4)]
        inactive = repo.save(plain_record("Inactive", healthy, active=False))
        window = make_window()
        statuses: dict[str, list[str]] = {}
        model = window.model

        def watch(top: QModelIndex, _bottom: QModelIndex, _roles: object = None) -> None:
            if top.column() == Column.LAST_TEST:
                record = model.record_at(top.row())
                statuses.setdefault(record.name, []).append(str(top.data()))

        model.dataChanged.connect(watch)
        progress = child(window, QProgressBar, "test_all_progress")
        with qtbot.waitSignal(window.testing.batch_finished, timeout=8000):
            click_toolbar(qtbot, window, "test_all")
            assert progress.isVisible() and progress.maximum() == 16
            assert window.testing.cancel_all_button.isVisible()
        assert not progress.isVisible() and not window.testing.cancel_all_button.isVisible()
    assert statuses["Silent 0"][0] == "Queued…" and "Testing…" in statuses["Silent 0"]
    assert "Inactive" not in statuses
    latest = HistoryStore.of(repo).latest()
    assert set(latest) == {r.id for r in records} and inactive.id not in latest
    for record in records:
        text = str(model.index(model.row_of(record.id), Column.LAST_TEST).data())
        outcome = latest[record.id].outcome
        if record.name.startswith("Healthy"):
            assert outcome is Outcome.PASSED and text.startswith("Passed")
        elif record.name.startswith("Silent"):
            assert outcome is Outcome.FAILED and text.startswith("Failed at Server greeting")
        else:
            assert outcome is Outcome.FAILED and text.startswith("Failed at Connection")
        icon = model.index(model.row_of(record.id), Column.LAST_TEST).data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None
    assert "8 passed, 8 failed" in window.statusBar().currentMessage()


def test_cancel_all_and_quit_during_test_all(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    with silent_ports(3) as silent:
        for i, port in enumerate(silent * 2):
            repo.save(plain_record(f"Silent {i}", port, connection_timeout_s=60))
        window = make_window()
        with qtbot.waitSignal(window.testing.batch_finished, timeout=2000) as blocker:
            window.testing.test_all()
            qtbot.wait(300)
            window.testing.cancel_all_button.click()
        assert blocker.args[0] is True
        assert "cancelled" in window.statusBar().currentMessage()
        assert {e.outcome for e in HistoryStore.of(repo).latest().values()} == {Outcome.CANCELLED}
        qtbot.waitUntil(lambda: not worker_processes(), timeout=2000)
        window.testing.test_all()
        qtbot.waitUntil(lambda: bool(worker_processes()), timeout=2000)
        qtbot.wait(300)
        started = time.monotonic()
        assert window.close()
        assert time.monotonic() - started < 1.0
        assert not window.testing.is_busy() and not worker_processes()

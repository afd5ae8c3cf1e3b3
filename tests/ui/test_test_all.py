"""Test all: a bounded pool over dozens of loopback servers of mixed health, through the window too."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.server_table_model import Column
from outmail_gui.ui.test_all import BatchItem, ProbeBatch
from tests.support.smtp_servers import RunningSmtpServer
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import child, click_toolbar
from tests.ui.test_connection_test_helpers import (  # noqa: F401 - fixtures
    closed_port,
    handler_fixture,
    no_real_test_dialogs_fixture,
    plain_record,
    silent_listener,
    smtp_server_fixture,
)

SmtpFactory = Callable[..., RunningSmtpServer]


def request(port: int, timeout_s: float) -> ProbeRequest:
    return ProbeRequest(host="127.0.0.1", port=port, security=Security.NONE, auth_auto=False, timeout_s=timeout_s)


@contextlib.contextmanager
def silent_ports(count: int) -> Iterator[list[int]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(silent_listener()) for _ in range(count)]


def pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("outmail-test-all")]


def run_batch(qtbot: QtBot, batch: ProbeBatch, timeout_ms: int) -> tuple[dict[str, ProbeReport | None], bool]:
    results: dict[str, ProbeReport | None] = {}
    batch.item_finished.connect(lambda sid, report, _started: results.__setitem__(sid, report))
    with qtbot.waitSignal(batch.finished, timeout=timeout_ms) as blocker:
        batch.start()
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
    assert all(r is not None and r.ok for sid, r in results.items() if sid.startswith("ok"))
    for sid, report in results.items():
        if sid.startswith("silent"):
            assert report is not None and report.failed_step is not None and report.failed_step.name == "greeting"
        if sid.startswith("refused"):
            assert report is not None and report.failed_step is not None and report.failed_step.name == "connect"
    qtbot.waitUntil(lambda: not pool_threads(), timeout=2000)


def test_the_pool_is_bounded(qtbot: QtBot) -> None:
    with silent_ports(6) as silent:
        batch = ProbeBatch([BatchItem(str(p), request(p, 0.4)) for p in silent], max_concurrent=2)
        peak = 0

        def count(_sid: str) -> None:
            nonlocal peak
            peak = max(peak, len(pool_threads()))

        batch.item_started.connect(count)
        started = time.monotonic()
        results, _ = run_batch(qtbot, batch, timeout_ms=5000)
        elapsed = time.monotonic() - started
    assert len(results) == 6 and peak <= 2
    assert elapsed >= 3 * 0.4 - 0.05  # three waves of two
    qtbot.waitUntil(lambda: not pool_threads(), timeout=2000)


def test_cancel_all_stops_running_and_queued_tests_within_a_second(qtbot: QtBot) -> None:
    with silent_ports(4) as silent:
        items = [BatchItem(f"s{i}", request(silent[i % 4], 60)) for i in range(8)]
        batch = ProbeBatch(items, max_concurrent=4)
        results: dict[str, ProbeReport | None] = {}
        batch.item_finished.connect(lambda sid, report, _started: results.__setitem__(sid, report))
        with qtbot.waitSignal(batch.item_started, timeout=5000):
            batch.start()
        qtbot.wait(200)
        started = time.monotonic()
        with qtbot.waitSignal(batch.finished, timeout=1000) as blocker:
            batch.cancel()
        assert time.monotonic() - started < 1.0 and blocker.args[0] is True
    assert len(results) == 8
    ran = [r for r in results.values() if r is not None]
    assert ran and all(r.cancelled for r in ran)
    assert any(r is None for r in results.values())  # the queued ones were never started
    qtbot.waitUntil(lambda: not pool_threads(), timeout=2000)


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

        def watch(top: object, _bottom: object, _roles: object = None) -> None:
            if top.column() == Column.LAST_TEST:  # type: ignore[attr-defined]
                record = model.record_at(top.row())  # type: ignore[attr-defined]
                statuses.setdefault(record.name, []).append(str(top.data()))  # type: ignore[attr-defined]

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
            assert outcome is Outcome.FAILED and text.startswith("Failed at Greeting")
        else:
            assert outcome is Outcome.FAILED and text.startswith("Failed at Connect")
        icon = model.index(model.row_of(record.id), Column.LAST_TEST).data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None
    assert "8 passed, 8 failed" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not pool_threads(), timeout=2000)


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
        window.testing.test_all()
        qtbot.wait(300)
        started = time.monotonic()
        assert window.close()
        assert time.monotonic() - started < 1.0
        assert not pool_threads()

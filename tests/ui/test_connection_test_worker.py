"""The test worker on its QThread, against real loopback servers: order, cancel, abandon."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.ui.connection_test.worker import ProbeRun
from tests.support.smtp_servers import RunningSmtpServer
from tests.ui.connection_helpers import silent_listener


def plain_request(port: int, timeout_s: float = 5.0) -> ProbeRequest:
    return ProbeRequest(host="127.0.0.1", port=port, security=Security.NONE, auth_auto=False, timeout_s=timeout_s)


def test_steps_arrive_in_order_on_the_gui_thread(qtbot: QtBot, smtp_server: Callable[..., RunningSmtpServer]) -> None:
    server = smtp_server()
    run = ProbeRun(plain_request(server.port))
    events: list[tuple[str, str, StepStatus]] = []
    threads: set[int] = set()

    def seen(kind: str) -> Callable[[Step], None]:
        def record(step: Step) -> None:
            threads.add(threading.get_ident())
            events.append((kind, step.name, step.status))

        return record

    run.step_started.connect(seen("start"))
    run.step_finished.connect(seen("end"))
    with qtbot.waitSignal(run.finished, timeout=8000) as blocker:
        run.start()
    report: ProbeReport = blocker.args[0]
    qtbot.waitUntil(lambda: not run.is_running())
    assert report.ok, report.to_json()
    assert threads == {threading.main_thread().ident}  # delivered on the GUI thread
    names = [name for kind, name, _status in events if kind == "end"]
    assert names == ["resolve", "connect", "greeting", "ehlo", "tls", "auth", "quit"]
    # Every step that runs is announced before its result; skipped ones only have a result.
    for kind, name, status in events:
        if kind == "start":
            assert status is StepStatus.RUNNING
            assert events.index(("start", name, status)) < next(
                i for i, e in enumerate(events) if e[0] == "end" and e[1] == name
            )
    assert ("end", "tls", StepStatus.SKIPPED) in events and ("start", "tls", StepStatus.RUNNING) not in events


def test_cancel_stops_a_silent_server_within_a_second(qtbot: QtBot) -> None:
    with silent_listener() as port:
        run = ProbeRun(plain_request(port, timeout_s=30))
        with qtbot.waitSignal(run.step_started, timeout=5000, check_params_cb=lambda s: s.name == "greeting"):
            run.start()
        cancelled_at = time.monotonic()
        with qtbot.waitSignal(run.finished, timeout=1000) as blocker:
            run.cancel()
        assert time.monotonic() - cancelled_at < 1.0
        qtbot.waitUntil(lambda: not run.is_running(), timeout=1000)
    report: ProbeReport = blocker.args[0]
    assert report.cancelled and not report.ok
    assert report.failed_step is not None and report.failed_step.name == "greeting"


def test_abandon_ends_the_thread_and_silences_late_signals(qtbot: QtBot) -> None:
    with silent_listener() as port:
        run = ProbeRun(plain_request(port, timeout_s=30))
        late: list[object] = []
        with qtbot.waitSignal(run.step_started, timeout=5000, check_params_cb=lambda s: s.name == "greeting"):
            run.start()
        run.step_finished.connect(late.append)
        run.finished.connect(late.append)
        started = time.monotonic()
        assert run.abandon()
        assert time.monotonic() - started < 1.0
        assert not run.is_running()
        qtbot.wait(100)  # queued events from the worker, if any, are delivered now
    assert late == []


def test_a_thread_that_outlives_abandon_is_kept_until_it_ends(qtbot: QtBot) -> None:
    from outmail_gui.ui.shared import worker_run as test_worker

    with silent_listener() as port:
        run = ProbeRun(plain_request(port, timeout_s=30))
        with qtbot.waitSignal(run.step_started, timeout=5000, check_params_cb=lambda s: s.name == "greeting"):
            run.start()
        assert not run.abandon(wait_ms=0)  # still ending: not destroyed, not waited for
        assert not run.is_running() and len(test_worker._lingering) == 1
        del run
        # Cancelled, so it ends long before its 30 s time-out (5 s of slack for a loaded machine).
        qtbot.waitUntil(lambda: not test_worker._lingering, timeout=5000)

"""Two scheduled ``check`` runs at once (two processes, as two timers or a slow run overlapping the
next) on one settings store and one textfile: both finish, nothing is corrupted or lost."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from outmail_gui.paths import database_path
from outmail_gui.store.history import HistoryStore
from outmail_gui.store.repository import ServerRepository
from tests.integration.check.conftest import CertServer, add_server

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def test_two_runs_at_once_corrupt_nothing(data: Path, cert_server: CertServer, tmp_path: Path) -> None:
    ids = [add_server(data, f"relay-{n}", cert_server(200 + n)).id for n in range(3)]
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never greets: holds both runs ~2 s
        ids.append(add_server(data, "silent", silent.getsockname()[1], connection_timeout_s=2).id)
        (tmp_path / "textfile").mkdir()
        target = tmp_path / "textfile" / "outmail.prom"
        command = [sys.executable, "-m", "outmail_gui", "--data-dir", str(data), "check", "--format", "prometheus"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        runs = [
            subprocess.Popen([*command, "--output", str(target)], env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        results = [(run.wait(timeout=60), run.stderr.read() if run.stderr else "") for run in runs]
        for run in runs:
            if run.stderr:
                run.stderr.close()

    assert results == [(0, ""), (0, "")]
    assert [p.name for p in target.parent.iterdir()] == ["outmail.prom"]
    families = {f.name: f for f in text_string_to_metric_families(target.read_text())}
    success = {s.labels["server"]: s.value for s in families["outmail_check_success"].samples}
    assert success == {"relay-0": 1.0, "relay-1": 1.0, "relay-2": 1.0, "silent": 0.0}
    with sqlite3.connect(database_path(data)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with ServerRepository.open(data) as repo:
        history = HistoryStore.of(repo)
        assert [len(history.for_server(server_id)) for server_id in ids] == [2, 2, 2, 2]
        assert history.for_server(ids[-1])[0].failed_step == "greeting"

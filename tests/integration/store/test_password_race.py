"""Two processes edit one server's password at the same moment, 40 times, on the real Secret Service.

Before the fix the loser of the revision conflict put back the password it had read at its
start, so the keyring ended with neither new password in most rounds. Now, after every round,
the keyring holds the password of the last save that reported success, and a refused save
leaves it as the winner left it.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.integration.store.race_worker import edit_rounds
from tests.support.secret_service import needs_session
from tests.unit.store.records import smtp

pytestmark = [pytest.mark.integration, pytest.mark.keyring]

ROUNDS = 40


@needs_session
def test_racing_password_edits_keep_the_reported_password(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    secrets = SecretStore()
    with ServerRepository.open(data_dir) as repo:
        server = repo.save(smtp("Raced"))
    secrets.set_password(server.id, "initial")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    workers = [
        context.Process(target=edit_rounds, args=(str(data_dir), "Raced", tag, ROUNDS, barrier, results))
        for tag in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    lost: list[str] = []
    conflicts = 0
    try:
        for number in range(ROUNDS):
            barrier.wait(timeout=120)
            outcomes = [results.get(timeout=60) for _ in workers]
            saved = [(revision, password) for _, code, revision, password, _ in outcomes if code == 0]
            for _, code, _, _, err in outcomes:
                assert code in (0, 1) and "Traceback" not in err, err
                if code == 1:
                    assert "changed elsewhere" in err, err
                    conflicts += 1
            assert saved, outcomes
            expected = max(saved)[1]  # the last save that said "Saved"
            stored = secrets.get_password(server.id)
            if stored != expected:
                lost.append(f"round {number}: keyring has {stored!r}, the last reported save was {expected!r}")
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
        secrets.delete_password(server.id)
    assert lost == []
    assert conflicts > 0  # the processes really raced: some saves were refused
    assert all(worker.exitcode == 0 for worker in workers)

"""A real SQLite file store per test, and a keyring backend that keeps passwords (in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from tests.support.keyrings import MemoryKeyring


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ServerRepository]:
    (tmp_path / "data").mkdir()
    with ServerRepository.open(tmp_path / "data") as repository:
        yield repository


@pytest.fixture
def secrets() -> Iterator[SecretStore]:
    MemoryKeyring.reset()
    yield SecretStore(MemoryKeyring())
    MemoryKeyring.reset()

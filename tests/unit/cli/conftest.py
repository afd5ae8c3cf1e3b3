from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.keyrings import MemoryKeyring, failing


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> type[MemoryKeyring]:
    """Every SecretStore the CLI makes uses the in-memory keyring (selected as a user would)."""
    MemoryKeyring.reset()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    return MemoryKeyring


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No keyring at all (keyrings.alt, although installed for tests, is never picked)."""
    import keyring.backend

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [failing()])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"

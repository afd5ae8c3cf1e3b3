"""The shared-store tests' keyring: in memory, selected as a user would (PYTHON_KEYRING_BACKEND), so the
commands they run keep each password on "this workstation" (the real Secret Service: ``keyring``-marked tests)."""

from __future__ import annotations

import pytest

from tests.support.keyrings import MemoryKeyring


@pytest.fixture
def keyring_in_memory(monkeypatch: pytest.MonkeyPatch) -> type[MemoryKeyring]:
    MemoryKeyring.reset()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyrings.MemoryKeyring")
    return MemoryKeyring

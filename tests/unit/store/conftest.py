from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.store.repository import ServerRepository


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def repo(data_dir: Path) -> Iterator[ServerRepository]:
    with ServerRepository.open(data_dir) as repository:
        yield repository

"""The discovery world (tests/support/discovery_world.py) as one session fixture for the whole suite.

Registered by ``pytest_plugins`` in tests/conftest.py; started only by the tests that ask for it.
It never skips: without dnsmasq or the right to bind ports 25/443/465/587, the tests fail and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support import dns_server
from tests.support.discovery_world import World, running_world


@pytest.fixture(scope="session")
def discovery_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    missing = dns_server.available()
    if missing:
        pytest.fail(f"the discovery tests need a real DNS server: {missing}")
    if os.geteuid() != 0:
        pytest.fail("the discovery tests bind ports 25/443/465/587 on 127.x.y.z: run them as root (as CI does)")
    with running_world(tmp_path_factory.mktemp("discovery")) as world:
        yield world

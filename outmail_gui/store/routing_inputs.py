"""Everything the routing table is computed from, read from the store in one place.

The ``routing`` command and the window's Routing view both call :func:`read_routing_inputs`,
so they cannot disagree about which servers, partitions, analysts and test results count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.partitions import PartitionAdmin

if TYPE_CHECKING:
    from outmail_gui.store.repository import ServerRepository


@dataclasses.dataclass(frozen=True, slots=True)
class RoutingInputs:
    servers: Sequence[ServerSettings]
    partitions: Sequence[str]
    analysts: Sequence[Analyst]
    partitioning_enabled: bool
    last_test_failed: Mapping[str, bool] = dataclasses.field(default_factory=dict)


def read_routing_inputs(repo: ServerRepository) -> RoutingInputs:
    """Servers, partitions, analysts (with their partitions), the switch and last test outcomes.

    A server's last test counts as failed only when its newest finished test failed; a
    cancelled test says nothing about the server, and an untested server has no entry.
    """
    latest = HistoryStore.of(repo).latest()
    return RoutingInputs(
        servers=repo.list_servers(),
        partitions=repo.list_partitions(),
        analysts=PartitionAdmin.of(repo).analysts(),
        partitioning_enabled=repo.partitioning_enabled(),
        last_test_failed={
            server_id: entry.outcome is Outcome.FAILED
            for server_id, entry in latest.items()
            if entry.outcome is not Outcome.CANCELLED
        },
    )

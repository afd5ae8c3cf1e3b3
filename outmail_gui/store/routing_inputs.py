"""Everything the routing table is computed from, read from the store in one place.

Also what expires soon (certificates, client secrets): the server list and Routing mark it.

The ``routing`` command and the window's Routing view both call :func:`read_routing_inputs`,
so they cannot disagree about which servers, partitions, analysts and test results count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from outmail_gui.domain.oauth import expiry_flags
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.oauth_settings import OAuthSettingsStore

if TYPE_CHECKING:
    from outmail_gui.domain.analysts import Analyst
    from outmail_gui.store.interface import SettingsRepository


@dataclasses.dataclass(frozen=True, slots=True)
class RoutingInputs:
    servers: Sequence[ServerSettings]
    partitions: Sequence[str]
    analysts: Sequence[Analyst]
    partitioning_enabled: bool
    last_test_failed: Mapping[str, bool] = dataclasses.field(default_factory=dict)
    expiring: Mapping[str, str] = dataclasses.field(default_factory=dict)  # server id -> what to renew, when


def read_routing_inputs(repo: SettingsRepository) -> RoutingInputs:
    """Servers, partitions, analysts (with their partitions), the switch and last test outcomes.

    A server's last test counts as failed only when its newest finished test failed; a
    cancelled test says nothing about the server, and an untested server has no entry.
    """
    from outmail_gui.store.partitions import PartitionAdmin  # the window's list needs only the expiry flags

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
        expiring=read_expiry_flags(repo, latest),
    )


def read_expiry_flags(repo: SettingsRepository, latest: Mapping[str, HistoryEntry] | None = None) -> dict[str, str]:
    """Server id -> what expires within the warning days: the certificate its last test saw, the
    OAuth 2.0 client secret (:func:`~outmail_gui.domain.oauth.expiry_flags`). ``latest``: the
    newest history entries, when already read."""
    newest = HistoryStore.of(repo).latest() if latest is None else latest
    certificates = {sid: entry.certificate_expires for sid, entry in newest.items()}
    return expiry_flags(OAuthSettingsStore.of(repo).all(), certificates)

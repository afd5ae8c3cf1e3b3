"""What the connected login may do in a store, and why not, in the words the window shows.

The local store allows everything. On the shared store the answer is read from the database
(role membership, and the row-level security function for each partition), the same facts its
GRANTs and policies enforce, so the window can make fields read-only and actions unavailable
up front instead of letting an edit fail at Save.
"""

from __future__ import annotations

import dataclasses

from outmail_gui.domain.partitions import find_partition


@dataclasses.dataclass(frozen=True, slots=True)
class Capabilities:
    role: str
    """"admin", "helpdesk", "analyst", "" (no Outmail role); "local" for the local store."""
    login: str = ""
    change_settings: bool = True
    """Store-wide settings: the default server, partitions and analysts, the MAPI mail server, import."""
    server_partitions: frozenset[str] | None = None
    """The partitions whose servers may be changed; ``None``: every server."""
    unpartitioned_servers: bool = True
    """Whether servers without a partition may be changed."""
    record_tests: bool = True

    @classmethod
    def everything(cls) -> Capabilities:
        """The local store: one person's file, no roles."""
        return cls("local")

    @property
    def who(self) -> str:
        if self.role == "analyst":
            return f"analyst {self.login}"
        return self.role or "no Outmail role"

    def may_change_servers(self) -> bool:
        """Whether any server at all may be added or changed."""
        return self.server_partitions is None or bool(self.server_partitions) or self.unpartitioned_servers

    def server_reason(self, partition: str | None) -> str:
        """Why a server of ``partition`` cannot be changed by this login ("" when it can)."""
        if self.server_partitions is None:
            return ""
        if partition is None:
            if self.unpartitioned_servers:
                return ""
        elif find_partition(partition, sorted(self.server_partitions)) is not None:
            return ""
        if not self.may_change_servers():
            return self.servers_reason()
        allowed = ", ".join(sorted(self.server_partitions)) or "none"
        has = f"partition {partition!r}" if partition else "no partition"
        return (
            f"Your database login ({self.who}) may change only the servers of the partitions granted to it "
            f"({allowed}); this server has {has}."
        )

    def may_save_unpartitioned(self) -> bool:
        """Whether a server without a partition may be saved (the rules ask for a partition otherwise)."""
        return self.server_partitions is None or self.unpartitioned_servers

    def new_server_reason(self, partitioning_enabled: bool) -> str:
        """Why this login may not add a server ("" when it may): no rights at all, or only in partitions
        while Email IDs are not partitioned (the form has no partition to choose)."""
        if self.servers_reason() or partitioning_enabled or self.may_save_unpartitioned():
            return self.servers_reason()
        return (
            f"Your database login ({self.who}) may add servers only in the partitions granted to it, and "
            "Email IDs are not partitioned (Partition Settings…)."
        )

    def servers_reason(self) -> str:
        """Why no server can be added or changed ("" when some can)."""
        if self.may_change_servers():
            return ""
        if not self.role:
            return "Your database login has no Outmail role: ask the database administrator for one."
        tests = "may test servers but not change them" if self.record_tests else "may not change servers"
        return f"Your database login ({self.who}) {tests}."

    def settings_reason(self) -> str:
        """Why store-wide settings (default, partitions, import, MAPI mail server) are closed ("" when open)."""
        if self.change_settings:
            return ""
        if not self.role:
            return self.servers_reason()
        return f"Your database login ({self.who}) may not change the shared settings; outmail_admin may."

"""The store-wide settings and the rules' context, the same on every back end (SQLite, PostgreSQL).

A repository supplies its reads and one-row writes of ``app_settings``; this mixin turns them
into the settings the window and the CLI use, and gathers what the domain rules need.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from outmail_gui.domain.addresses import has_control_characters
from outmail_gui.domain.rules import Issue, RuleContext, Severity
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import NotFoundError, ValidationFailed
from outmail_gui.store.rows import ServerListRow

PARTITIONING = "partitioning_enabled"
MAPI_MAIL_SERVER = "mapi_mail_server"


class SettingsAccess(ABC):
    """Partitioning, the MAPI Mail Server, :meth:`rule_context` and :meth:`get`, over a back end's own queries."""

    @abstractmethod
    def _setting(self, key: str) -> str | None: ...

    @abstractmethod
    def _set_setting(self, key: str, value: str) -> None: ...

    @abstractmethod
    def list_servers(self) -> list[ServerSettings]: ...

    @abstractmethod
    def find(self, server_id: str) -> ServerSettings | None: ...

    @abstractmethod
    def list_partitions(self) -> list[str]: ...

    @abstractmethod
    def partitions_for_analyst(self, login: str) -> list[str]: ...

    @abstractmethod
    def _rule_rows(self, about: ServerSettings | None) -> list[ServerListRow]:
        """The servers' narrow rows the rules compare with: those that can clash with ``about`` (its name's
        key, the default, the active servers of its partition; indexed lookups), or all when it is None."""

    def get(self, server_id: str) -> ServerSettings:
        """The record of ``server_id``; NotFoundError when it no longer exists."""
        record = self.find(server_id)
        if record is None:
            raise NotFoundError.server_gone()
        return record

    def partitioning_enabled(self) -> bool:
        return self._setting(PARTITIONING) == "1"

    def set_partitioning_enabled(self, enabled: bool) -> None:
        self._set_setting(PARTITIONING, "1" if enabled else "0")

    def mapi_mail_server(self) -> str:
        """The MAPI mail server's host; "" means not configured."""
        return self._setting(MAPI_MAIL_SERVER) or ""

    def set_mapi_mail_server(self, host: str) -> None:
        text = host.strip()
        if has_control_characters(text):
            raise ValidationFailed(
                [Issue("mapi_mail_server", Severity.ERROR, "Control characters are not allowed in a host name.")]
            )
        self._set_setting(MAPI_MAIL_SERVER, text)

    def rule_context(self, analyst: str | None = None, *, about: ServerSettings | None = None) -> RuleContext:
        """What the rules need: other servers, partition settings, MAPI mail server.

        With ``analyst``, only that analyst's partitions are allowed; otherwise all of them. With
        ``about`` (a save's record), only the servers that can clash with it: the rules decide the
        same, and a save with 1,000 servers reads a few rows instead of every record.
        """
        partitions = self.partitions_for_analyst(analyst) if analyst is not None else self.list_partitions()
        return RuleContext(
            others=tuple(self._rule_rows(about)),
            partitions_enabled=self.partitioning_enabled(),
            partitions=frozenset(partitions),
            mapi_mail_server_configured=bool(self.mapi_mail_server()),
        )

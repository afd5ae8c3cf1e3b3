"""The demo keyring and the servers, partitions, analysts and history the pictures show."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from keyring.backend import KeyringBackend

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import AuthMethod, new_server
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore

ANALYST = "jlee"
EXCHANGE_ONLINE = "Exchange Online"
MAILBOX = "helpdesk@corp.example"
OAUTH = OAuthSettings(
    enabled=True,
    tenant="corp.onmicrosoft.com",
    client_id="3f2a9c1e-7b4d-4e8a-9c21-5d6e7f8a9b0c",
    grant_type=GrantType.AUTHORIZATION_CODE,
    mailbox=MAILBOX,
)


class DemoKeyring(KeyringBackend):
    """Passwords in a JSON file of the temporary directory: the user's keyring is never used."""

    priority = 0
    name = "Secret Service keyring"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.path.write_text(json.dumps({**self._load(), f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        passwords = self._load()
        passwords.pop(f"{service}/{username}", None)
        self.path.write_text(json.dumps(passwords))


def seed(data_dir: Path, secrets: SecretStore, *, silent_port: int, smtp_port: int, smtp_pin: str) -> dict[str, str]:
    """Fill ``data_dir``; the server ids by name. The test-lab servers point at the loopback ports."""
    now = dt.datetime.now(dt.UTC)
    with ServerRepository.open(data_dir, daily_backup=False) as repo:
        admin = PartitionAdmin.of(repo)
        repo.set_partitioning_enabled(True)
        for partition in ("Service Desk", "HR", "Facilities", "Finance"):
            admin.add(partition)
        everything = frozenset({"Service Desk", "HR", "Facilities", "Finance"})
        admin.save_analyst(Analyst(ANALYST, "Jordan Lee", "jordan.lee@corp.example", everything))
        admin.save_analyst(Analyst("mrossi", "Marta Rossi", "marta.rossi@corp.example", frozenset({"Facilities"})))
        repo.set_mapi_mail_server("exchange01.corp.example")
        servers = [
            new_server(
                "smtp",
                name="Head office relay",
                server="smtp.corp.example",
                port=587,
                login_id="svc-outmail",
                outgoing_email_id="servicedesk@corp.example",
                is_default=True,
                send_receipt=True,
                auth_auto=False,
                auth_methods=frozenset({AuthMethod.LOGIN, AuthMethod.PLAIN}),
            ),
            new_server(
                "smtp",
                name=EXCHANGE_ONLINE,
                server="smtp.office365.com",
                port=587,
                login_id=MAILBOX,
                outgoing_email_id=MAILBOX,
                sent_from_analyst=True,
                partition="Service Desk",
            ),
            new_server(
                "smtp",
                name="HR notifications",
                server="mail.hr.corp.example",
                outgoing_email_id="hr-noreply@corp.example",
                partition="HR",
                chunking=True,
            ),
            new_server(
                "smtp",
                name="HR backup relay",
                server="relay2.hr.corp.example",
                outgoing_email_id="hr@corp.example",
                reply_to_forwarding_analyst=True,
                partition="HR",
            ),
            new_server(
                "smtp",
                name="Facilities pager gateway",
                server="pager.corp.example",
                port=25,
                use_ssl=False,
                auth_auto=False,
                pager_encoding="iso-8859-1",
                outgoing_email_id="pager@corp.example",
                partition="Facilities",
                active=False,
            ),
            new_server(
                "mapi",
                name="Legacy Exchange (MAPI)",
                server="exchange01.corp.example",
                login_id="CORP\\svc-asm",
                use_nt_authentication=True,
                outgoing_email_id="asm@corp.example",
                active=False,
            ),
            new_server(
                "smtp",
                name="Branch relay (test lab)",
                server="localhost",
                port=silent_port,
                use_ssl=False,
                auth_auto=False,
                connection_timeout_s=30,
                outgoing_email_id="branch@corp.example",
                partition="Finance",
                active=False,
            ),
            new_server(
                "smtp",
                name="Branch office relay",
                server="localhost",
                port=smtp_port,
                login_id="svc-branch",
                outgoing_email_id="branch@corp.example",
                trusted_cert_sha256=smtp_pin,
                partition="Finance",
            ),
        ]
        ids = {record.name: repo.save(record).id for record in servers}
        secrets.set_password(ids["Head office relay"], "demo-password")
        secrets.set_password(ids["Branch office relay"], "an-old-password")
        OAuthSettingsStore.of(repo).save(ids[EXCHANGE_ONLINE], OAUTH)
        HistoryStore.of(repo).add_many(
            [
                HistoryEntry(
                    ids["Head office relay"],
                    now - dt.timedelta(minutes=42),
                    Outcome.PASSED,
                    "Server reachable: TLSv1.3 (starttls), login accepted with PLAIN.",
                    812,
                ),
                HistoryEntry(
                    ids[EXCHANGE_ONLINE],
                    now - dt.timedelta(hours=3),
                    Outcome.PASSED,
                    "Server reachable: TLSv1.3 (starttls), login accepted with XOAUTH2.",
                    1430,
                ),
                HistoryEntry(
                    ids["HR notifications"],
                    now - dt.timedelta(hours=2),
                    Outcome.FAILED,
                    "AUTH: 535 5.7.8 authentication failed",
                    840,
                    failed_step="auth",
                ),
            ]
        )
    return ids

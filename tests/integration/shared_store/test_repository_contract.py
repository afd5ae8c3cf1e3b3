"""The repository contract, the same tests against both back ends: a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from outmail_gui.domain import rules
from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.store.capabilities import Capabilities
from outmail_gui.store.errors import DuplicateNameError, NotFoundError, RevisionConflictError, ValidationFailed
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.location import SharedStore
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.partitions import PartitionAdmin, PartitionInUseError
from outmail_gui.store.postgres.connection import application_name
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secret_writes import SecretWrites
from tests.unit.store.records import mapi, smtp

RawWrite = Callable[[str], None]
"""Run one SQL statement on the back end's own connection, outside the app's rules (as ``psql`` would)."""


class Slots:
    """Keyring entries by key, in memory (the real Secret Service is tested in tests/integration/store)."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def put(self, key: str, value: str | None) -> None:
        if value is None:
            self.entries.pop(key, None)
        else:
            self.entries[key] = value

    def where(self, key: str) -> str:
        return f"entry {key!r}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SettingsRepository, RawWrite]]:
    if request.param == "sqlite":
        local = ServerRepository.open(tmp_path)
        conn = local.connection()

        def raw_sqlite(statement: str) -> None:
            conn.execute(statement)

        yield local, raw_sqlite
        local.close()
        return
    store: SharedStore = request.getfixturevalue("shared_store")
    shared = SharedRepository.open(store)

    def raw_postgres(statement: str) -> None:
        with psycopg.connect(store.target, autocommit=True) as other:
            other.execute("SET search_path = outmail")
            other.execute(statement.encode())

    yield shared, raw_postgres
    shared.close()


IntegrityErrors = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)


def test_a_saved_record_reads_back_field_for_field(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    repo.add_partition("HR")
    record = smtp(
        "Head office", port=587, auth_auto=False, auth_methods=frozenset({AuthMethod.PLAIN, AuthMethod.LOGIN}),
        chunking=True, partition="hr", connection_timeout_s=60, active=False,
    )  # fmt: skip
    saved = repo.save(record)
    assert saved.revision == 1
    assert saved.partition == "HR"  # spelled as stored
    assert repo.get(record.id) == saved
    assert repo.find_by_name("  HEAD OFFICE ") == saved
    assert repo.list_server_rows()[0].name == "Head office"


def test_a_stale_save_is_refused_and_changes_nothing(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    first = repo.save(smtp("Main"))
    theirs = repo.save(first.with_changes(port=2525))
    with pytest.raises(RevisionConflictError) as refused:
        repo.save(first.with_changes(port=465))
    assert refused.value.current == theirs
    assert repo.get(first.id).port == 2525
    with pytest.raises(RevisionConflictError):
        repo.delete(first.id, expected_revision=first.revision)
    repo.delete(first.id, expected_revision=theirs.revision)
    with pytest.raises(NotFoundError):
        repo.get(first.id)


def test_names_are_unique_by_their_normalised_key(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, raw = backend
    repo.save(smtp("Head Office"))
    with pytest.raises(DuplicateNameError):
        repo.save(smtp("  head office "))
    # The database itself refuses it, whoever writes.
    other = repo.save(smtp("Branch"))
    with pytest.raises(IntegrityErrors):
        raw(f"UPDATE servers SET name_key = 'head office' WHERE id = '{other.id}'")


def test_the_default_is_exclusive_in_the_app_and_in_the_database(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, raw = backend
    a = repo.save(smtp("A", is_default=True))
    b = repo.save(smtp("B"))
    moved = repo.set_default(b.id)
    assert moved.is_default
    assert not repo.get(a.id).is_default
    assert repo.get(a.id).revision == a.revision + 1  # a stale copy of A cannot re-claim it
    with pytest.raises(RevisionConflictError):
        repo.save(a.with_changes(port=2525))
    c = repo.save(smtp("C", is_default=True))
    assert [s.name for s in repo.list_servers() if s.is_default] == [c.name]
    with pytest.raises(IntegrityErrors):
        raw(f"UPDATE servers SET is_default = {_true(repo)} WHERE id = '{a.id}'")


def test_the_rules_are_the_same(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    with pytest.raises(ValidationFailed):
        repo.save(smtp("Bad", outgoing_email_id="not an address"))
    with pytest.raises(ValidationFailed):
        repo.save(mapi("Legacy"))  # no MAPI mail server configured
    repo.set_mapi_mail_server("mapi.corp.example")
    assert repo.save(mapi("Legacy")).revision == 1
    repo.set_partitioning_enabled(True)
    assert repo.partitioning_enabled()
    with pytest.raises(ValidationFailed):
        repo.save(smtp("Nowhere", partition="Unknown"))


def test_a_save_compares_with_the_servers_that_can_clash_and_the_rules_decide_the_same(
    backend: tuple[SettingsRepository, RawWrite],
) -> None:
    """A save asks the store only for the rows that can clash with its record (indexed lookups), not
    every record: the same name's key, the default, the active servers of its partition."""
    repo, _ = backend
    repo.add_partition("HR")
    repo.add_partition("Sales")
    repo.save(smtp("Default", is_default=True))
    repo.save(smtp("HR relay", partition="HR"))
    repo.save(smtp("HR spare", partition="HR", active=False))
    repo.save(smtp("Sales relay", partition="Sales"))
    repo.save(smtp("Other"))
    probes = [
        smtp("HR new", partition="HR", is_default=True),
        smtp("  OTHER "),
        smtp("Sales new", partition="Sales"),
        smtp("Default"),
    ]
    for record in probes:
        narrow = repo.rule_context(about=record)  # a save asks after spelling the partition as stored
        full = repo.rule_context()
        assert len(narrow.others) < len(full.others) == 5
        assert rules.validate(record, narrow) == rules.validate(record, full)
    hr = repo.rule_context(about=smtp("HR new", partition="HR"))
    assert sorted(o.name for o in hr.others) == ["Default", "HR relay"]
    with pytest.raises(DuplicateNameError):
        repo.save(smtp("other"))


def test_a_transaction_is_all_or_nothing_and_secrets_follow_its_commit(
    backend: tuple[SettingsRepository, RawWrite],
) -> None:
    repo, _ = backend
    slots = Slots()
    kept = smtp("Kept")
    writes = SecretWrites(slots)
    writes.set(kept.id, "s3cret")
    with repo.transaction(writes) as tx:
        tx.save(kept)
        tx.save(smtp("Also kept"))
    assert slots.entries == {kept.id: "s3cret"}
    lost = smtp("Lost")
    failing = SecretWrites(slots)
    failing.set(lost.id, "other")
    with pytest.raises(DuplicateNameError), repo.transaction(failing) as tx:
        tx.save(lost)
        tx.save(smtp("kept"))  # the name is taken: the whole action fails
    assert repo.find(lost.id) is None
    assert lost.id not in slots.entries  # the secret was never written for a save that failed
    assert sorted(s.name for s in repo.list_servers()) == ["Also kept", "Kept"]


def test_a_stale_save_never_touches_the_keyring(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    slots = Slots()
    first = repo.save(smtp("Main"))
    repo.save(first.with_changes(port=2525))
    writes = SecretWrites(slots)
    writes.set(first.id, "loser")
    with pytest.raises(RevisionConflictError), repo.transaction(writes) as tx:
        tx.save(first.with_changes(port=465))
    assert slots.entries == {}


def test_the_audit_trail_has_one_shape_on_both(backend: tuple[SettingsRepository, RawWrite]) -> None:
    """The same changes give the same entries (action, server, fields old -> new, in the record's field order),
    written in the change's own transaction: a change rolled back leaves none."""
    repo, _ = backend
    head = repo.save(smtp("Head office", port=25))
    head = repo.save(head.with_changes(port=587, name="Head Office 2"))
    branch = repo.save(smtp("Branch", is_default=True))
    repo.set_default(head.id)  # clears Branch's default: both are recorded
    repo.delete(branch.id)
    with pytest.raises(DuplicateNameError), repo.transaction() as tx:
        tx.save(smtp("Rolled back"))
        tx.save(smtp("branch 2").with_changes(name="Head office 2"))
    entries = repo.audit()
    assert [(e.action, e.server) for e in entries] == [
        ("insert", "Head office"),
        ("update", "Head Office 2"),
        ("insert", "Branch"),
        ("update", "Branch"),
        ("update", "Head Office 2"),
        ("delete", "Branch"),
    ]
    first = entries[0]
    assert first.changes["id"] == (None, head.id)
    assert first.changes["port"] == (None, 25)
    assert first.changes["active"] == (None, True)
    assert first.changes["partition"] == (None, None)
    assert "revision" not in first.changes and "name_key" not in first.changes
    assert list(entries[1].changes.items()) == [("name", ("Head office", "Head Office 2")), ("port", (25, 587))]
    assert entries[3].changes == {"is_default": (True, False)}
    assert entries[5].changes["name"] == ("Branch", None)
    assert {e.application for e in entries} == {application_name()}
    expected_user = repo.login() if isinstance(repo, SharedRepository) else getpass.getuser()
    assert {e.user for e in entries} == {expected_user}
    # One server by id (the window's Changes… dialog), by a former name, from a date on.
    assert [e.action for e in repo.audit(server_id=branch.id)] == ["insert", "update", "delete"]
    assert len(repo.audit("head office")) == 3
    assert [e.server for e in repo.audit(" BRANCH ")] == ["Branch"] * 3
    assert repo.audit(since=entries[-1].at) == entries[-1:]
    assert repo.audit(since=entries[-1].at + dt.timedelta(seconds=1)) == []
    assert repo.last_change(head.id) == entries[4]
    assert repo.last_change("0" * 32) is None


def _true(repo: SettingsRepository) -> str:
    return "true" if isinstance(repo, SharedRepository) else "1"


def test_the_stores_beside_the_servers_work_on_both(backend: tuple[SettingsRepository, RawWrite]) -> None:
    """Test history, OAuth settings and partition administration: one SQL text, both back ends."""
    repo, _ = backend
    server = repo.save(smtp("Main"))
    history = HistoryStore.of(repo)
    older = HistoryEntry(server.id, dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC), Outcome.FAILED, "refused", 40, "auth")
    newer = HistoryEntry(server.id, dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), Outcome.PASSED, "ok", 120)
    assert history.add_many([older, newer]) == 2
    assert not history.add(dataclasses.replace(newer, server_id="0" * 32))  # no such server: nothing stored
    assert history.latest()[server.id].summary == "ok"
    assert [e.outcome for e in history.for_server(server.id)] == [Outcome.PASSED, Outcome.FAILED]

    oauth = OAuthSettingsStore.of(repo)
    settings = OAuthSettings(
        enabled=True, tenant="contoso.example", client_id="client-1", mailbox="desk@contoso.example",
        client_secret_expires=dt.date(2027, 6, 30),
    )  # fmt: skip
    oauth.save(server.id, settings)
    assert oauth.get(server.id) == settings
    assert oauth.all() == {server.id: settings}

    admin = PartitionAdmin.of(repo)
    admin.add("HR")
    repo.save(repo.get(server.id).with_changes(partition="HR"))
    assert admin.rename("hr", "People").servers == ("Main",)
    admin.save_analyst(Analyst("ann", "Ann", "ann@corp.example", frozenset({"People"})))
    assert repo.partitions_for_analyst("ANN") == ["People"]
    with repo.transaction():  # the stores' writes join the repository's transaction
        admin.add("Sales")
        oauth.delete(server.id)
    assert [p.name for p in admin.partitions()] == ["People", "Sales"]
    assert oauth.get(server.id) == OAuthSettings()


def test_the_local_store_allows_everything(tmp_path: Path) -> None:
    with ServerRepository.open(tmp_path) as local:
        allowed = local.capabilities()
    assert allowed == Capabilities.everything()
    assert allowed.server_reason("Any") == allowed.servers_reason() == allowed.settings_reason() == ""


def test_partitions_and_analysts_keep_the_same_rules(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    admin = PartitionAdmin.of(repo)
    admin.add("HR")
    with pytest.raises(DuplicateNameError):
        admin.add(" hr ")
    saved = repo.save(smtp("Payroll", partition="HR"))
    ann = admin.save_analyst(Analyst("ann", "Ann", "ann@corp.example", frozenset({"hr"}), unpartitioned=True))
    assert (ann.partitions, ann.unpartitioned, ann.revision) == (frozenset({"HR"}), True, 1)
    renamed = admin.rename("HR", "People", expected_revision=1)
    assert (renamed.servers, renamed.analysts) == (("Payroll",), ("ann",))
    assert repo.get(saved.id).revision == saved.revision + 1  # a window holding the old one is told at Save
    with pytest.raises(RevisionConflictError):
        admin.save_analyst(ann, original_login="ann")  # revision 1 is stale after the rename
    with pytest.raises(PartitionInUseError):
        admin.delete("People")
    assert admin.delete("People", move_servers_to=None) == ("Payroll",)
    assert repo.get(saved.id).partition is None
    assert admin.analysts() == [Analyst("ann", "Ann", "ann@corp.example", frozenset(), 3, unpartitioned=True)]


def test_oauth_settings_and_test_history_are_kept_alike(backend: tuple[SettingsRepository, RawWrite]) -> None:
    repo, _ = backend
    server = repo.save(smtp("Relay"))
    settings = OAuthSettings(
        enabled=True, tenant="contoso.onmicrosoft.com", client_id="c1", grant_type=GrantType.CLIENT_CREDENTIALS,
        mailbox="desk@corp.example", client_secret_expires=dt.date(2027, 6, 30),
    )  # fmt: skip
    OAuthSettingsStore.of(repo).save(server.id, settings)
    assert OAuthSettingsStore.of(repo).get(server.id) == settings
    assert OAuthSettingsStore.of(repo).all() == {server.id: settings}
    start = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
    history = HistoryStore.of(repo)
    entries = [
        HistoryEntry(server.id, start + dt.timedelta(seconds=n), Outcome.PASSED, f"run {n}", n) for n in range(3)
    ]
    assert history.add_many([*entries, HistoryEntry("f" * 32, start, Outcome.FAILED, "gone", 1)]) == 3
    newest = history.latest()[server.id]
    assert (newest.summary, newest.started_at, newest.outcome) == ("run 2", entries[2].started_at, Outcome.PASSED)
    assert [e.summary for e in history.for_server(server.id, limit=2)] == ["run 2", "run 1"]
    repo.delete(server.id)
    assert history.latest() == {} and OAuthSettingsStore.of(repo).all() == {}

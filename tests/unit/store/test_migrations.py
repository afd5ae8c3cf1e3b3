"""The schema's migrations: one numbered module per step, run in order, no import cycle in the store."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable

import grimp
import pytest

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.store import migrations
from outmail_gui.store.errors import NotFoundError
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import smtp


def test_each_step_is_a_numbered_module_in_order() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__))
    assert [name[:4] for name in names] == [f"v{n:03d}" for n in range(1, len(names) + 1)]
    assert migrations.schema_version() == len(names) == len(migrations.MIGRATIONS)
    # Each step is SQL statements, or a function of the connection when it needs Python (v004's keys).
    assert all(callable(step) or (step and all(isinstance(s, str) for s in step)) for step in migrations.MIGRATIONS)


def test_the_store_has_no_import_cycle() -> None:
    """Feature modules no longer hand their tables to the schema, so nothing imports back (not even for types)."""
    graph = grimp.build_graph("outmail_gui")
    store = sorted(m for m in graph.find_descendants("outmail_gui.store"))
    cycles = [
        (a, b)
        for a in store
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("outmail_gui.store") and graph.find_shortest_chain(importer=b, imported=a) is not None
    ]
    assert cycles == []


def test_every_store_says_a_deleted_server_is_gone_in_the_same_words(repo: ServerRepository) -> None:
    gone = repo.save(smtp("Gone"))
    repo.delete(gone.id)
    calls: list[Callable[[], object]] = [
        lambda: repo.get(gone.id),
        lambda: repo.delete(gone.id),
        lambda: repo.set_default(gone.id),
        lambda: OAuthSettingsStore.of(repo).save(gone.id, OAuthSettings()),
    ]
    messages = set()
    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        messages.add(caught.value.message)
    assert messages == {NotFoundError.server_gone().message}

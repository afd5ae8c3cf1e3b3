"""Partitions, analysts and the partitioning switch in the JSON export (format version 2).

Version 1 files (servers and partition names only) are upgraded in memory before they
are read, by :func:`upgrade`: no analysts, and the partitioning switch left as it is
(version 1 did not record it, so importing one never turns partitioning on or off).
Readers raise ``ValueError`` with a sentence; the transfer module turns it into its
``ImportRefused``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from outmail_gui.domain.analysts import Analyst, analyst_issues, find_analyst
from outmail_gui.domain.names import clean_name, normalized_name
from outmail_gui.domain.partitions import find_partition
from outmail_gui.domain.rules import errors
from outmail_gui.store.partitions import PartitionAdmin

if TYPE_CHECKING:
    from outmail_gui.store.interface import SettingsRepository

FORMAT_VERSION = 2
MAX_ANALYSTS = 10_000


def upgrade(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document in the current format version (a copy; the input is not changed)."""
    data = copy.deepcopy(dict(document))
    if data.get("version") == 1:
        data = _v1_to_v2(data)
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no analysts and did not record the partitioning switch."""
    data["analysts"] = []
    data["version"] = 2
    return data


def export_analysts(repo: SettingsRepository) -> list[dict[str, Any]]:
    """The ``analysts`` list of an export: login, display name, address, partitions."""
    return [
        {
            "login": a.login,
            "display_name": a.display_name,
            "email": a.email,
            "partitions": sorted(a.partitions, key=normalized_name),
        }
        for a in PartitionAdmin.of(repo).analysts()
    ]


def read_partitioning(settings: Any) -> bool | None:
    """``settings.partitioning_enabled``: ``None`` when absent (the store's setting stays)."""
    value = settings.get("partitioning_enabled") if isinstance(settings, dict) else None
    if value is not None and not isinstance(value, bool):
        raise ValueError("settings.partitioning_enabled must be true or false")
    return value


def read_analysts(value: Any, partitions: Sequence[str]) -> tuple[Analyst, ...]:
    """Check the ``analysts`` list; each analyst's partitions must be in the file's list."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("analysts must be a list")
    if len(value) > MAX_ANALYSTS:
        raise ValueError(f"the file lists {len(value)} analysts; at most {MAX_ANALYSTS} can be imported at once")
    found: list[Analyst] = []
    for number, entry in enumerate(value, start=1):
        analyst = _read_analyst(number, entry, partitions)
        problems = errors(analyst_issues(analyst, found))
        if problems:
            raise ValueError(f"analyst {number} ({analyst.login.strip()!r}): {problems[0].message}")
        found.append(analyst)
    return tuple(found)


def _read_analyst(number: int, entry: Any, partitions: Sequence[str]) -> Analyst:
    where = f"analyst {number}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object with login, display_name, email and partitions")
    unknown = sorted(set(entry) - {"login", "display_name", "email", "partitions"})
    if unknown:
        raise ValueError(f"{where}: unknown field(s): {', '.join(unknown)}")
    texts = {k: entry.get(k, "") for k in ("login", "display_name", "email")}
    for key, text in texts.items():
        if not isinstance(text, str):
            raise ValueError(f"{where}: {key} must be text")
    granted = entry.get("partitions", [])
    if not isinstance(granted, list) or not all(isinstance(p, str) for p in granted):
        raise ValueError(f"{where}: partitions must be a list of names")
    names: set[str] = set()
    for name in granted:
        stored = find_partition(name.strip(), partitions)
        if stored is None:
            raise ValueError(f"{where}: partition {name.strip()!r} is not in the file's list of partitions")
        names.add(stored)
    return Analyst(clean_name(texts["login"]), texts["display_name"].strip(), texts["email"].strip(), frozenset(names))


def apply(repo: SettingsRepository, analysts: Iterable[Analyst], partitioning: bool | None, *, replace: bool) -> None:
    """Write the file's analysts and switch inside the import's transaction.

    New logins are added; existing ones are updated only when replacing (a login is an
    identity, so "rename" keeps the stored analyst like "skip" does).
    """
    if partitioning is not None:
        repo.set_partitioning_enabled(partitioning)
    admin = PartitionAdmin.of(repo)
    current = admin.analysts()
    for analyst in analysts:
        existing = find_analyst(analyst.login, current)
        if existing is None:
            admin.save_analyst(analyst)
        elif replace:
            admin.save_analyst(dataclasses.replace(analyst, revision=existing.revision), original_login=existing.login)

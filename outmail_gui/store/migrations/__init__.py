"""Numbered schema migrations: module ``vNNN_<what>`` takes a database from version NNN-1 to NNN.

Each module holds ``STATEMENTS``, single statements (never ``executescript``, which would
commit the surrounding transaction), or, when a step needs Python (keys SQL cannot compute),
``migrate(conn)``, which runs inside the step's transaction and returns sentences on what it
changed that the user should read; :func:`outmail_gui.store.opening.migrate` applies one
module per transaction and sets ``PRAGMA user_version`` inside it, so a crash leaves either
the old or the new version. A new schema change is a new module with the next number; a
module, once released, never changes (it is what older databases were built with).
Feature modules read their tables but never declare them, so the store has no import cycle.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from collections.abc import Callable, Sequence
from types import ModuleType

_NAME = re.compile(r"v(\d{3})_[a-z0-9_]+")


Step = tuple[str, ...] | Callable[[sqlite3.Connection], list[str]]


def _load() -> tuple[Step, ...]:
    found = sorted(
        (int(match.group(1)), info.name)
        for info in pkgutil.iter_modules(__path__)
        if (match := _NAME.fullmatch(info.name))
    )
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"schema migrations must be numbered 1, 2, 3, … without gaps; found {numbers}")
    return tuple(_step(importlib.import_module(f"{__name__}.{name}")) for _, name in found)


def _step(module: ModuleType) -> Step:
    migrate: Callable[[sqlite3.Connection], list[str]] | None = getattr(module, "migrate", None)
    return migrate if migrate is not None else tuple(module.STATEMENTS)


MIGRATIONS: Sequence[Step] = _load()
"""``MIGRATIONS[n]`` takes a database from version n to n+1."""


def schema_version() -> int:
    """The version this build writes (the number of migrations it knows)."""
    return len(MIGRATIONS)

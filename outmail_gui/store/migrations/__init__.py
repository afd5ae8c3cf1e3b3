"""Numbered schema migrations: module ``vNNN_<what>`` takes a database from version NNN-1 to NNN.

Each module holds ``STATEMENTS``, single statements (never ``executescript``, which would
commit the surrounding transaction); :func:`outmail_gui.store.opening.migrate` applies one
module per transaction and sets ``PRAGMA user_version`` inside it, so a crash leaves either
the old or the new version. A new schema change is a new module with the next number; a
module, once released, never changes (it is what older databases were built with).
Feature modules read their tables but never declare them, so the store has no import cycle.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Sequence

_NAME = re.compile(r"v(\d{3})_[a-z0-9_]+")


def _load() -> tuple[tuple[str, ...], ...]:
    found = sorted(
        (int(match.group(1)), info.name)
        for info in pkgutil.iter_modules(__path__)
        if (match := _NAME.fullmatch(info.name))
    )
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"schema migrations must be numbered 1, 2, 3, … without gaps; found {numbers}")
    return tuple(tuple(importlib.import_module(f"{__name__}.{name}").STATEMENTS) for _, name in found)


MIGRATIONS: Sequence[Sequence[str]] = _load()
"""``MIGRATIONS[n]`` takes a database from version n to n+1."""


def schema_version() -> int:
    """The version this build writes (the number of migrations it knows)."""
    return len(MIGRATIONS)

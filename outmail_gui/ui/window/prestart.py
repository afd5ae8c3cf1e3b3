"""What the window's start does before Qt loads: read the options, start checking the database.

Qt-free on purpose: :func:`outmail_gui.app.main` calls :func:`prestart` before it imports
:mod:`outmail_gui.ui.window.launch` (which loads PySide6, ≈ 70 ms), so the database's integrity check
(:class:`~outmail_gui.store.opening.IntegrityCheck`), or the shared store's connection
(:class:`~outmail_gui.store.postgres.opening.SharedOpening`), runs on a helper thread meanwhile.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outmail_gui.store.opening import IntegrityCheck

if TYPE_CHECKING:
    from outmail_gui.store.postgres.opening import SharedOpening


@dataclass(frozen=True, slots=True)
class Prestart:
    """The options, and the data directory (with its integrity check running when it holds the
    settings) or why it is unusable."""

    options: argparse.Namespace
    directory: Path | None
    integrity: IntegrityCheck | None = None
    problem: OSError | None = None
    shared_opening: SharedOpening | None = None


def prestart(argv: Sequence[str]) -> Prestart:
    """Read the window's options (bad usage exits with status 2), resolve the data directory and
    start checking its database."""
    from outmail_gui.cli.main import window_options
    from outmail_gui.paths import data_dir as resolve_data_dir

    options = window_options(argv)
    try:
        directory = resolve_data_dir(options.data_dir)
    except OSError as exc:
        return Prestart(options, None, problem=exc)
    if options.shared_store is not None:  # the settings are in PostgreSQL; the folder keeps token caches
        # The driver loads here, before Qt: once PySide6 is imported, its import hook reads the source
        # of every module imported after it (≈ 100 ms more for psycopg's).
        from outmail_gui.store.postgres.opening import SharedOpening

        return Prestart(options, directory, shared_opening=SharedOpening.start(options.shared_store))
    return Prestart(options, directory, IntegrityCheck.start(directory))

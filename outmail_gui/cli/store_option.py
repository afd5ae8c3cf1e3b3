"""``--store URL`` / ``OUTMAIL_STORE``, read once after parsing, for the commands and the window alike.

A local store (``sqlite:///FOLDER``) becomes ``args.data_dir``; a shared PostgreSQL store is
kept in ``args.shared_store`` for the commands that use one (``store``, ``audit``). Without
either, nothing changes: the local store under ``--data-dir`` / ``OUTMAIL_DATA_DIR``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from outmail_gui.store.location import SharedStore, StoreLocationError, store_location

__all__ = ["StoreLocationError", "resolve_store"]


def resolve_store(args: argparse.Namespace) -> None:
    """Set ``args.data_dir`` or ``args.shared_store`` from the store option; StoreLocationError if it is invalid."""
    location = store_location(getattr(args, "store", None))
    args.shared_store = location if isinstance(location, SharedStore) else None
    if isinstance(location, Path):
        args.data_dir = str(location)

"""Partition names: the one place that decides what a valid name is.

The dialog, the store and the importer ask :func:`partition_name_problem`; like
:mod:`outmail_gui.domain.rules` it never raises and returns a sentence or ``None``.
Names are compared trimmed and case-insensitively, as the store's ``COLLATE NOCASE`` does.
"""

from __future__ import annotations

from collections.abc import Iterable

from outmail_gui.domain.addresses import has_control_characters
from outmail_gui.domain.rules import MAX_NAME_LENGTH, normalized_name

NO_PARTITION_LABEL = "(no partition)"


def clean_partition_name(name: str) -> str:
    """The name as it is stored: surrounding blanks removed."""
    return name.strip()


def partition_name_problem(name: str, existing: Iterable[str], *, renaming: str | None = None) -> str | None:
    """Why ``name`` cannot be a (new or renamed) partition, or ``None``.

    ``existing`` are the current partition names; ``renaming`` is the name being changed,
    which may keep its own name (even with a different case).
    """
    text = clean_partition_name(name)
    if not text:
        return "Enter a name for the partition."
    if has_control_characters(name):
        return "Line breaks and other control characters are not allowed in a partition name."
    if len(text) > MAX_NAME_LENGTH:
        return f"The partition name is longer than {MAX_NAME_LENGTH} characters."
    key = normalized_name(text)
    skip = normalized_name(renaming) if renaming is not None else None
    for other in existing:
        other_key = normalized_name(other)
        if other_key == key and other_key != skip:
            return f"The partition name must be unique: {clean_partition_name(other)!r} already exists."
    return None


def find_partition(name: str, existing: Iterable[str]) -> str | None:
    """The stored spelling of ``name`` among ``existing`` (case-insensitive), or ``None``."""
    key = normalized_name(name)
    return next((p for p in existing if normalized_name(p) == key), None)


def partition_label(partition: str | None) -> str:
    """How a partition key is shown in tables (``None`` is the no-partition row)."""
    return NO_PARTITION_LABEL if partition is None else partition

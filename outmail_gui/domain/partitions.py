"""Partition names: the one place that decides what a valid name is.

The dialog, the store and the importer ask :func:`partition_name_problem`; like
:mod:`outmail_gui.domain.rules` it never raises and returns a sentence or ``None``.
Names are stored and compared as every name is (:mod:`outmail_gui.domain.names`): the store's
unique ``name_key`` column holds the same key.
"""

from __future__ import annotations

from collections.abc import Iterable

from outmail_gui.domain.names import clean_name, name_problem, normalized_name, same_name

NO_PARTITION_LABEL = "(no partition)"


def clean_partition_name(name: str) -> str:
    """The name as it is stored (:func:`~outmail_gui.domain.names.clean_name`)."""
    return clean_name(name)


def partition_name_problem(name: str, existing: Iterable[str], *, renaming: str | None = None) -> str | None:
    """Why ``name`` cannot be a (new or renamed) partition, or ``None``.

    ``existing`` are the current partition names; ``renaming`` is the name being changed,
    which may keep its own name (even with a different case).
    """
    problem = name_problem(name, "the partition name", "Enter a name for the partition.")
    if problem:
        return problem
    key = normalized_name(name)
    for other in existing:
        if normalized_name(other) == key and not same_name(other, renaming):
            return f"The partition name must be unique: {clean_partition_name(other)!r} already exists."
    return None


def find_partition(name: str, existing: Iterable[str]) -> str | None:
    """The stored spelling of ``name`` among ``existing`` (same name by the one name rule), or ``None``."""
    return next((p for p in existing if same_name(p, name)), None)


def partition_label(partition: str | None) -> str:
    """How a partition key is shown in tables (``None`` is the no-partition row)."""
    return NO_PARTITION_LABEL if partition is None else partition

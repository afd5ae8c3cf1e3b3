"""Everything Qt.

Importing this package first works around a reference-counting bug of PySide6 6.12 on
CPython 3.11: every call from Python to a C++ method returning ``void``, and every Python
virtual (such as a model's ``data()``) that returns ``None`` to C++, drops one reference to
``None`` that it never took. After a few thousand calls ``None``'s count reaches zero and
the interpreter aborts ("Fatal Python error: none_dealloc"). CPython 3.12 made ``None``
immortal, which hides the bug there; on older versions we give ``None`` the same kind of
effectively endless count, once, before any Qt call.
"""

from __future__ import annotations

import sys

IMMORTAL_REFCOUNT = 1 << 60


def _immortalize_none() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < IMMORTAL_REFCOUNT // 2:
        count.value = IMMORTAL_REFCOUNT


_immortalize_none()

"""Everything Qt: the window, its models, dialogs and workers."""

# Before any Qt call: PySide6 6.12 on CPython 3.11 loses references to None (see the module).
from outmail_gui.ui import pyside_refcount_fix as _pyside_refcount_fix  # noqa: F401

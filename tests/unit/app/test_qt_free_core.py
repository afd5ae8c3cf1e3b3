"""domain/, store/, probe/, oauth/ and the CLI work with Qt absent (the layering rule, proven).

The one import check of the core: every module of these packages imported with PySide6 blocked
(which also keeps shiboken6 and outmail_gui.ui out).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import outmail_gui

CORE_PACKAGES = ("outmail_gui.domain", "outmail_gui.store", "outmail_gui.probe", "outmail_gui.oauth", "outmail_gui.cli")

_BLOCK_QT = """
import importlib, importlib.abc, sys
class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt is blocked in this test: " + name)
        return None
sys.meta_path.insert(0, NoQt())
for name in sys.argv[1:]:
    importlib.import_module(name)
print("imported", len(sys.argv) - 1)
"""


def _core_modules() -> list[str]:
    names: list[str] = []
    for info in pkgutil.walk_packages(outmail_gui.__path__, "outmail_gui."):
        if info.name.startswith(CORE_PACKAGES):
            names.append(info.name)
    return names


def test_every_core_module_imports_with_qt_blocked() -> None:
    modules = _core_modules()
    assert any(m.startswith("outmail_gui.domain.") for m in modules)
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_QT, *modules], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(modules)}"

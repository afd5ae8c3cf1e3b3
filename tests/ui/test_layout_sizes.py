"""The window at common screen sizes (and 200 % scaling): checked by walking the widget tree.

Each size runs the real window in its own process (``tests/ui/layout_check.py``) on an
offscreen screen of that size, over the README's demo data: nothing overlaps a visible
sibling, no text that must be read whole is cut, the form has no horizontal scroll bar,
after a failed test its headline, hint and failed step are in view, and the window opens
within the screen. The checks themselves are tested first, on widgets made to fail them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.layout_check import ROOT, clipped_texts, overlaps

SIZES = [("1024x640", 1), ("1366x768", 1), ("1920x1080", 1), ("1920x1080", 2)]


@pytest.mark.parametrize(("size", "scale"), SIZES, ids=[f"{s}@{int(k * 100)}%" for s, k in SIZES])
def test_the_window_fits_the_screen(size: str, scale: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.layout_check", size, str(scale)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    problems = json.loads(done.stdout.strip().splitlines()[-1])
    assert problems == []


def test_the_checks_see_an_overlap_and_a_cut_text(qtbot: QtBot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    root.resize(300, 100)
    first, second = QLabel("first", root), QLabel("second", root)
    first.setGeometry(0, 0, 100, 30)
    second.setGeometry(50, 10, 100, 30)  # on top of the first
    button = QPushButton("A button with a long text", root)
    button.setGeometry(0, 60, 40, 30)
    wrapped = QLabel("A long message that wraps onto several lines", root)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(200, 50, 90, 14)  # one line tall
    root.show()
    qtbot.waitExposed(root)

    assert overlaps(root) == ["QLabel(-) overlaps QLabel(-) in QWidget(-)"]
    cut = clipped_texts(root)
    assert any("QPushButton" in problem for problem in cut), cut
    assert any("cut at the bottom" in problem for problem in cut), cut

    second.move(150, 0)
    button.resize(button.sizeHint())
    wrapped.resize(90, wrapped.heightForWidth(90))
    assert overlaps(root) == [] and clipped_texts(root) == []

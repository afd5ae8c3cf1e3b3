"""A shown form per test (focus and mouse clicks need a visible, active window)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from outmail_gui.ui.form import ServerFormWidget


@pytest.fixture
def form(qtbot: QtBot) -> ServerFormWidget:
    widget = ServerFormWidget()
    qtbot.addWidget(widget)
    widget.resize(560, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitActive(widget)
    return widget

"""Wording shared by the test panel, the history view and the list."""

from __future__ import annotations

from outmail_gui.ui.connection_test.summary import duration_text


def test_durations_read_naturally() -> None:
    assert duration_text(0.4) == "0 ms"
    assert duration_text(85.2) == "85 ms"
    assert duration_text(999.4) == "999 ms"
    assert duration_text(1000) == "1.0 s"
    assert duration_text(2449) == "2.4 s"

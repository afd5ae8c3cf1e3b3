"""The form fits a ~560 px splitter pane: no horizontal scrolling; it scrolls vertically when short.

The grabs are saved as PNG files in the test's temporary directory for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import Protocol, ServerSettings, new_server
from outmail_gui.ui.form import ServerFormWidget
from tests.ui.form.helpers import child, load

OTHER = new_server(Protocol.SMTP, name="Main relay", is_default=True, partition="EU")
INVALID = new_server(
    Protocol.SMTP,
    name="",
    server="smtp.office365.com",
    use_ssl=False,
    port=0,
    auth_auto=False,
    outgoing_email_id="not an address",
    pager_encoding="us-ascii",
    is_default=True,
    partition="EU",
)
CASES = {
    "smtp": new_server(Protocol.SMTP),
    "mapi": new_server(Protocol.MAPI, name="Legacy"),
    "invalid": INVALID,
}


@pytest.mark.parametrize("case", list(CASES))
def test_form_fits_560_px_without_horizontal_scrolling(
    form: ServerFormWidget, qtbot: QtBot, tmp_path: Path, case: str
) -> None:
    record: ServerSettings = CASES[case]
    context = RuleContext(others=[OTHER], partitions_enabled=True, partitions=frozenset({"EU", "US"}))
    load(
        form,
        record,
        context,
        partitions_visible=True,
        allowed_partitions=["EU", "US"],
        password_stored=True,
        keyring_label="PlaintextKeyring (insecure)" if case == "mapi" else "GNOME Keyring",
    )
    form.resize(560, 600)
    QApplication.processEvents()

    scroll = child(form, QScrollArea, "server_form_scroll")
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.verticalScrollBar().maximum() > 0  # taller than the pane: it scrolls
    picture = tmp_path / f"form-{case}.png"
    assert form.grab().save(str(picture))
    assert picture.stat().st_size > 0

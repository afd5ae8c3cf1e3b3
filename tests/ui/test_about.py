"""Help › About: version, licence and the project links that exist on this computer, opened by the desktop."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from outmail_gui.ui.shared.about import AboutDialog, about_facts
from tests.ui.helpers import plain_text

PROJECT = Path(__file__).resolve().parents[2]


class OpenedUrls(QObject):
    """Receives the URLs the application asks the desktop to open (instead of the desktop)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def record(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened() -> Iterator[OpenedUrls]:
    receiver = OpenedUrls()
    # PySide6 6.8-6.11 takes the slot's name as text, though its signature says bytes.
    QDesktopServices.setUrlHandler("file", receiver, "record")  # type: ignore[arg-type]
    yield receiver
    QDesktopServices.unsetUrlHandler("file")


def test_about_states_version_licence_and_the_links_on_this_computer(tmp_path: Path) -> None:
    facts = about_facts(log_folder=tmp_path)
    assert facts is not None
    assert facts.version == metadata.version("outmail-gui")
    assert facts.licence == "Proprietary — all rights reserved"
    links = dict(facts.links)
    assert list(links) == ["Licence text", "User guide (README)", "OAuth 2.0 set-up for Exchange Online", "Log folder"]
    # The licence file the package metadata lists (License-File), saying what the project's says.
    assert links["Licence text"].name == "LICENSE"
    assert links["Licence text"].read_text() == (PROJECT / "LICENSE").read_text()
    assert (PROJECT / "LICENSE").read_text().strip() == "Copyright (c) 2026 Outmail. All rights reserved."
    assert links["User guide (README)"] == PROJECT / "README.md"  # the editable installation's source
    assert links["Log folder"] == tmp_path and not facts.missing


def test_the_about_box_shows_the_facts_and_opens_each_link_with_the_desktop(
    qtbot: QtBot, tmp_path: Path, opened: OpenedUrls
) -> None:
    dialog = AboutDialog(None, log_folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    shown = plain_text(dialog.text)
    assert f"Outmail {metadata.version('outmail-gui')}" in shown
    assert "Licence: Proprietary — all rights reserved" in shown
    assert str(PROJECT / "README.md") in shown and str(tmp_path) in shown
    assert "http" not in dialog.text.text()  # no made-up web address
    facts = about_facts(log_folder=tmp_path)
    assert facts is not None
    for _label, path in facts.links:
        href = QUrl.fromLocalFile(str(path)).toString()
        assert f'href="{href}"' in dialog.text.text()
        dialog.text.linkActivated.emit(href)  # what a click on the link sends
    assert [Path(url.toLocalFile()) for url in opened.urls] == [path for _label, path in facts.links]
    assert all(Path(url.toLocalFile()).exists() for url in opened.urls)

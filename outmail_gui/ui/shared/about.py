"""Help › About: the version, licence and project links, as this installation states them.

Everything comes from the installed package's metadata (version, summary, licence expression and
licence file) and from what exists on this machine: the documentation that came with the
installation (the README and docs/ of the source an editable install points at) and the folder of
the log file. No web address is made up: the project publishes none.
"""

from __future__ import annotations

import html
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

DISTRIBUTION = "outmail-gui"
NOT_STATED = "not stated in this installation's package metadata"
# SPDX expressions in the words a reader expects; any other expression is shown as written.
LICENCE_WORDS = {"LicenseRef-Proprietary": "Proprietary — all rights reserved"}
# The documentation an installation may carry, relative to the project's folder, in reading order.
DOCUMENTS = (
    ("README.md", "User guide (README)"),
    ("docs/oauth-azure-setup.md", "OAuth 2.0 set-up for Exchange Online"),
)


@dataclass(frozen=True, slots=True)
class AboutFacts:
    """What About shows; ``links`` are (label, local path) pairs that exist on this machine."""

    version: str
    summary: str
    licence: str
    links: tuple[tuple[str, Path], ...]
    missing: tuple[str, ...]  # what could not be found (said, not hidden)


def about_facts(log_folder: Path | None = None) -> AboutFacts | None:
    """The facts from the package metadata and this machine, or None when the metadata is missing."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    meta = dist.metadata
    expression = _first(meta, "License-Expression") or _first(meta, "License")
    licence = LICENCE_WORDS.get(expression, expression) or NOT_STATED
    links: list[tuple[str, Path]] = []
    missing: list[str] = []
    licence_file = _licence_file(dist)
    if licence_file is not None:
        links.append(("Licence text", licence_file))
    project = _project_folder(dist)
    for relative, label in DOCUMENTS:
        path = project / relative if project is not None else None
        if path is not None and path.is_file():
            links.append((label, path))
        elif relative == "README.md":
            missing.append("The user guide (README) is not installed with this copy; it comes with Outmail's source.")
    links.append(("Log folder", log_folder or _log_folder()))
    return AboutFacts(meta["Version"], _first(meta, "Summary"), licence, tuple(links), tuple(missing))


def about_text(log_folder: Path | None = None) -> str:
    """Rich text for the About box, its links as ``file:`` URLs."""
    facts = about_facts(log_folder)
    if facts is None:
        return "<p><b>Outmail</b></p><p>The package metadata is missing: reinstall Outmail (scripts/setup.sh).</p>"
    rows = "".join(
        f'<li>{html.escape(label)}: <a href="{html.escape(QUrl.fromLocalFile(str(path)).toString())}">'
        f"{html.escape(str(path))}</a></li>"
        for label, path in facts.links
    )
    notes = "".join(f"<p>{html.escape(note)}</p>" for note in facts.missing)
    return (
        f"<p><b>Outmail</b> {html.escape(facts.version)}</p>"
        f"<p>{html.escape(facts.summary)}</p>"
        f"<p>Licence: {html.escape(facts.licence)}</p>"
        f"<p>Project links (on this computer):</p><ul>{rows}</ul>{notes}"
        f"<p>Qt {html.escape(qVersion())}, PySide6 {html.escape(pyside_version)}, "
        f"Python {html.escape(platform.python_version())}</p>"
    )


def _first(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key) or []
    return str(values[0]) if values else ""


def _licence_file(dist: metadata.Distribution) -> Path | None:
    """The licence file installed with the package (``*.dist-info/licenses/LICENSE``), if it is there."""
    for file in dist.files or []:
        if file.name == "LICENSE":
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_file():
                return path
    return None


def _project_folder(dist: metadata.Distribution) -> Path | None:
    """The source folder of an editable installation (pip's ``direct_url.json``), else the checkout
    this package runs from (``main.py`` without installing); None for an installed wheel."""
    try:
        recorded = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        recorded = {}
    url = urlparse(str(recorded.get("url", "")))
    if url.scheme == "file" and recorded.get("dir_info", {}).get("editable"):
        return Path(unquote(url.path))
    checkout = Path(__file__).resolve().parents[3]
    return checkout if (checkout / "pyproject.toml").is_file() else None


def _log_folder() -> Path:
    from outmail_gui import crash_log
    from outmail_gui.paths import log_dir

    current = crash_log.current_path()
    return current.parent if current is not None else log_dir()


class AboutDialog(QDialog):
    """The About box; its links open the file or folder in the desktop's own application."""

    def __init__(self, parent: QWidget | None = None, log_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About Outmail")
        self.text = QLabel(about_text(log_folder), self)
        self.text.setObjectName("about_text")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        flags = Qt.TextInteractionFlag
        self.text.setTextInteractionFlags(
            flags.TextSelectableByMouse | flags.LinksAccessibleByMouse | flags.LinksAccessibleByKeyboard
        )
        self.text.linkActivated.connect(self.open_link)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def open_link(self, link: str) -> None:
        """A project link: the desktop opens the file (or the folder) with its own application."""
        QDesktopServices.openUrl(QUrl(link))

    @classmethod
    def ask(cls, parent: QWidget) -> None:
        dialog = cls(parent)
        dialog.exec()
        dialog.deleteLater()

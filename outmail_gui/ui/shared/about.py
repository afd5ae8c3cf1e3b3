"""Help › About: the version, licence and project links, as the installed package states them."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

DISTRIBUTION = "outmail-gui"
NOT_STATED = "not stated in this installation's package metadata"


def about_text() -> str:
    """Rich text for the About box, read from the package metadata (never hard-coded here)."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "<p><b>Outmail</b></p><p>The package metadata is missing: reinstall Outmail (scripts/setup.sh).</p>"
    licence = _first(meta, "License-Expression") or _first(meta, "License") or NOT_STATED
    links = [entry.split(",", 1) for entry in meta.get_all("Project-URL") or []]
    if home := _first(meta, "Home-page"):
        links.insert(0, ["Home page", home])
    rows = "".join(
        f'<li>{html.escape(label.strip())}: <a href="{html.escape(url.strip())}">{html.escape(url.strip())}</a></li>'
        for label, url in (link for link in links if len(link) == 2)
    )
    return (
        f"<p><b>Outmail</b> {html.escape(meta['Version'])}</p>"
        f"<p>{html.escape(_first(meta, 'Summary'))}</p>"
        f"<p>Licence: {html.escape(licence)}</p>"
        + (f"<p>Project links:</p><ul>{rows}</ul>" if rows else f"<p>Project links: {NOT_STATED}.</p>")
        + f"<p>Qt {html.escape(qVersion())}, PySide6 {html.escape(pyside_version)}, "
        f"Python {html.escape(platform.python_version())}</p>"
    )


def _first(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key) or []
    return str(values[0]) if values else ""


class AboutDialog:
    @classmethod
    def show_about(cls, parent: QWidget) -> None:
        QMessageBox.about(parent, "About Outmail", about_text())

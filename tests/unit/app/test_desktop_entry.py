"""The desktop entry and icon that scripts/setup.sh app installs, so Outmail is in the application menu."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[3]


def test_the_entry_and_icons_are_installed_for_the_user(tmp_path: Path) -> None:
    data = tmp_path / "share"
    done = subprocess.run(
        [str(ROOT / "scripts" / "install-desktop-entry.sh")],
        env={**os.environ, "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(data / "applications" / "outmail.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Outmail"
    assert section["Icon"] == "outmail" and section["Terminal"] == "false"
    program = Path(section["Exec"])
    assert program == ROOT / ".venv" / "bin" / "outmail-gui" and os.access(program, os.X_OK)
    assert section["Categories"].endswith(";")
    for size in (16, 32, 48, 64, 128, 256):
        image = QImage(str(data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "outmail.png"))
        assert (image.width(), image.height()) == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "outmail.svg").read_text().startswith("<?xml")

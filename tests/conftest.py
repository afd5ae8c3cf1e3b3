"""Test-session environment: headless Qt, a private runtime dir, and no real user paths.

Set here (not by whoever runs the tests) so a plain ``pytest`` behaves like CI.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")
_runtime = Path(tempfile.mkdtemp(prefix="outmail-xdg-runtime-"))
_runtime.chmod(0o700)
os.environ["XDG_RUNTIME_DIR"] = str(_runtime)
# Offscreen, on a common 1920x1080 screen (the window fits itself to the screen it opens on;
# tests/ui/test_layout_sizes.py checks other sizes).
_screen = _runtime / "offscreen-screen.json"
_screen.write_text(
    '{"windowFrameMargins": false, "screens": [{"name": "test", "x": 0, "y": 0, '
    '"width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}]}'
)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
# Window settings and data never land in the developer's real profile.
_profile = Path(tempfile.mkdtemp(prefix="outmail-test-profile-"))
os.environ["XDG_CONFIG_HOME"] = str(_profile / "config")
os.environ["XDG_DATA_HOME"] = str(_profile / "data")
os.environ["XDG_CACHE_HOME"] = str(_profile / "cache")
os.environ["XDG_STATE_HOME"] = str(_profile / "state")  # the window's log file
os.environ.pop("OUTMAIL_DATA_DIR", None)
os.environ.pop("OUTMAIL_STORE", None)

pytest_plugins = ("tests.support.oauth_fixtures", "tests.support.discovery_fixtures", "tests.support.postgres_fixtures")

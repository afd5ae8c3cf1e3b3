"""outmail_gui.oauth and domain.oauth never import Qt (the CLI path must work without a display)."""

from __future__ import annotations

import subprocess
import sys


def test_oauth_package_imports_no_qt() -> None:
    code = (
        "import sys, outmail_gui.oauth, outmail_gui.domain.oauth, outmail_gui.oauth.manager;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'outmail_gui.ui'))];"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

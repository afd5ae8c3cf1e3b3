"""The entry point: a headless start says what to do instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

from outmail_gui.app import NO_DISPLAY_MESSAGE, display_problem


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outmail_gui", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return env


def test_no_display_gives_one_clear_line_and_no_qt_abort(tmp_path: object) -> None:
    result = _run(["--data-dir", str(tmp_path)], _headless_env())
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [NO_DISPLAY_MESSAGE]
    assert "Xvfb" in lines[0] and "--help" in lines[0]
    assert "Aborted" not in result.stderr and "qt.qpa" not in result.stderr


def test_display_problem_only_when_nothing_can_show_a_window() -> None:
    assert display_problem({}) == NO_DISPLAY_MESSAGE
    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "wayland;offscreen"}) is None
    # A platform that needs a display does not make one appear.
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}) == NO_DISPLAY_MESSAGE
    assert display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}) == NO_DISPLAY_MESSAGE
    assert display_problem({"QT_QPA_PLATFORM": "xcb:nomitshm", "DISPLAY": ":1"}) is None


def test_xcb_without_a_display_is_told_not_aborted(tmp_path: object) -> None:
    result = _run(["--data-dir", str(tmp_path)], {**_headless_env(), "QT_QPA_PLATFORM": "xcb"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [NO_DISPLAY_MESSAGE]


def test_help_goes_to_the_cli_without_qt() -> None:
    code = (
        "import sys\n"
        "from outmail_gui.app import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'PySide6' not in sys.modules, 'the CLI path imported Qt'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=_headless_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "servers" in result.stdout

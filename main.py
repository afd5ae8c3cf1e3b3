"""Thin launcher for the window: ``python main.py`` (same options as ``outmail-gui``)."""

from outmail_gui.app import main

if __name__ == "__main__":
    raise SystemExit(main())

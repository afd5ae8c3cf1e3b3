"""The command words and global options, without argparse.

:mod:`outmail_gui.app` only needs to know whether a command was named (the window starts
otherwise); importing argparse for that cost every window start ~5 ms. :mod:`outmail_gui.cli.main`
builds its parser from the same table.
"""

from __future__ import annotations

from collections.abc import Sequence

# command name -> "module:function" that adds its parser (only the command run is built)
COMMANDS: dict[str, str] = {
    "servers": "outmail_gui.cli.servers:register",
    "probe": "outmail_gui.cli.probe:register_probe",
    "test": "outmail_gui.cli.probe:register_test",
    "discover": "outmail_gui.cli.discover:register",
    "routing": "outmail_gui.cli.routing:register",
    "oauth": "outmail_gui.cli.oauth:register",
    "partitions": "outmail_gui.cli.partitions:register",
    "analysts": "outmail_gui.cli.analysts:register",
    "settings": "outmail_gui.cli.settings:register",
    "check": "outmail_gui.cli.check:register",
}
OPTIONS_WITH_VALUE = frozenset({"--data-dir", "--analyst"})


def command_name(argv: Sequence[str]) -> str | None:
    """The first word that is not a global option: a command, ``-h``/``--help``, or a typo."""
    words = iter(argv)
    for word in words:
        if word in OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-") or word in ("-h", "--help"):
            return word
    return None

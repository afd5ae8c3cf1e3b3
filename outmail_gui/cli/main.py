"""Top-level parser: global options, then one sub-command module per area.

Each module in :data:`COMMANDS` exposes ``register(subparsers)``; the parser it adds sets
``func(args) -> int`` as its default. Only the module of the command being run is imported
(all of them for help or a typo), so ``probe`` does not pay for the store's imports.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from outmail_gui.cli.common import EXIT_FAILED, ArgumentParser, CommandError

# command name -> the module that registers it
COMMANDS: dict[str, str] = {
    "servers": "outmail_gui.cli.servers",
    "probe": "outmail_gui.cli.probe",
    "test": "outmail_gui.cli.probe",
    "routing": "outmail_gui.cli.routing",
    "oauth": "outmail_gui.cli.oauth",
}
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))
_OPTIONS_WITH_VALUE = frozenset({"--data-dir", "--analyst"})


def command_name(argv: Sequence[str]) -> str | None:
    """The first word that is not a global option: a command, ``-h``/``--help``, or a typo."""
    words = iter(argv)
    for word in words:
        if word in _OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-") or word in ("-h", "--help"):
            return word
    return None


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the settings database lives (default: OUTMAIL_DATA_DIR, else the user data directory)",
    )
    parser.add_argument("--analyst", metavar="NAME", help="act as this analyst (default: the operating-system login)")


def build_parser(command: str | None = None) -> ArgumentParser:
    """The parser; with a known ``command``, only that command's module is imported."""
    parser = ArgumentParser(prog="outmail-gui", description="Outmail: outgoing email server settings and tests.")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    modules = (COMMANDS[command],) if command in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser(command_name(argv))
    args = parser.parse_args(list(argv))
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except CommandError as exc:
        sys.stderr.write(f"outmail-gui: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("outmail-gui: interrupted\n")
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (``outmail-gui servers list | head -1``): not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED

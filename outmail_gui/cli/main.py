"""Top-level parser: global options, then one sub-command module per area.

:data:`COMMANDS` names, for each command, the function that adds its parser to the
sub-parsers; that parser sets ``func(args) -> int`` as its default. Only the command being run
is imported and built (all of them for help or a typo), so ``probe`` does not pay for the
store's imports or for the other commands' parsers. ``probe`` with a plain command line is
not even given a parser: see :mod:`outmail_gui.cli.option_table`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace

from outmail_gui.cli.errors import EXIT_FAILED, CommandError
from outmail_gui.cli.words import COMMANDS, command_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    import argparse

    from outmail_gui.cli.common import ArgumentParser

__all__ = ["COMMANDS", "add_global_options", "build_parser", "command_name", "run"]


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the settings database lives (default: OUTMAIL_DATA_DIR, else the user data directory)",
    )
    parser.add_argument("--analyst", metavar="NAME", help="act as this analyst (default: the operating-system login)")


def build_parser(command: str | None = None) -> ArgumentParser:
    """The parser; with a known ``command``, only that command's parser is built."""
    from outmail_gui.cli.common import ArgumentParser

    parser = ArgumentParser(prog="outmail-gui", description="Outmail: outgoing email server settings and tests.")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    registrations = (COMMANDS[command],) if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for registration in registrations:
        module, _, function = registration.partition(":")
        getattr(importlib.import_module(module), function)(sub)
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace | SimpleNamespace:
    """The command's arguments: ``probe`` given plainly without argparse, all else with it."""
    command = command_name(argv)
    if command == "probe" and argv and argv[0] == "probe":  # no global options before it
        from outmail_gui.cli.probe import quick_probe_arguments

        values = quick_probe_arguments(argv[1:])
        if values is not None:
            return SimpleNamespace(data_dir=None, analyst=None, command=command, **values)
    return build_parser(command).parse_args(list(argv))


def run(argv: Sequence[str]) -> int:
    args = parse_arguments(argv)
    func: Callable[[argparse.Namespace | SimpleNamespace], int] | None = getattr(args, "func", None)
    if func is None:
        build_parser().print_help(sys.stderr)
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

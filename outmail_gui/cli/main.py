"""The command line, defined once with argparse: global options, then one sub-command module per area.

:data:`COMMANDS` names, for each command, the function that adds its parser to the
sub-parsers; that parser sets ``func(args) -> int`` as its default. Only the command being run
is imported and built (all of them for help or a typo), so ``probe`` does not pay for the
store's imports or for the other commands' parsers. Without a command word the window starts:
:func:`command_word` tells which, and :func:`window_options` reads the window's options,
both from the same top-level definition.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from outmail_gui.cli.common import ArgumentParser
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, CommandError

# command name -> "module:function" that adds its parser (only the command run is built)
COMMANDS: dict[str, str] = {
    "servers": "outmail_gui.cli.servers:register",
    "probe": "outmail_gui.cli.probe:register_probe",
    "test": "outmail_gui.cli.probe:register_test",
    "history": "outmail_gui.cli.history:register",
    "discover": "outmail_gui.cli.discover:register",
    "routing": "outmail_gui.cli.routing:register",
    "oauth": "outmail_gui.cli.oauth:register",
    "partitions": "outmail_gui.cli.partitions:register",
    "analysts": "outmail_gui.cli.analysts:register",
    "settings": "outmail_gui.cli.settings:register",
    "check": "outmail_gui.cli.check:register",
    "store": "outmail_gui.cli.store:register",
    "audit": "outmail_gui.cli.audit:register",
}
PROG = "outmail-gui"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before the command word, for the commands and the window alike."""
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the settings database lives (default: OUTMAIL_DATA_DIR, else the user data directory)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="the settings store: postgresql://USER@HOST/DB or a libpq conninfo (shared), sqlite:///FOLDER (local); "
        "default: OUTMAIL_STORE, else the local store under --data-dir",
    )
    parser.add_argument("--analyst", metavar="NAME", help="act as this analyst (default: the operating-system login)")


def _top_level(*, add_help: bool = True) -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG, description="Outmail: outgoing email server settings and tests.", add_help=add_help
    )
    add_global_options(parser)
    return parser


def build_parser(command: str | None = None) -> ArgumentParser:
    """The commands' parser; with a known ``command``, only that command's parser is built."""
    parser = _top_level()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    registrations = (COMMANDS[command],) if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for registration in registrations:
        module, _, function = registration.partition(":")
        getattr(importlib.import_module(module), function)(sub)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The first word after the global options: a command (or a typo the commands' parser
    reports), ``"--help"`` when help is asked for, or ``None`` when no command is named (the
    window starts).

    The words after it are left to the command's parser, and an option the top level does not
    know to the parser that runs next (the commands' or the window's), which reports it.
    """
    parser = _top_level(add_help=False)
    parser.add_argument("-h", "--help", action="store_true")  # the commands' parser prints the help
    parser.add_argument("words", nargs=argparse.REMAINDER)
    known, _unknown = parser.parse_known_args(list(argv))
    if known.help:
        return "--help"
    return known.words[0] if known.words else None


def window_options(argv: Sequence[str]) -> argparse.Namespace:
    """The window's options (``data_dir``, ``shared_store``, ``analyst``, ``exit_when_shown``); exits
    with status 2 and one line on bad usage."""
    parser = _top_level()
    parser.add_argument(
        "--exit-when-shown",
        action="store_true",
        help="start normally and exit with status 0 once the main window has been painted (benchmarks, smoke tests)",
    )
    options = parser.parse_args(list(argv))
    options.shared_store = None
    _read_store_option(parser, options)
    return options


def _read_store_option(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--store`` / ``OUTMAIL_STORE`` into ``args`` (see :mod:`cli.store_option`); an invalid one is bad usage.

    Without either, nothing more is imported.
    """
    if args.store is None and not os.environ.get("OUTMAIL_STORE", "").strip():
        return
    from outmail_gui.cli.store_option import StoreLocationError, resolve_store

    try:
        resolve_store(args)
    except StoreLocationError as exc:
        parser.error(str(exc))


def run(argv: Sequence[str]) -> int:
    """Run the command ``argv`` names; its exit status (0 ok, 1 failed, 2 bad usage, 130 interrupted)."""
    try:
        parser = build_parser(command_word(argv))
        args = parser.parse_args(list(argv))
        _read_store_option(parser, args)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            build_parser().print_help(sys.stderr)
            return 2
        if sys.stdout is None:  # started with standard output closed (>&-): every answer would be lost
            if sys.stderr is not None:
                sys.stderr.write(f"{PROG}: standard output is closed; nothing can be printed\n")
            return EXIT_FAILED
        code = func(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, while it can still be reported
        return code
    except CommandError as exc:
        sys.stderr.write(f"{PROG}: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``outmail-gui servers list | head -1``): not an error of ours.
        _discard_stdout()
        return EXIT_FAILED
    except OSError as exc:  # writing the answer failed (``> /dev/full``), or a file the command used
        where = f" ({exc.filename})" if exc.filename else ""
        what = "cannot write the output" if not exc.filename else "a file could not be used"
        sys.stderr.write(f"{PROG}: {what}: {exc.strerror or exc}{where}\n")
        _discard_stdout()
        return EXIT_FAILED


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError):  # not a real file (a test's buffer): nothing to redirect
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

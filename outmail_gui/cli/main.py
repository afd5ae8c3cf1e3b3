"""Top-level parser: global options, then one sub-command module per area.

Each module in :data:`COMMAND_MODULES` exposes ``register(subparsers)``; the parser it adds
sets ``func(args) -> int`` as its default.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from outmail_gui.cli.common import EXIT_FAILED, ArgumentParser, CommandError

COMMAND_MODULES: tuple[str, ...] = (
    "outmail_gui.cli.servers",
    "outmail_gui.cli.probe",
)
COMMAND_NAMES = frozenset({"servers", "probe", "test", "routing", "oauth"})


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the settings database lives (default: OUTMAIL_DATA_DIR, else the user data directory)",
    )
    parser.add_argument("--analyst", metavar="NAME", help="act as this analyst (default: the operating-system login)")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="outmail-gui", description="Outmail: outgoing email server settings and tests.")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
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

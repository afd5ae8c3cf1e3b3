"""The argparse pieces every command shares: one-line usage errors, help as wide as the terminal.

Only a command whose parser is built imports this module: ``outmail-gui probe`` with a plain
command line is parsed without argparse (:mod:`outmail_gui.cli.quick_args`).
"""

from __future__ import annotations

import argparse
import os
import sys

from outmail_gui.cli.errors import EXIT_USAGE, whole_number_problem
from outmail_gui.domain.shown import cap_words

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    from typing import Any, NoReturn


def help_width() -> int:
    """The width argparse gives help text: ``shutil.get_terminal_size().columns - 2``, computed
    the same way (COLUMNS, else the terminal on stdout, else 80) without importing shutil.

    argparse builds a formatter for every ``add_argument`` call, and importing shutil there
    costs about 2 ms of every command, ``probe`` included.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = (os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0) or 80
        except (AttributeError, ValueError, OSError):  # closed, detached, or not a terminal
            columns = 80
    return columns - 2


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with :func:`help_width` as the default width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, help_width() if width is None else width)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        message = cap_words(message)  # argparse repeats the value it refused, however long
        prog = self.prog
        sys.stderr.write(f"{prog}: {message} (see {prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def whole_number(text: str) -> int:
    """argparse ``type`` for whole-number options, with our messages (never Python's, never the whole value)."""
    problem = whole_number_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return int(text)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: every reading command (and every change, to show the result) offers it."""
    parser.add_argument("--json", action="store_true", help="print JSON")

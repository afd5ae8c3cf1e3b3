"""The argparse parser every command shares: usage errors in one line with exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from outmail_gui.cli.errors import EXIT_USAGE, whole_number_problem
from outmail_gui.domain.shown import cap_words


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

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

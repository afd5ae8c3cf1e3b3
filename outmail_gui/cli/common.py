"""Exit codes and error reporting shared by every command."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

EXIT_OK = 0
EXIT_FAILED = 1  # the action could not be done (conflict, not found, keyring, failed test)
EXIT_USAGE = 2  # bad usage or invalid values


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def error(self, message: str) -> NoReturn:
        prog = self.prog
        sys.stderr.write(f"{prog}: {message} (see {prog} --help)\n")
        raise SystemExit(EXIT_USAGE)

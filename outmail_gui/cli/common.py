"""Exit codes and error reporting shared by every command."""

from __future__ import annotations

import argparse
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    from typing import Any, NoReturn

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


def server_not_found(name: str) -> CommandError:
    """The one wording for a server name that matches no saved server (exit 1)."""
    return CommandError(f"there is no server named {name.strip()!r} (see: outmail-gui servers list)")


MAX_PASSWORD_BYTES = 64 * 1024  # far beyond any real password; stops a runaway pipe


def password_from_options(stdin_option: str | None, env_var: str | None) -> str | None:
    """The password a command was given, the same way for every command, or ``None``.

    ``stdin_option`` is the option's name when ``--password-stdin`` was given; ``env_var``
    the variable named by ``--password-env``. Passwords are never trimmed.
    """
    if stdin_option:
        return password_from_stdin(stdin_option)
    if env_var:
        return password_from_env(env_var)
    return None


def password_from_stdin(option: str = "--password-stdin") -> str:
    """The first line of standard input without its line ending (``\n`` or ``\r\n``).

    Only that line is read: a password cannot contain a line break, and whatever follows
    is left alone. Not UTF-8, empty, or absurdly long: a one-line :class:`UsageError`.
    """
    stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    if stream is not None:
        raw: bytes = stream.readline(MAX_PASSWORD_BYTES + 3)
        if len(raw.rstrip(b"\r\n")) > MAX_PASSWORD_BYTES:
            raise UsageError(f"{option}: the first line of standard input is too long to be a password")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(f"{option}: the password on standard input is not valid UTF-8") from None
    else:  # a text-only stream (already decoded)
        line = sys.stdin.readline() if sys.stdin is not None else ""
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    if not line:
        raise UsageError(f"{option}: no password on standard input (its first line is empty)")
    return line


def password_from_env(var: str, option: str = "--password-env") -> str:
    """The password in environment variable ``var``; unset, empty or not UTF-8: a UsageError."""
    value = os.environ.get(var)
    if value is None:
        raise UsageError(f"{option}: environment variable {var} is not set")
    if not value:
        raise UsageError(f"{option}: environment variable {var} is empty")
    try:
        value.encode("utf-8")  # undecodable bytes arrive as lone surrogates
    except UnicodeEncodeError:
        raise UsageError(f"{option}: the password in environment variable {var} is not valid UTF-8") from None
    return value


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
        prog = self.prog
        sys.stderr.write(f"{prog}: {message} (see {prog} --help)\n")
        raise SystemExit(EXIT_USAGE)

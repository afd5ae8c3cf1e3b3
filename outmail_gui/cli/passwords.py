"""Passwords given on the command line's terms: the first line of stdin, or an environment variable."""

from __future__ import annotations

import os
import sys

from outmail_gui.cli.errors import UsageError

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
    # The variable's name is never repeated: a password typed where the name goes would be echoed.
    value = os.environ.get(var)
    if value is None:
        raise UsageError(
            f"{option}: the environment variable it names is not set (give the variable's name, not the password)"
        )
    if not value:
        raise UsageError(f"{option}: the environment variable it names is empty")
    try:
        value.encode("utf-8")  # undecodable bytes arrive as lone surrogates
    except UnicodeEncodeError:
        raise UsageError(f"{option}: the password in the environment variable it names is not valid UTF-8") from None
    return value

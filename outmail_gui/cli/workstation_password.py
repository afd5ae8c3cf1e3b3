"""The password ``test NAME`` sends: given, stored on this workstation, or asked for once.

A shared store keeps no secret: each workstation's keyring holds its own password, by the
server's id. When this workstation has none, ``test`` asks for it once on a terminal
(never echoed; ``--remember`` keeps it in the keyring), and without a terminal says so in
one line instead of testing with no password. On the local store nothing changes: a
missing password is tested as none, as before.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from outmail_gui.cli.errors import EXIT_USAGE, CommandError, UsageError
from outmail_gui.cli.passwords import password_from_options
from outmail_gui.cli.store_access import secret_store, store_errors
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.secrets import NOT_ON_THIS_WORKSTATION


def add_password_options(parser: argparse.ArgumentParser) -> None:
    password = parser.add_mutually_exclusive_group()
    password.add_argument(
        "--password-stdin", action="store_true", help="test with the password on the first line of stdin"
    )
    password.add_argument("--password-env", metavar="VAR", help="test with the password in environment variable VAR")
    parser.add_argument(
        "--remember",
        action="store_true",
        help="keep the password given or typed in this workstation's keyring (by the server's id)",
    )


def password_for_test(args: argparse.Namespace, server: ServerSettings) -> str:
    """The password to test ``server`` with; CommandError when a shared store's server has none here."""
    given = password_from_options("--password-stdin" if args.password_stdin else None, args.password_env)
    secrets = secret_store()
    if given is None:
        with store_errors():
            stored = secrets.get_password(server.id)
        local = getattr(args, "shared_store", None) is None
        if stored is not None or local or not server.is_smtp:  # a MAPI test only checks that the server answers
            if args.remember:
                why = "is stored on this workstation already" if stored is not None else "was given to keep"
                raise UsageError(f"--remember: no new password for {server.name!r} {why}")
            return stored or ""
        given = _asked(server)
    if args.remember:
        with store_errors():
            secrets.set_password(server.id, given)
    return given


def _asked(server: ServerSettings) -> str:
    if sys.stdin is None or not sys.stdin.isatty():
        raise CommandError(
            f"{NOT_ON_THIS_WORKSTATION} for {server.name!r} (login {server.login_id!r}): "
            "run the test on a terminal to type it, or pass --password-stdin (add --remember to keep it here)",
            EXIT_USAGE,
        )
    try:
        typed = getpass.getpass(
            f"{NOT_ON_THIS_WORKSTATION} for {server.name!r}. Password of {server.login_id!r} (not shown): "
        )
    except EOFError:
        typed = ""
    if not typed:
        raise UsageError(f"no password was typed for {server.name!r}; nothing was tested")
    return typed

"""``outmail-gui audit [NAME] [--since DATE] [--json]``: who changed which server, when, from where.

The shared store's trail is written by the database itself, so changes made with ``psql``
are listed too; it never holds a secret (none is ever in the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from outmail_gui.cli.common import add_json_option
from outmail_gui.cli.errors import EXIT_OK
from outmail_gui.cli.output import print_json
from outmail_gui.cli.store import shared_store_of
from outmail_gui.cli.store_access import store_errors


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="the changes made to the servers of the shared store (who, when, from where, old -> new)",
        description="Lists every change of the shared store's servers, oldest first, including changes made "
        "outside Outmail (psql). Needs --store URL or OUTMAIL_STORE.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="only this server (its current or a former name)")
    parser.add_argument("--since", type=since_date, metavar="DATE", help="only changes from DATE on (ISO 8601)")
    add_json_option(parser)
    parser.set_defaults(func=cmd_audit)


def since_date(text: str) -> dt.datetime:
    """argparse ``type``: an ISO 8601 date or date-time; without a zone, this computer's."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text[:40]!r} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return value if value.tzinfo is not None else value.astimezone()


def cmd_audit(args: argparse.Namespace) -> int:
    from outmail_gui.store.postgres.repository import SharedRepository

    store = shared_store_of(args)
    with store_errors(), SharedRepository.open(store) as repo:
        entries = repo.audit(args.name, args.since)
    if args.json:
        print_json([e.as_json() for e in entries])
        return EXIT_OK
    if not entries:
        print("No changes recorded" + (f" for {args.name!r}" if args.name else "") + ".")
    for e in entries:
        where = f" ({e.where()})" if e.application else ""
        changes = ", ".join(e.change_list())
        print(f"{e.at.astimezone().isoformat(timespec='seconds')}  {e.user}{where}  {e.action} {e.server!r}: {changes}")
    return EXIT_OK

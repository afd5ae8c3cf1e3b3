"""``outmail-gui audit [NAME] [--since DATE] [--json]``: who changed which server, when, from where.

On either store (``SettingsRepository.audit``): each trail is written by the database itself,
so changes made with ``psql`` or the ``sqlite3`` shell are listed too; neither ever holds a
secret (none is ever in a database).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from outmail_gui.cli.common import add_json_option
from outmail_gui.cli.errors import EXIT_OK
from outmail_gui.cli.output import print_json
from outmail_gui.cli.store_access import damage_hint_dir, open_settings, store_errors


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="the changes made to the servers (who, when, from where, old -> new)",
        description="Lists every change of the store's servers, oldest first, including changes made "
        "outside Outmail (psql, the sqlite3 shell): the shared store of --store URL / OUTMAIL_STORE, "
        "or the local one.",
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
    with store_errors(damage_hint_dir(args)), open_settings(args) as repo:
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

"""``outmail-gui settings show``: the store-wide settings (partitioning, the MAPI Mail Server).

They are changed by ``partitions enable|disable`` and ``servers mapi-mail-server HOST``.
"""

from __future__ import annotations

import argparse
from typing import Any

from outmail_gui.cli.common import ArgumentParser, add_json_option
from outmail_gui.cli.errors import EXIT_OK
from outmail_gui.cli.output import print_json
from outmail_gui.cli.store_access import open_settings, store_errors, workstation_dir
from outmail_gui.paths import database_path


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("settings", help="show the settings that apply to every server")
    sub = parser.add_subparsers(dest="settings_command", metavar="ACTION", required=True, parser_class=ArgumentParser)
    cmd = sub.add_parser(
        "show",
        help="Email IDs partitioned or not, and the MAPI Mail Server",
        description="Change them with: partitions enable|disable, servers mapi-mail-server HOST.",
    )
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        partitioned = repo.partitioning_enabled()
        mapi = repo.mapi_mail_server()
    shared = getattr(args, "shared_store", None)
    database = shared.shown if shared is not None else str(database_path(workstation_dir(args)))
    if args.json:
        print_json({"partitioning_enabled": partitioned, "mapi_mail_server": mapi or None, "database": database})
        return EXIT_OK
    print(f"{'Email IDs are partitioned:':<28} {'yes' if partitioned else 'no'}")
    print(f"{'MAPI Mail Server:':<28} {mapi or '(not configured)'}")
    print(f"{'Settings database:':<28} {database}")
    return EXIT_OK

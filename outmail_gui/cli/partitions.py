"""``outmail-gui partitions list|add|rename|delete|enable|disable``: File › Partition Settings from a shell.

Every change goes through :class:`~outmail_gui.store.partitions.PartitionAdmin`, the window's
own partition service, so names are checked by the same domain rules and a rename carries
servers and analysts along in the same transaction.
"""

from __future__ import annotations

import argparse
from typing import Any

from outmail_gui.cli.common import ArgumentParser, add_json_option
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, CommandError
from outmail_gui.cli.output import print_json, print_table
from outmail_gui.cli.store_access import one_line, open_settings, store_errors
from outmail_gui.probe.report import plural
from outmail_gui.store.errors import NotFoundError
from outmail_gui.store.partitions import REFUSE, PartitionAdmin, PartitionInfo, PartitionInUseError, Refuse


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "partitions",
        help="list and change partitions, and whether Email IDs are partitioned",
        description="The partitions of File › Partition Settings. 'enable' and 'disable' switch "
        "'Email IDs are partitioned' (when off, the Partition field is hidden and ignored).",
    )
    sub = parser.add_subparsers(dest="partitions_command", metavar="ACTION", required=True, parser_class=ArgumentParser)

    cmd = sub.add_parser("list", help="the partitions, with the servers and analysts that use them")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_list)

    cmd = sub.add_parser("add", help="add a partition")
    cmd.add_argument("name", metavar="NAME")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_add)

    cmd = sub.add_parser("rename", help="rename a partition (its servers and analysts follow)")
    cmd.add_argument("old", metavar="OLD")
    cmd.add_argument("new", metavar="NEW")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_rename)

    cmd = sub.add_parser(
        "delete",
        help="delete a partition (refused while servers use it, unless told where they go)",
    )
    cmd.add_argument("name", metavar="NAME")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--move-servers-to", metavar="PARTITION", help="move the partition's servers there first")
    where.add_argument(
        "--move-servers-to-none", action="store_true", help="leave the partition's servers without a partition"
    )
    cmd.set_defaults(func=cmd_delete)

    cmd = sub.add_parser("enable", help="turn on 'Email IDs are partitioned'")
    cmd.set_defaults(func=cmd_switch, enabled=True)
    cmd = sub.add_parser("disable", help="turn off 'Email IDs are partitioned' (partitions are kept)")
    cmd.set_defaults(func=cmd_switch, enabled=False)


def partition_json(info: PartitionInfo) -> dict[str, Any]:
    return {"name": info.name, "servers": list(info.servers), "analysts": list(info.analysts)}


def not_found(what: str, name: str, listing: str) -> CommandError:
    """The one wording for a partition or analyst that does not exist (exit 1)."""
    return CommandError(f"there is no {what} {name.strip()!r} (see: outmail-gui {listing} list)")


def cmd_list(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        enabled = repo.partitioning_enabled()
        partitions = PartitionAdmin.of(repo).partitions()
    if args.json:
        print_json({"partitioning_enabled": enabled, "partitions": [partition_json(p) for p in partitions]})
        return EXIT_OK
    print(f"Email IDs are partitioned: {'yes' if enabled else 'no (the Partition field is hidden and ignored)'}")
    if not partitions:
        print("No partitions.")
        return EXIT_OK
    print_table(
        ("PARTITION", "SERVERS", "ANALYSTS"),
        [(p.name, ", ".join(p.servers) or "-", ", ".join(p.analysts) or "-") for p in partitions],
    )
    return EXIT_OK


def _report(args: argparse.Namespace, text: str, info: PartitionInfo) -> int:
    if args.json:
        print_json(partition_json(info))
    else:
        print(text)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        info = PartitionAdmin.of(repo).add(args.name)
    return _report(args, f"Added partition {info.name!r}.", info)


def cmd_rename(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.old)
        info = admin.rename(current.name, args.new, current.revision)
    if info.name == current.name:
        return _report(args, f"Nothing changed: the partition is already named {info.name!r}.", info)
    moved = f" ({plural(len(info.servers), 'server')} and {plural(len(info.analysts), 'analyst')} follow)"
    return _report(args, f"Renamed partition {current.name!r} to {info.name!r}{moved}.", info)


def cmd_delete(args: argparse.Namespace) -> int:
    target: str | Refuse | None = REFUSE
    if args.move_servers_to is not None:
        target = args.move_servers_to
    elif args.move_servers_to_none:
        target = None
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.name)
        try:
            moved = admin.delete(current.name, current.revision, move_servers_to=target)
        except PartitionInUseError as exc:
            raise CommandError(
                f"partition {current.name!r} is used by {_names(exc.servers)}; nothing was deleted (assign them "
                "elsewhere first, or add --move-servers-to PARTITION or --move-servers-to-none)",
                EXIT_FAILED,
            ) from None
        except NotFoundError as exc:  # the partition to move the servers to
            raise CommandError(one_line(exc.message), EXIT_FAILED) from None
    where = "no partition" if target is None else f"partition {target!r}"
    print(f"Deleted partition {current.name!r}" + (f"; {_names(moved)} moved to {where}." if moved else "."))
    return EXIT_OK


def cmd_switch(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        was = repo.partitioning_enabled()
        if was != args.enabled:
            repo.set_partitioning_enabled(args.enabled)
    state = "on" if args.enabled else "off"
    print(f"Email IDs are partitioned: {state}" + (" (unchanged)." if was == args.enabled else "."))
    return EXIT_OK


def _require(admin: PartitionAdmin, name: str) -> PartitionInfo:
    try:
        return admin.partition(name)
    except NotFoundError:
        raise not_found("partition named", name, "partitions") from None


def _names(names: tuple[str, ...]) -> str:
    return ("server " if len(names) == 1 else "servers ") + ", ".join(repr(n) for n in names)

"""``outmail-gui analysts list|add|edit|remove|grant|revoke``: the analysts of Partition Settings.

An analyst's address is what Sent From Analyst and Reply to Forwarding Analyst put into the
headers; the partitions granted limit what the Partition field offers them. Every change goes
through :class:`~outmail_gui.store.partitions.PartitionAdmin` and the domain's analyst rules,
as in the window, with the stored revision so a change made elsewhere meanwhile is not overwritten.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from outmail_gui.cli.common import ArgumentParser, add_json_option
from outmail_gui.cli.errors import EXIT_OK, UsageError
from outmail_gui.cli.output import print_json, print_table
from outmail_gui.cli.partitions import not_found
from outmail_gui.cli.store_access import one_line, open_settings, store_errors
from outmail_gui.domain.analysts import Analyst, analyst_issues
from outmail_gui.domain.partitions import find_partition
from outmail_gui.domain.rules import Severity
from outmail_gui.store.partitions import PartitionAdmin


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("analysts", help="list and change analysts and the partitions they may use")
    sub = parser.add_subparsers(dest="analysts_command", metavar="ACTION", required=True, parser_class=ArgumentParser)

    cmd = sub.add_parser("list", help="the analysts, their addresses and partitions")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_list)

    cmd = sub.add_parser("add", help="add an analyst")
    cmd.add_argument("login", metavar="LOGIN", help="the analyst's login name (unique, case-insensitive)")
    cmd.add_argument("--name", default="", help="display name, shown in From/Reply-To")
    cmd.add_argument("--email", default="", metavar="ADDR", help="the analyst's email address")
    cmd.add_argument("--partition", action="append", default=[], metavar="NAME", help="grant a partition (repeatable)")
    cmd.add_argument("--unpartitioned", action="store_true", help="grant the servers without a partition")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_add)

    cmd = sub.add_parser("edit", help="change an analyst's login, name or address")
    cmd.add_argument("target", metavar="LOGIN", help="the analyst to change (--login renames it)")
    cmd.add_argument("--login", metavar="NEW", help="a new login name")
    cmd.add_argument("--name", help="a new display name ('' to clear)")
    cmd.add_argument("--email", metavar="ADDR", help="a new email address ('' to clear)")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_edit)

    cmd = sub.add_parser("remove", help="delete an analyst")
    cmd.add_argument("login", metavar="LOGIN")
    cmd.set_defaults(func=cmd_remove)

    for action, text in (("grant", "let the analyst use partitions"), ("revoke", "take partitions away")):
        cmd = sub.add_parser(action, help=text)
        cmd.add_argument("login", metavar="LOGIN")
        cmd.add_argument("partitions", nargs="*", metavar="PARTITION")
        cmd.add_argument(
            "--unpartitioned",
            action="store_true",
            help="the servers without a partition (on a shared store the analyst's database login may "
            "change them only when granted)",
        )
        add_json_option(cmd)
        cmd.set_defaults(func=cmd_grant if action == "grant" else cmd_revoke)


def analyst_json(analyst: Analyst) -> dict[str, Any]:
    return {
        "login": analyst.login,
        "display_name": analyst.display_name,
        "email": analyst.email,
        "partitions": sorted(analyst.partitions, key=str.casefold),
        "unpartitioned": analyst.unpartitioned,
    }


def cmd_list(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        analysts = PartitionAdmin.of(repo).analysts()
    if args.json:
        print_json([analyst_json(a) for a in analysts])
        return EXIT_OK
    if not analysts:
        print("No analysts.")
        return EXIT_OK
    print_table(
        ("LOGIN", "NAME", "EMAIL", "PARTITIONS"),
        [(a.login, a.display_name or "-", a.email or "-", _partitions(a, none="-")) for a in analysts],
    )
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    analyst = Analyst(args.login, args.name, args.email, frozenset(args.partition), unpartitioned=args.unpartitioned)
    with open_settings(args) as repo, store_errors():
        saved = PartitionAdmin.of(repo).save_analyst(analyst)
    return _report(args, f"Added analyst {saved.login!r}.", saved)


def cmd_edit(args: argparse.Namespace) -> int:
    changes = {
        key: value
        for key, value in (("login", args.login), ("display_name", args.name), ("email", args.email))
        if value is not None
    }
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.target)
        if not changes:
            return _report(args, f"Nothing changed: no setting to change was given for {current.login!r}.", current)
        saved = admin.save_analyst(dataclasses.replace(current, **changes), original_login=current.login)
    return _report(args, f"Saved analyst {saved.login!r}.", saved)


def cmd_remove(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.login)
        admin.delete_analyst(current.login, current.revision)
    print(f"Removed analyst {current.login!r}.")
    return EXIT_OK


def cmd_grant(args: argparse.Namespace) -> int:
    _some_grant(args)
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.login)
        wanted = dataclasses.replace(
            current,
            partitions=current.partitions | frozenset(args.partitions),
            unpartitioned=current.unpartitioned or args.unpartitioned,
        )
        saved = current if wanted == current else admin.save_analyst(wanted, original_login=current.login)
    return _report(args, f"{saved.login!r} may use: {_partitions(saved)}.", saved)


def cmd_revoke(args: argparse.Namespace) -> int:
    _some_grant(args)
    with open_settings(args) as repo, store_errors():
        admin = PartitionAdmin.of(repo)
        current = _require(admin, args.login)
        known = repo.list_partitions()
        remaining = set(current.partitions)
        for name in args.partitions:
            if find_partition(name, known) is None:
                raise UsageError(f"there is no partition named {name.strip()!r} (see: outmail-gui partitions list)")
            granted = find_partition(name, remaining)
            if granted is not None:
                remaining.discard(granted)
        unpartitioned = current.unpartitioned and not args.unpartitioned
        if remaining == set(current.partitions) and unpartitioned == current.unpartitioned:
            return _report(args, f"Nothing changed: {current.login!r} could not use those partitions.", current)
        saved = admin.save_analyst(
            dataclasses.replace(current, partitions=frozenset(remaining), unpartitioned=unpartitioned),
            original_login=current.login,
        )
    return _report(args, f"{saved.login!r} may use: {_partitions(saved)}.", saved)


def _require(admin: PartitionAdmin, login: str) -> Analyst:
    found = admin.find_analyst(login)
    if found is None:
        raise not_found("analyst with login", login, "analysts")
    return found


def _some_grant(args: argparse.Namespace) -> None:
    if not args.partitions and not args.unpartitioned:
        raise UsageError(f"{args.analysts_command}: name at least one PARTITION, or --unpartitioned")


def _partitions(analyst: Analyst, none: str = "no partition (only servers without one)") -> str:
    names = sorted(analyst.partitions, key=str.casefold)
    if analyst.unpartitioned:
        names.append("(servers without a partition)")
    return ", ".join(names) or none


def _report(args: argparse.Namespace, text: str, analyst: Analyst) -> int:
    """The result, and any warning the rules have about it (an analyst without an address)."""
    for issue in analyst_issues(analyst, ()):
        if issue.severity is not Severity.ERROR:
            sys.stderr.write(f"outmail-gui: {issue.severity.value}: {one_line(issue.message)}\n")
    if args.json:
        print_json(analyst_json(analyst))
    else:
        print(text)
    return EXIT_OK

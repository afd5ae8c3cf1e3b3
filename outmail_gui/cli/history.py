"""``outmail-gui history NAME [--limit N] [--json]``: a server's earlier test results, newest first.

The window's History… view, from a shell. On a shared store every workstation's results are
listed, each with who ran it (the database login) and where (the workstation's host name).
"""

from __future__ import annotations

import argparse
from typing import Any

from outmail_gui.cli.common import add_json_option
from outmail_gui.cli.errors import EXIT_OK, server_not_found, whole_number_problem
from outmail_gui.cli.output import print_json, print_table
from outmail_gui.cli.store_access import open_settings, store_errors
from outmail_gui.store.history import KEEP_PER_SERVER, HistoryEntry, HistoryStore
from outmail_gui.store.results import step_label


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="a server's earlier test results, newest first (on a shared store: who ran them, where)",
        description="The results kept by test, check and the window's tests, newest first. On a shared store "
        "every workstation's results, with the database login that ran each test and the workstation it ran on.",
    )
    parser.add_argument("name", metavar="NAME", help="the saved server's name")
    parser.add_argument("--limit", type=_limit, default=20, metavar="N", help="at most N results (default: 20)")
    add_json_option(parser)
    parser.set_defaults(func=cmd_history)


def _limit(text: str) -> int:
    problem = whole_number_problem(text)
    if problem or not 1 <= int(text) <= KEEP_PER_SERVER:
        raise argparse.ArgumentTypeError(problem or f"must be 1 to {KEEP_PER_SERVER} (the results kept per server)")
    return int(text)


def cmd_history(args: argparse.Namespace) -> int:
    shared = getattr(args, "shared_store", None) is not None
    with open_settings(args) as repo, store_errors():
        server = repo.find_by_name(args.name)
        if server is None:
            raise server_not_found(args.name)
        entries = HistoryStore.of(repo).for_server(server.id, args.limit)
    if args.json:
        print_json([_entry_json(e, shared) for e in entries])
        return EXIT_OK
    if not entries:
        print(f"{server.name!r} has not been tested yet.")
        return EXIT_OK
    header = ("WHEN", "RESULT", "FAILED STEP", "DURATION", *(("BY", "WORKSTATION") if shared else ()), "SUMMARY")
    print_table(header, [_entry_row(e, shared) for e in entries])
    return EXIT_OK


def _entry_row(entry: HistoryEntry, shared: bool) -> tuple[str, ...]:
    origin = (entry.tested_by or "-", entry.workstation or "-") if shared else ()
    return (
        entry.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        entry.outcome.value,
        step_label(entry.failed_step) if entry.failed_step else "-",
        f"{entry.duration_ms / 1000:.1f} s",
        *origin,
        entry.summary,
    )


def _entry_json(entry: HistoryEntry, shared: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "started_at": entry.started_at.isoformat(),
        "outcome": entry.outcome.value,
        "failed_step": entry.failed_step,
        "duration_ms": entry.duration_ms,
        "summary": entry.summary,
        "certificate_expires": entry.certificate_expires.isoformat() if entry.certificate_expires else None,
    }
    if shared:
        data |= {"tested_by": entry.tested_by, "workstation": entry.workstation}
    return data

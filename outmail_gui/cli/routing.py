"""``routing``: which server sends for every partition, and with which From/Reply-To.

The same table as the window's Routing view, from the same rules
(:mod:`outmail_gui.domain.routing`), for scripts (``--json``) and for a terminal.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from outmail_gui.cli.errors import EXIT_OK
from outmail_gui.domain.analysts import Analyst, find_analyst
from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.routing import Route, outcome_text, route_table
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.workstation import os_login

NO_VALUE = "-"


@dataclasses.dataclass(frozen=True, slots=True)
class RoutingReport:
    """Everything the command prints: the rows plus who they were computed for."""

    login: str
    analyst: Analyst | None  # None: the login is not a known analyst
    partitioning_enabled: bool
    routes: Sequence[Route]

    @property
    def analyst_note(self) -> str:
        if self.analyst is None:
            return (
                f"Analyst {self.login!r} is not set up in Partition Settings: headers that need an "
                "analyst's address fall back to the Outgoing Email ID, where one is set."
            )
        address = self.analyst.mailbox or "no email address"
        return f"Analyst {self.analyst.login!r}: {address}"

    def to_dict(self) -> dict[str, Any]:
        analyst = None
        if self.analyst is not None:
            analyst = {
                "login": self.analyst.login,
                "display_name": self.analyst.display_name,
                "email": self.analyst.email,
                "partitions": sorted(self.analyst.partitions, key=normalized_name),
            }
        return {
            "analyst_login": self.login,
            "analyst": analyst,
            "partitioning_enabled": self.partitioning_enabled,
            "routes": [r.to_dict() for r in self.routes],
        }


def current_login(chosen: str | None) -> str:
    """The analyst to act as: ``--analyst`` if given, else the operating-system login."""
    if chosen and chosen.strip():
        return chosen.strip()
    return os_login()


def build_report(
    login: str,
    analysts: Sequence[Analyst],
    servers: Sequence[ServerSettings],
    partitions: Sequence[str],
    *,
    partitioning_enabled: bool,
    last_test_failed: Mapping[str, bool] | None = None,
    expiring: Mapping[str, str] | None = None,
) -> RoutingReport:
    analyst = find_analyst(login, analysts) if login else None
    routes = route_table(
        servers,
        partitions,
        analyst,
        partitioning_enabled=partitioning_enabled,
        last_test_failed=last_test_failed,
        expiring=expiring,
    )
    return RoutingReport(login, analyst, partitioning_enabled, routes)


def render_text(report: RoutingReport) -> str:
    """A plain table (one line per partition), each followed by its reason and problems."""
    header = ("PARTITION", "SERVER", "OUTCOME", "FROM", "REPLY-TO")
    table = [
        (
            r.label,
            r.server.name if r.server else NO_VALUE,
            outcome_text(r, partitioning_enabled=report.partitioning_enabled),
            (r.headers.from_ if r.headers else None) or NO_VALUE,
            (r.headers.reply_to if r.headers else None) or NO_VALUE,
        )
        for r in report.routes
    ]
    widths = [max(len(row[i]) for row in (header, *table)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    state = "on" if report.partitioning_enabled else "off (every server serves every email)"
    out = [report.analyst_note, f"Email ID partitioning: {state}", "", line(header)]
    for route, cells in zip(report.routes, table, strict=True):
        out.append(line(cells))
        out.append(f"    {route.reason}")
        out += [f"    {p.severity.value}: {p.message}" for p in route.all_problems]
    return "\n".join(out) + "\n"


def _load(args: argparse.Namespace) -> RoutingReport:
    from outmail_gui.cli.store_access import damage_hint_dir, open_settings, store_errors
    from outmail_gui.store.routing_inputs import read_routing_inputs

    login = current_login(getattr(args, "routing_analyst", None) or getattr(args, "analyst", None))
    repo = open_settings(args)
    with repo, store_errors(damage_hint_dir(args)):
        inputs = read_routing_inputs(repo)
    return build_report(
        login,
        inputs.analysts,
        inputs.servers,
        inputs.partitions,
        partitioning_enabled=inputs.partitioning_enabled,
        last_test_failed=inputs.last_test_failed,
        expiring=inputs.expiring,
    )


def run(args: argparse.Namespace) -> int:
    report = _load(args)
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report))
    return EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "routing",
        help="show which server sends for each partition, and with which From/Reply-To",
        description=(
            "For every partition (and for email from no partition): the server that sends it, why, "
            "and what is wrong (several active servers, no server and no default, a failed last test). "
            "From and Reply-To are shown for the analyst."
        ),
    )
    parser.add_argument(
        "--analyst",
        dest="routing_analyst",
        metavar="NAME",
        help="preview headers for this analyst (default: --analyst before the command, else the OS login)",
    )
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.set_defaults(func=run)

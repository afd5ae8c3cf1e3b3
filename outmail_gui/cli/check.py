"""``outmail-gui check``: scheduled connection tests for monitoring (text, JSON, Nagios, Prometheus).

The same tests as the window's Test all: the same requests (:meth:`ProbeRequest.from_settings`
with the batch deadline), the same bounded pool (:mod:`outmail_gui.probe.batch`), the same
password and OAuth 2.0 token steps, and the results stored in the history in one transaction,
so the window's Last test column and Routing show them. Nothing is sent: no message, no RCPT.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.common import ArgumentParser
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, CommandError, UsageError, server_not_found
from outmail_gui.cli.store_access import damage_hint_dir, open_settings, secret_store, store_errors, workstation_dir
from outmail_gui.domain.expiry import DEFAULT_CRITICAL_DAYS, DEFAULT_WARN_DAYS
from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome

if TYPE_CHECKING:
    from outmail_gui.cli.check_results import CheckRun
    from outmail_gui.oauth.manager import TokenManager

FORMATS = ("text", "json", "nagios", "prometheus")


def register(subparsers: Any) -> None:
    parser: ArgumentParser = subparsers.add_parser(
        "check",
        help="test servers for monitoring: text, JSON, Nagios plugin or Prometheus output",
        description="Runs the connection test (no message is sent) of the named servers, or of every active "
        "server, as Test all does, stores the results in the history, and checks certificate and OAuth 2.0 "
        "client-secret expiry, token refresh and routing. Exit codes: text and json 0 when all is OK, 1 "
        "otherwise; nagios 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; prometheus 0 once the metrics are written.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="servers to check (default: every active server)")
    parser.add_argument("--all-active", action="store_true", help="check every active server (besides any NAME)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--warn-days",
        type=_days,
        default=DEFAULT_WARN_DAYS,
        metavar="N",
        help=f"warn when a certificate or client secret expires within N days (default {DEFAULT_WARN_DAYS})",
    )
    parser.add_argument(
        "--critical-days",
        type=_days,
        default=DEFAULT_CRITICAL_DAYS,
        metavar="N",
        help=f"critical within N days (default {DEFAULT_CRITICAL_DAYS}); an expired one always is",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the output to FILE (replaced atomically) instead of stdout"
    )
    parser.set_defaults(func=run)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= value <= 3650:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 3650")
    return value


def run(args: argparse.Namespace) -> int:
    """Nagios reads stdout and the exit code only: a check that could not run is UNKNOWN (3) there."""
    from outmail_gui.cli.check_results import Status

    try:
        return _run(args)
    except CommandError as exc:
        if args.format != "nagios":
            raise
        from outmail_gui.cli.check_formats import nagios_unknown

        sys.stdout.write(nagios_unknown(exc.message))
        return int(Status.UNKNOWN)


def _run(args: argparse.Namespace) -> int:
    from outmail_gui.cli.check_results import CheckRun, Status, Thresholds, judge_server, routing_findings
    from outmail_gui.domain.routing import route_table
    from outmail_gui.store.oauth_settings import OAuthSettingsStore
    from outmail_gui.store.routing_inputs import read_routing_inputs

    if args.critical_days > args.warn_days:
        raise UsageError(f"--critical-days ({args.critical_days}) must not exceed --warn-days ({args.warn_days})")
    thresholds = Thresholds(args.warn_days, args.critical_days)
    with open_settings(args) as repo, store_errors(damage_hint_dir(args)):
        inputs = read_routing_inputs(repo)
        targets = _targets(repo.find_by_name, inputs.servers, args.names, args.all_active)
        oauth_of = {
            sid: s
            for sid, s in OAuthSettingsStore.of(repo).all().items()
            if s.enabled and sid in {t.id for t in targets}
        }
    if not targets:
        raise CommandError("there is no active server to check (see: outmail-gui servers list)")
    entries = run_tests(args, targets, oauth_of)
    with open_settings(args) as repo, store_errors(damage_hint_dir(args)):
        HistoryStore.of(repo).add_many(entries[t.id] for t in targets)
    failed = dict(inputs.last_test_failed)
    failed.update(
        {sid: e.outcome is Outcome.FAILED for sid, e in entries.items() if e.outcome is not Outcome.CANCELLED}
    )
    routes = route_table(
        inputs.servers, inputs.partitions, partitioning_enabled=inputs.partitioning_enabled, last_test_failed=failed
    )
    now = dt.datetime.now(dt.UTC)
    checks = [judge_server(t, entries[t.id], oauth_of.get(t.id), thresholds, now) for t in targets]
    result = CheckRun(now, thresholds, checks, routing_findings(routes))
    _emit(_render(result, args.format), args.output)
    if args.format == "nagios":
        return int(result.status)
    if args.format == "prometheus":
        return EXIT_OK  # the results are in the metrics
    return EXIT_OK if result.status is Status.OK else EXIT_FAILED


def _targets(
    find: Callable[[str], ServerSettings | None],
    servers: Sequence[ServerSettings],
    names: Sequence[str],
    all_active: bool,
) -> list[ServerSettings]:
    """The named servers (in that order, once each), then every active one if asked or none was named."""
    chosen: dict[str, ServerSettings] = {}
    for name in names:
        found = find(name)
        if found is None:
            raise server_not_found(name)
        chosen.setdefault(found.id, found)
    if all_active or not names:
        for server in servers:
            if server.active:
                chosen.setdefault(server.id, server)
    return list(chosen.values())


def run_tests(
    args: argparse.Namespace, targets: Sequence[ServerSettings], oauth_of: Mapping[str, OAuthSettings]
) -> dict[str, HistoryEntry]:
    """Every target's history entry: passwords from the keyring and OAuth 2.0 tokens (refreshed when
    needed) are fetched here one at a time while the pool already tests the others, as in Test all."""
    import dataclasses

    from outmail_gui.oauth.errors import OAuthError
    from outmail_gui.probe.batch import ProbePool, batch_timeout
    from outmail_gui.probe.report import ProbeReport
    from outmail_gui.probe.request import ProbeRequest
    from outmail_gui.store.results import entry_for, not_started, step_label
    from outmail_gui.store.secrets import SecretStoreError

    entries: dict[str, HistoryEntry] = {}
    lock = threading.Lock()

    def finished(server_id: str, report: ProbeReport | None, started_at: dt.datetime) -> None:
        entry = entry_for(server_id, report, started_at) if report is not None else None
        with lock:
            entries[server_id] = entry or HistoryEntry(server_id, started_at, Outcome.CANCELLED, "Not tested.", 0)

    pool = ProbePool(finished)
    secrets = secret_store()
    shared = getattr(args, "shared_store", None) is not None
    manager: TokenManager | None = None
    try:
        # Token requests last: they talk to the identity provider, and must not hold up the others.
        for server in sorted(targets, key=lambda s: s.id in oauth_of):
            request = ProbeRequest.from_settings(server, "", timeout_s=batch_timeout(server.connection_timeout_s))
            oauth = oauth_of.get(server.id)
            try:
                if oauth is not None:
                    from outmail_gui.oauth.manager import TokenManager
                    from outmail_gui.oauth.probe_support import prepared_request

                    manager = manager or TokenManager.for_data_dir(workstation_dir(args), secrets)
                    request, _detail = prepared_request(request, server.id, oauth, manager)
                elif server.login_id.strip() and request.wants_auth:
                    password = secrets.get_password(server.id)
                    if password is None and shared and server.is_smtp:  # the shared database holds none
                        entries[server.id] = not_started(server.id, "keyring", _no_password_here(server))
                        continue
                    request = dataclasses.replace(request, password=password or "")
            except SecretStoreError as exc:
                entries[server.id] = not_started(
                    server.id, "keyring", f"The stored password could not be read: {exc.message}"
                )
                continue
            except OAuthError as exc:
                entries[server.id] = not_started(server.id, "oauth", f"{step_label('oauth')}: {exc.message}")
                continue
            pool.submit(server.id, request)
        pool.wait()
    except BaseException:
        pool.cancel()  # Ctrl+C: running tests stop within a quarter second
        raise
    finally:
        pool.shutdown()
    return entries


def _no_password_here(server: ServerSettings) -> str:
    from outmail_gui.store.secrets import NOT_ON_THIS_WORKSTATION

    return (
        f"{NOT_ON_THIS_WORKSTATION}: store it with outmail-gui servers edit {server.name!r} --password-stdin "
        "(or test it once on a terminal with outmail-gui test NAME --remember)."
    )


def _render(result: CheckRun, form: str) -> str:
    from outmail_gui.cli import check_formats

    if form == "json":
        return check_formats.render_json(result)
    if form == "nagios":
        return check_formats.render_nagios(result)
    if form == "prometheus":
        from outmail_gui.cli.check_prometheus import render_prometheus

        return render_prometheus(result).decode("utf-8")
    return check_formats.render_text(result)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(Path(output).expanduser(), text)


def write_atomically(target: Path, text: str) -> None:
    """Write beside ``target`` under a name of this process's own, then rename: a reader (node_exporter)
    sees the old file or the new one, never half of one, even with two runs at once."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from None

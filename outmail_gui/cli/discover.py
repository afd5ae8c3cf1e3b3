"""``outmail-gui discover ADDRESS_OR_HOST``: find the server, port, security and sign-in methods.

Exit 0 when a candidate can be recommended (and the sign-in check, if asked for, passed), 1 when
none can, 2 on bad usage. The engine is imported inside the command, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.common import add_json_option
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, UsageError
from outmail_gui.cli.passwords import password_from_env, password_from_options

if TYPE_CHECKING:
    from outmail_gui.discovery import DiscoveryReport, DiscoveryRequest

DESCRIPTION = (
    "Find the working SMTP settings for an email address (the Outgoing Email ID) or a host: DNS SRV "
    "records, the domain's autoconfig file (verified HTTPS only), known providers by MX, and guesses; "
    "every candidate is tested at once (465 implicit TLS, 587 and 25 STARTTLS, and any port a source "
    "names) and ranked. Only the domain's own DNS and hosts are contacted. Exit 0 when a candidate is "
    "recommended, 1 when none is, 2 on bad usage."
)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 600 seconds")
    return value


def add_discovery_options(parser: argparse.ArgumentParser, timeout_option: str = "--timeout") -> None:
    """The options discovery itself takes (``discover``, and ``servers add --discover`` where
    ``--timeout`` is the Connection Timeout, so discovery's deadline is ``--discover-timeout``)."""
    parser.add_argument(
        timeout_option,
        dest="discover_timeout",
        type=_seconds,
        default=20.0,
        metavar="SECONDS",
        help="one deadline for the whole discovery (default 20)",
    )
    parser.add_argument(
        "--dns-server", metavar="IP[:PORT]", default="", help="ask this DNS server instead of the system's resolver"
    )
    parser.add_argument("--ca-file", metavar="PEM", help="verify certificates against this CA file only")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("discover", help="find a server's working settings", description=DESCRIPTION)
    parser.add_argument("target", metavar="ADDRESS_OR_HOST", help="an email address or a host name")
    add_discovery_options(parser)
    parser.add_argument("--login-id", default="", metavar="USER", help="with a password: try signing in once")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    secret.add_argument("--password-env", metavar="VAR", help="read the password from environment variable VAR")
    parser.add_argument("--oauth-token-env", metavar="VAR", help="read an OAuth 2.0 bearer token (XOAUTH2) from VAR")
    add_json_option(parser)
    parser.set_defaults(func=run_discover_command)


def discovery_request(args: argparse.Namespace, target: str) -> DiscoveryRequest:
    """The request the options describe; bad values are a UsageError (exit 2) before anything is sent."""
    from outmail_gui.discovery import DiscoveryRequest, TargetError, parse_target
    from outmail_gui.discovery.lookup import parse_dns_server

    try:
        parse_target(target)
    except TargetError as exc:
        raise UsageError(f"{target.strip()!r}: {exc}") from None
    if args.dns_server:
        try:
            parse_dns_server(args.dns_server)
        except ValueError as exc:
            raise UsageError(f"--dns-server: {exc}") from None
    login_id = getattr(args, "discover_login_id", None) or ""
    password = getattr(args, "discover_password", "") or ""
    token = ""
    if getattr(args, "oauth_token_env", None):
        token = password_from_env(args.oauth_token_env, "--oauth-token-env")
    if (password or token) and not login_id:
        raise UsageError("a password or OAuth token for the sign-in check needs --login-id")
    return DiscoveryRequest(
        target=target,
        timeout_s=args.discover_timeout,
        dns_server=args.dns_server,
        ca_file=args.ca_file,
        login_id=login_id,
        password=password,
        oauth_token=token,
    )


def run_discover_command(args: argparse.Namespace) -> int:
    from outmail_gui.discovery import discover

    password = password_from_options("--password-stdin" if args.password_stdin else None, args.password_env)
    args.discover_login_id = args.login_id
    args.discover_password = password or ""
    report = discover(discovery_request(args, args.target))
    if args.json:
        import json

        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(text_report(report))
    if report.recommended is None or (report.sign_in is not None and not report.sign_in.ok):
        return EXIT_FAILED
    return EXIT_OK


def text_report(report: DiscoveryReport) -> str:
    from outmail_gui.discovery.model import Source

    lines = [f"Discovering settings for {report.target}" + (f" (domain {report.domain})" if report.domain else "")]
    for step in report.sources:
        mark = "found" if step.ok else "-"
        lines.append(f"  {Source(step.name).label:<20} {mark:<6} {step.elapsed_ms:7.0f} ms  {step.detail}")
    lines.append("Candidates, best first:")
    if not report.candidates:
        lines.append("  none: no source named a server and no guess has an address")
    for c in report.candidates:
        tls = c.tls
        if tls is None:
            shown_tls = "no TLS" if c.security.value == "none" else "TLS not reached"
        else:
            shown_tls = f"{tls.version or 'no handshake'}, certificate {'verified' if tls.verified else 'NOT verified'}"
        mark = "*" if c.recommended else " "
        auth = ("AUTH " + " ".join(c.auth)) if c.auth else "no AUTH after TLS"
        reach = "" if c.reachable else "unreachable; "
        lines.append(f"{mark} {c.server}:{c.port} {c.security_label} [{c.source.label}] {reach}{shown_tls}; {auth}")
        lines += [f"      {problem}" for problem in c.problems]
    best = report.recommended
    if best is not None:
        ssl_word = "on" if best.security.value != "none" else "off"
        lines.append(
            f"Recommended: Server {best.server}, Port Number {best.port}, Use SSL {ssl_word} ({best.security_label})"
        )
    elif report.cancelled:
        lines.append("Cancelled.")
    else:
        lines.append("No candidate can be recommended: none was reached with a verified certificate (see above).")
    if report.sign_in is not None:
        verdict = "signed in" if report.sign_in.ok else "sign-in failed"
        mechanism = f" with {report.sign_in.mechanism}" if report.sign_in.mechanism else ""
        lines.append(f"Sign-in check: {verdict}{mechanism}: {report.sign_in.detail}")
    lines.append(f"Done in {report.elapsed_ms / 1000:.1f} s.")
    return "\n".join(lines) + "\n"


def discovered_changes(args: argparse.Namespace, changes: dict[str, Any]) -> dict[str, Any]:
    """``servers add --discover``: the connection fields not given on the command line, from the
    recommendation for --server (else --outgoing-email-id). No recommendation: nothing is added (exit 1)."""
    from outmail_gui.cli.errors import CommandError
    from outmail_gui.discovery import discover
    from outmail_gui.discovery.settings_change import connection_settings

    target = changes.get("server") or changes.get("outgoing_email_id") or ""
    if not str(target).strip():
        raise UsageError("--discover needs --server or --outgoing-email-id to start from")
    report = discover(discovery_request(args, str(target)))
    best = report.recommended
    if best is None:
        reasons = "; ".join(f"{c.server}:{c.port}: {c.problems[0]}" for c in report.candidates[:3] if c.problems)
        raise CommandError(
            f"discovery found no server to recommend for {str(target).strip()!r}; nothing was added"
            + (f" ({reasons})" if reasons else "")
        )
    found = connection_settings(best)
    if "auth_auto" in changes or "auth_methods" in changes:  # --auth given: keep both halves as given
        found.pop("auth_auto")
        found.pop("auth_methods")
    return {**{k: v for k, v in found.items() if k not in changes}, **changes}

"""``probe`` (an ad-hoc server) and ``test NAME`` (a saved one): the connection test from the shell.

Exit 0 when every step passed, 1 when the test failed, 2 on bad usage or invalid values.
The engine and the store are imported inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, UsageError, server_not_found, whole_number_problem
from outmail_gui.cli.passwords import password_from_env, password_from_options

if TYPE_CHECKING:
    from outmail_gui.domain.methods import AuthMethod
    from outmail_gui.probe.report import ProbeReport

SECURITY_CHOICES = ("auto", "none", "starttls", "implicit")


def _int_arg(text: str) -> int:
    problem = whole_number_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return int(text)


def _float_arg(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        from outmail_gui.domain.shown import quoted

        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a number") from None


PROBE_DESCRIPTION = (
    "Test an SMTP server from this workstation: resolve, connect, TLS, EHLO, AUTH, and optionally "
    "a test message. Exit 0 when every step passed, 1 when the test failed, 2 on bad usage."
)


def register_probe(subparsers: Any) -> None:
    probe = subparsers.add_parser(
        "probe", help="test an ad-hoc SMTP server step by step", description=PROBE_DESCRIPTION
    )
    probe.add_argument("--server", required=True, metavar="HOST", help="host name, IDN, IPv4 or IPv6 address")
    probe.add_argument(
        "--port", type=_int_arg, metavar="N", help="port (default: 465 with --security implicit, else 25)"
    )
    probe.add_argument("--security", choices=SECURITY_CHOICES, default="auto", help="TLS mode (default: auto)")
    probe.add_argument("--login-id", default="", metavar="USER")
    password = probe.add_mutually_exclusive_group()
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    password.add_argument("--password-env", metavar="VAR", help="read the password from environment variable VAR")
    _add_oauth_token_env(probe)
    probe.add_argument(
        "--auth", default="auto", metavar="auto|none|MECH,...", help="mechanisms: auto (default), none, or a list"
    )
    probe.add_argument("--timeout", type=_float_arg, metavar="SECONDS", help="overall deadline (120)")
    probe.add_argument("--from", dest="from_address", default="", metavar="ADDR", help="sender of the test message")
    probe.add_argument("--chunking", action="store_true", help="send with BDAT when the server offers CHUNKING")
    probe.add_argument("--pin-sha256", default="", metavar="FINGERPRINT", help="accept this certificate if untrusted")
    _add_test_options(probe)
    probe.set_defaults(func=run_probe_command)


def register_test(subparsers: Any) -> None:
    test = subparsers.add_parser(
        "test",
        help="test a saved server with its stored settings and password",
        description="Test a saved server exactly as configured, with the password from this workstation's keyring "
        "(on a shared store without one here, it is asked for once). The result is kept in the test history.",
    )
    test.add_argument("name", metavar="NAME", help="the saved server's name")
    test.add_argument("--timeout", type=_float_arg, metavar="SECONDS", help="default: Connection Timeout")
    from outmail_gui.cli.workstation_password import add_password_options

    add_password_options(test)
    _add_oauth_token_env(test)
    test.add_argument("--analyst-email", default="", metavar="ADDR", help="the analyst's address (Sent From Analyst)")
    _add_test_options(test)
    test.set_defaults(func=run_test_command)


def _add_oauth_token_env(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--oauth-token-env", metavar="VAR", help="read an OAuth 2.0 bearer token (XOAUTH2) from VAR")


def _add_test_options(parser: argparse.ArgumentParser) -> None:
    """The options ``probe`` and ``test`` share, in the order --help lists them."""
    parser.add_argument("--to", default="", metavar="ADDR", help="send a test message to ADDR")
    parser.add_argument("--dry-run", action="store_true", help="with --to: MAIL FROM and RCPT TO only, then RSET")
    parser.add_argument("--pager", action="store_true", help="with --to: send the pager test message")
    parser.add_argument("--ca-file", metavar="PEM", help="verify the certificate against this CA file only")
    parser.add_argument(
        "--allow-insecure-auth",
        action="store_true",
        help="allow sending credentials without TLS (not recommended)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--transcript", action="store_true", help="include the (redacted) SMTP transcript")


# -- validation -------------------------------------------------------------------------


def _check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise UsageError(f"port {port} is out of range (1-65535)")
    return port


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    from outmail_gui.domain.rules import MAX_TIMEOUT_S  # the rules load the whole settings model

    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT_S} seconds")
    return timeout


def _check_address(option: str, value: str) -> str:
    if not value:
        return ""
    from outmail_gui.domain.addresses import address_problem, has_control_characters

    if has_control_characters(value):
        raise UsageError(f"{option}: the address contains a line break or another control character")
    problem = address_problem(value)
    if problem:
        raise UsageError(f"{option}: {problem}")
    return value.strip()


def _check_host(host: str) -> str:
    from outmail_gui.domain.addresses import host_problem

    problem = host_problem(host)
    if problem:
        raise UsageError(f"--server: {problem}")
    return host.strip()


def _check_ca_file(path: str | None) -> str | None:
    if path is not None and not os.path.isfile(path):
        raise UsageError(f"--ca-file: {path!r} is not a readable file")
    return path


def parse_auth(text: str) -> tuple[bool, tuple[AuthMethod, ...]]:
    """``auto`` -> (True, ()); ``none`` -> (False, ()); ``PLAIN,LOGIN`` -> (False, methods)."""
    from outmail_gui.domain.methods import AuthMethod

    key = text.strip().lower()
    if key == "auto":
        return True, ()
    if key == "none":
        return False, ()
    methods: list[AuthMethod] = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            method = AuthMethod.parse(part)
        except ValueError as exc:
            raise UsageError(f"--auth: {exc}") from None
        if method not in methods:
            methods.append(method)
    if not methods:
        raise UsageError("--auth: name at least one mechanism, or auto, or none")
    return False, tuple(methods)


def _env_secret(option: str, var: str | None) -> str:
    """The secret in the variable ``var`` names (never echoing ``var``: a token pasted there would show)."""
    return password_from_env(var, option) if var else ""


# -- commands ---------------------------------------------------------------------------


def run_probe_command(args: argparse.Namespace) -> int:
    from outmail_gui.probe.request import ProbeRequest, Security

    host = _check_host(args.server)
    security = Security(args.security)
    port = _check_port(args.port if args.port is not None else (465 if security is Security.IMPLICIT else 25))
    timeout = _check_timeout(args.timeout)
    from_address = _check_address("--from", args.from_address)
    to_address = _check_address("--to", args.to)
    if to_address and not from_address:
        raise UsageError("--to needs --from (the sender of the test message)")
    if args.dry_run and not to_address:
        raise UsageError("--dry-run needs --to")
    if args.pager and not to_address:
        raise UsageError("--pager needs --to")
    from outmail_gui.domain.addresses import has_control_characters

    if has_control_characters(args.login_id):
        raise UsageError("--login-id contains a line break or another control character")
    auth_auto, methods = parse_auth(args.auth)
    password = password_from_options("--password-stdin" if args.password_stdin else None, args.password_env) or ""
    request = ProbeRequest(
        host=host,
        port=port,
        security=security,
        ca_file=_check_ca_file(args.ca_file),
        login_id=args.login_id,
        password=password,
        oauth_token=_env_secret("--oauth-token-env", args.oauth_token_env),
        auth_auto=auth_auto,
        auth_methods=methods,
        timeout_s=timeout if timeout is not None else 120.0,
        from_address=from_address,
        to_address=to_address,
        dry_run=args.dry_run,
        chunking=args.chunking,
        allow_insecure_auth=args.allow_insecure_auth,
        pinned_sha256=args.pin_sha256,
        pager=args.pager,
    )
    return _run_and_print(request, args)


def run_test_command(args: argparse.Namespace) -> int:
    to_address = _check_address("--to", args.to)
    analyst_email = _check_address("--analyst-email", args.analyst_email)
    timeout = _check_timeout(args.timeout)
    if (args.dry_run or args.pager) and not to_address:
        raise UsageError("--dry-run and --pager need --to")
    ca_file = _check_ca_file(args.ca_file)
    from outmail_gui.cli.store_access import open_settings, store_errors

    repo = open_settings(args)
    try:
        with store_errors():
            settings = repo.find_by_name(args.name)
    finally:
        repo.close()
    if settings is None:
        raise server_not_found(args.name)
    if to_address and not analyst_email:
        _require_analyst_email(settings)
    from outmail_gui.cli.oauth import oauth_for_test

    # OAuth 2.0 servers: the saved token, refreshed when needed (or the one in --oauth-token-env).
    oauth, oauth_token = oauth_for_test(args, settings, _env_secret("--oauth-token-env", args.oauth_token_env))
    password = ""
    if oauth is None and settings.login_id and not settings.uses_no_authentication:
        from outmail_gui.cli.workstation_password import password_for_test

        password = password_for_test(args, settings)
    from outmail_gui.probe.request import ProbeRequest

    request = ProbeRequest.from_settings(
        settings,
        password,
        to_address=to_address,
        oauth_token=oauth_token,
        analyst_email=analyst_email,
        timeout_s=timeout,
        ca_file=ca_file,
        dry_run=args.dry_run,
        pager=args.pager,
        allow_insecure_auth=args.allow_insecure_auth,
    )
    if oauth is not None:
        from outmail_gui.oauth.probe_support import with_oauth

        request = with_oauth(request, oauth, oauth_token)
    return _run_and_print(request, args, oauth, history_of=settings.id)


def _keep_result(args: argparse.Namespace, server_id: str, report: ProbeReport, started_at: Any) -> None:
    """The result in the test history (on a shared store, with who ran it where); a failure to keep it is
    a warning: the test itself was run and is reported."""
    from outmail_gui.cli.errors import CommandError
    from outmail_gui.cli.store_access import one_line, open_settings, store_errors
    from outmail_gui.store.history import HistoryStore
    from outmail_gui.store.results import entry_for

    try:
        with open_settings(args) as repo, store_errors():
            HistoryStore.of(repo).add(entry_for(server_id, report, started_at))
    except CommandError as exc:
        sys.stderr.write(
            f"outmail-gui: warning: the result was not kept in the test history: {one_line(exc.message)}\n"
        )


def _require_analyst_email(settings: Any) -> None:
    """Stop before connecting when the test message would lack an address only the analyst gives."""
    from outmail_gui.domain.routing import analyst_options_without_fallback

    needing = analyst_options_without_fallback(settings)
    if needing:
        raise UsageError(
            f"{settings.name!r} has {' and '.join(needing)} on and no Outgoing Email ID, so the test message "
            "needs the analyst's address: pass --analyst-email ADDR"
        )


def _run_and_print(request: Any, args: argparse.Namespace, oauth: Any = None, history_of: str | None = None) -> int:
    """Run the test and print its report; with ``history_of`` (a saved server's id), keep its result too."""
    import datetime as dt

    from outmail_gui.probe.runner import run_probe

    started_at = dt.datetime.now(dt.UTC)
    report: ProbeReport = run_probe(request)
    if oauth is not None:
        from outmail_gui.oauth.probe_support import explain_oauth_result

        explain_oauth_result(report, oauth)
    if history_of is not None:
        _keep_result(args, history_of, report, started_at)
    if args.json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        from outmail_gui.probe.render import text_report

        sys.stdout.write(text_report(report, transcript=args.transcript) + "\n")
    sys.stdout.flush()
    return EXIT_OK if report.ok else EXIT_FAILED

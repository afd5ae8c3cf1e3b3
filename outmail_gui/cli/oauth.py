"""``oauth authorize|status|forget NAME``: OAuth 2.0 tokens of a saved SMTP server from the shell.

``authorize`` signs in with the device code on the terminal (delegated grants) or requests
an app-only token with the client secret from the keyring. Nothing here prints a token or
a secret. Exit 0 on success, 1 when it failed, 2 on bad usage or invalid settings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, server_not_found

if TYPE_CHECKING:
    from outmail_gui.domain.oauth import OAuthSettings
    from outmail_gui.domain.settings import ServerSettings
    from outmail_gui.oauth import DeviceCodePrompt, TokenManager


def register(subparsers: Any) -> None:
    oauth = subparsers.add_parser(
        "oauth",
        help="OAuth 2.0 settings and tokens (Exchange Online XOAUTH2) of a saved server",
        description="Configure or show the OAuth 2.0 settings of a saved SMTP server; authorize, inspect or "
        "forget its token. The identity "
        "provider's certificate is checked against the system's CAs (or REQUESTS_CA_BUNDLE).",
    )
    sub = oauth.add_subparsers(dest="oauth_command", metavar="ACTION", required=True)
    authorize = sub.add_parser(
        "authorize",
        help="get a token: device code on this terminal, or app-only with the stored client secret",
        description="Delegated grants sign in with a device code shown here (Ctrl+C cancels); the client "
        "credentials grant uses the client secret from the keyring.",
    )
    authorize.add_argument("name", metavar="NAME", help="the saved server's name")
    authorize.add_argument(
        "--client-secret-stdin",
        action="store_true",
        help="read the client secret from stdin and keep it in the keyring",
    )
    authorize.set_defaults(func=run_authorize)
    status = sub.add_parser("status", help="who the token is for, when it expires, when it was last refreshed")
    status.add_argument("name", metavar="NAME", help="the saved server's name")
    status.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    status.set_defaults(func=run_status)
    forget = sub.add_parser("forget", help="delete the server's tokens (the client secret stays)")
    forget.add_argument("name", metavar="NAME", help="the saved server's name")
    forget.set_defaults(func=run_forget)
    from outmail_gui.cli.oauth_settings import register as register_settings

    register_settings(sub)


def _load(args: argparse.Namespace) -> tuple[ServerSettings, OAuthSettings, TokenManager]:
    from outmail_gui.cli.store_access import open_settings, secret_store, store_errors, workstation_dir
    from outmail_gui.oauth import TokenManager
    from outmail_gui.store.oauth_settings import OAuthSettingsStore

    repo = open_settings(args)
    try:
        with store_errors():
            server = repo.find_by_name(args.name)
            if server is None:
                raise server_not_found(args.name)
            oauth = OAuthSettingsStore.of(repo).get(server.id)
    finally:
        repo.close()
    if not server.is_smtp or not oauth.enabled:
        raise CommandError(
            f"{server.name!r} does not use OAuth 2.0: set it up with outmail-gui oauth configure {server.name!r} "
            "(or Manage Token in the window)",
            EXIT_USAGE,
        )
    return server, oauth, TokenManager.for_data_dir(workstation_dir(args), secret_store())


@contextlib.contextmanager
def _oauth_errors() -> Iterator[None]:
    """Token and keyring failures as one line on stderr, exit 1."""
    from outmail_gui.oauth import OAuthError

    try:
        yield
    except OAuthError as exc:
        raise CommandError(exc.message, EXIT_FAILED) from None


def run_authorize(args: argparse.Namespace) -> int:
    from outmail_gui.domain.oauth import GrantType, validate_oauth
    from outmail_gui.domain.rules import errors

    server, oauth, manager = _load(args)
    blocking = errors(validate_oauth(oauth))
    if blocking:
        raise CommandError("; ".join(i.message.rstrip(".") for i in blocking), EXIT_USAGE)
    with _oauth_errors():
        if args.client_secret_stdin:
            secret = sys.stdin.readline().rstrip("\r\n")
            if not secret:
                raise CommandError("no client secret on stdin", EXIT_USAGE)
            manager.set_client_secret(server.id, secret)
        if oauth.grant_type is GrantType.AUTHORIZATION_CODE:
            sys.stderr.write("This terminal signs in with a device code instead of a browser.\n")
            oauth = oauth.with_changes(grant_type=GrantType.DEVICE_CODE)
        token = manager.authorize(server.id, oauth, on_device_code=_print_device_code)
    who = token.account or f"the application (sending as {oauth.mailbox})"
    sys.stdout.write(f"Authorized {server.name}: token for {who}, expires {_when(token.expires_at)}.\n")
    return EXIT_OK


def _print_device_code(prompt: DeviceCodePrompt) -> None:
    sys.stderr.write(
        f"To sign in, open {prompt.verification_uri} on any device and enter the code {prompt.user_code} "
        f"(valid until {_when(prompt.expires_at)}). Waiting... (Ctrl+C cancels)\n"
    )
    sys.stderr.flush()


def run_status(args: argparse.Namespace) -> int:
    from outmail_gui.domain.oauth import secret_expiry, secret_expiry_message

    server, oauth, manager = _load(args)
    with _oauth_errors():
        status = manager.status(server.id, oauth)
        stored = manager.client_secret(server.id) is not None if oauth.grant_type.needs_client_secret else None
    state, days = secret_expiry(oauth)
    if args.json:
        document = {
            "server": server.name,
            "oauth": oauth.to_dict(),
            "token": status.to_dict(),
            "client_secret_stored": stored,
            "client_secret_expiry": {"state": state.value, "days_left": days},
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return EXIT_OK
    lines = [
        f"{server.name}: OAuth 2.0, {oauth.grant_type.label}",
        f"  tenant: {oauth.tenant}   client ID: {oauth.client_id}   mailbox: {oauth.mailbox}",
    ]
    if status.authorized:
        who = status.account or f"the application (sending as {oauth.mailbox})"
        lines.append(
            f"  token: for {who}; expires {_when(status.expires_at)}; last refreshed {_when(status.refreshed_at)}"
            + ("; refreshable" if status.can_refresh else "")
        )
    else:
        lines.append(status.problem or f"  no token: run outmail-gui oauth authorize {server.name!r}")
    if stored is not None:
        lines.append(f"  client secret: {'stored in the keyring' if stored else 'not stored'}")
    warning = secret_expiry_message(oauth)
    if warning:
        lines.append(f"  warning: {warning}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def run_forget(args: argparse.Namespace) -> int:
    server, _oauth, manager = _load(args)
    with _oauth_errors():
        manager.forget(server.id)
    sys.stdout.write(f"Forgot the OAuth 2.0 tokens of {server.name}.\n")
    return EXIT_OK


def _when(moment: Any) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z") if moment else "-"


def oauth_for_test(
    args: argparse.Namespace, server: ServerSettings, explicit_token: str
) -> tuple[OAuthSettings | None, str]:
    """For ``test NAME``: the server's OAuth settings (None when it uses a password) and the
    token to send - ``explicit_token`` if given, else the cached one, refreshed when needed."""
    from outmail_gui.cli.store_access import open_settings, secret_store, store_errors, workstation_dir
    from outmail_gui.oauth import TokenManager
    from outmail_gui.store.oauth_settings import OAuthSettingsStore

    if not server.is_smtp:
        return None, explicit_token
    repo = open_settings(args)
    try:
        with store_errors():
            oauth = OAuthSettingsStore.of(repo).get(server.id)
    finally:
        repo.close()
    if not oauth.enabled:
        return None, explicit_token
    if explicit_token:
        return oauth, explicit_token
    manager = TokenManager.for_data_dir(workstation_dir(args), secret_store())
    with _oauth_errors():
        return oauth, manager.token_for_test(server.id, oauth).token

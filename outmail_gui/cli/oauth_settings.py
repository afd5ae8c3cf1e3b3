"""``oauth configure NAME ...`` and ``oauth show NAME``: the window's Manage Token settings from a shell.

The settings go to the same store as the window's (:class:`OAuthSettingsStore`), checked by
the same rules (:func:`validate_oauth`); the client secret goes to the keyring only, read
from stdin so it never appears in a process listing or shell history, and is never printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from outmail_gui.cli.common import add_json_option
from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, CommandError, UsageError, server_not_found
from outmail_gui.cli.output import print_json
from outmail_gui.cli.store_access import one_line, open_settings, secret_store, store_errors, workstation_dir

if TYPE_CHECKING:
    from collections.abc import Callable

    from outmail_gui.domain.oauth import GrantType, OAuthSettings
    from outmail_gui.oauth import TokenManager
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.secret_writes import SecretWrites

# Command-line spelling -> stored grant (the window's three choices).
GRANTS = {"client-credentials": "client_credentials", "device-code": "device_code", "auth-code": "authorization_code"}


def register(sub: Any) -> None:
    """Adds ``configure`` and ``show`` to the ``oauth`` command's actions."""
    cmd = sub.add_parser(
        "configure",
        help="set a server's OAuth 2.0 settings (tenant, client ID, grant, mailbox, client secret)",
        description="Ticks 'Use OAuth 2.0 Authentication' and sets what Manage Token sets. Options not "
        "given keep their saved values. The client secret is read from stdin into the keyring.",
    )
    cmd.add_argument("name", metavar="NAME", help="the saved SMTP server's name")
    cmd.add_argument("--tenant", help="directory (tenant) ID, a domain such as contoso.onmicrosoft.com, or a URL")
    cmd.add_argument("--client-id", metavar="ID", help="the application (client) ID")
    cmd.add_argument("--grant", choices=tuple(GRANTS), help="how the token is obtained")
    cmd.add_argument("--mailbox", metavar="ADDR", help="the mailbox the token sends as")
    cmd.add_argument(
        "--client-secret-stdin", action="store_true", help="read the client secret (client credentials) from stdin"
    )
    cmd.add_argument("--secret-expires", metavar="DATE", help="the client secret's expiry date, YYYY-MM-DD ('' clears)")
    cmd.add_argument("--disable", action="store_true", help="untick 'Use OAuth 2.0 Authentication' (settings kept)")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_configure)

    cmd = sub.add_parser("show", help="a server's OAuth 2.0 settings and client-secret expiry (never a secret)")
    cmd.add_argument("name", metavar="NAME", help="the saved server's name")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_show)


def _expiry(text: str | None, current: dt.date | None) -> dt.date | None:
    if text is None:
        return current
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--secret-expires: {text!r} is not a date (YYYY-MM-DD)") from None


def _changed(args: argparse.Namespace, current: OAuthSettings) -> OAuthSettings:
    from outmail_gui.domain.oauth import GrantType

    changes: dict[str, Any] = {"enabled": not args.disable}
    for option, key in (("tenant", "tenant"), ("client_id", "client_id"), ("mailbox", "mailbox")):
        value = getattr(args, option)
        if value is not None:
            changes[key] = value.strip()
    if args.grant is not None:
        changes["grant_type"] = GrantType(GRANTS[args.grant])
    changes["client_secret_expires"] = _expiry(args.secret_expires, current.client_secret_expires)
    return current.with_changes(**changes)


def cmd_configure(args: argparse.Namespace) -> int:
    from outmail_gui.domain.oauth import validate_oauth
    from outmail_gui.domain.rules import Severity, errors
    from outmail_gui.store.oauth_settings import OAuthSettingsStore
    from outmail_gui.store.secret_writes import SecretWrites

    with open_settings(args) as repo:
        with store_errors():
            server = repo.find_by_name(args.name)
            if server is None:
                raise server_not_found(args.name)
            if not server.is_smtp:
                raise UsageError(f"{server.name!r} is a MAPI server: OAuth 2.0 applies to SMTP servers only")
            store = OAuthSettingsStore.of(repo)
            settings = _changed(args, store.get(server.id))
        issues = validate_oauth(settings)
        blocking = errors(issues)
        if blocking:
            raise UsageError("; ".join(one_line(i.message).rstrip(".") for i in blocking))
        if args.client_secret_stdin and not settings.grant_type.needs_client_secret:
            raise UsageError(f"the {_grant_word(settings.grant_type)} grant uses no client secret")
        secret = _read_secret() if args.client_secret_stdin else None
        manager = _manager(args)
        # The settings and their client secret as one: the secret is written under the store's write
        # lock just before the commit, and put back if the commit fails (see store.secret_writes).
        writes = SecretWrites(manager.client_secrets()) if secret is not None else None
        if writes is not None and secret is not None:
            writes.set(server.id, secret)
        _keyring(lambda: _save_with_secret(repo, writes, lambda: store.save(server.id, settings)))
        stored = _secret_stored(manager, server.id, settings)
    for issue in issues:
        if issue.severity is not Severity.ERROR:
            sys.stderr.write(f"outmail-gui: {issue.severity.value}: {one_line(issue.message)}\n")
    if stored is False and settings.enabled:
        sys.stderr.write(
            "outmail-gui: warning: no client secret is stored for the client credentials grant yet: "
            "run again with --client-secret-stdin\n"
        )
    if args.json:
        print_json(_document(server.name, settings, stored))
        return EXIT_OK
    state = "saved" if settings.enabled else "saved, with OAuth 2.0 turned off"
    kept = "; client secret stored in the keyring" if secret is not None else ""
    print(f"OAuth 2.0 settings of {server.name!r} {state} ({settings.grant_type.label}){kept}.")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from outmail_gui.domain.oauth import secret_expiry_message
    from outmail_gui.store.oauth_settings import OAuthSettingsStore

    with open_settings(args) as repo, store_errors():
        server = repo.find_by_name(args.name)
        if server is None:
            raise server_not_found(args.name)
        settings = OAuthSettingsStore.of(repo).get(server.id)
    stored = _secret_stored(_manager(args), server.id, settings) if server.is_smtp else None
    if args.json:
        print_json(_document(server.name, settings, stored))
        return EXIT_OK
    if not settings.enabled:
        print(f"{server.name}: OAuth 2.0 is off (it authenticates with its Login ID and password, if any).")
        return EXIT_OK
    expires = settings.client_secret_expires.isoformat() if settings.client_secret_expires else "-"
    lines = [
        f"{server.name}: OAuth 2.0, {settings.grant_type.label}",
        f"  tenant: {settings.tenant}",
        f"  client ID: {settings.client_id}",
        f"  mailbox: {settings.mailbox}",
    ]
    if settings.grant_type.needs_client_secret:
        where = {True: "stored in the keyring", False: "not stored", None: "unknown (the keyring could not be read)"}
        lines += [f"  client secret: {where[stored]}", f"  client secret expires: {expires}"]
    warning = secret_expiry_message(settings)
    if warning:
        lines.append(f"  warning: {warning}")
    print("\n".join(lines))
    return EXIT_OK


def _document(name: str, settings: OAuthSettings, stored: bool | None) -> dict[str, Any]:
    from outmail_gui.domain.oauth import secret_expiry

    state, days = secret_expiry(settings)
    return {
        "server": name,
        "oauth": settings.to_dict(),
        "client_secret_stored": stored,
        "client_secret_expiry": {"state": state.value, "days_left": days},
    }


def _grant_word(grant: GrantType) -> str:
    return next(word for word, value in GRANTS.items() if value == grant.value)


def _read_secret() -> str:
    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise UsageError("no client secret on stdin")
    return secret


def _manager(args: argparse.Namespace) -> TokenManager:
    from outmail_gui.oauth import TokenManager

    return TokenManager.for_data_dir(workstation_dir(args), secret_store())


def _keyring(action: Any) -> Any:
    from outmail_gui.oauth import OAuthError

    try:
        return action()
    except OAuthError as exc:
        raise CommandError(one_line(f"nothing was saved: {exc.message}"), EXIT_FAILED) from None


def _save_with_secret(repo: SettingsRepository, writes: SecretWrites | None, save: Callable[[], None]) -> None:
    """Save the settings; ``writes`` (their client secret) go to the keyring just before the commit."""
    with store_errors(), repo.transaction(writes):
        save()


def _secret_stored(manager: TokenManager, server_id: str, settings: OAuthSettings) -> bool | None:
    """Whether the keyring holds the client secret; ``None`` when it does not apply or cannot be read."""
    from outmail_gui.oauth import OAuthError

    if not settings.enabled or not settings.grant_type.needs_client_secret:
        return None
    try:
        return manager.client_secret(server_id) is not None
    except OAuthError:
        return None

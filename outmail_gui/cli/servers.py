"""``outmail-gui servers ...``: list, show, add, edit, delete, set-default, export, import.

Headless twin of the window's server list, on the same repository and rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from outmail_gui.cli.common import ArgumentParser, add_json_option
from outmail_gui.cli.discover import add_discovery_options, discovered_changes
from outmail_gui.cli.errors import EXIT_OK, CommandError, UsageError, server_not_found
from outmail_gui.cli.output import print_json, print_table
from outmail_gui.cli.server_options import add_field_options, field_changes, issues_message, password_from
from outmail_gui.cli.store_access import (
    damage_hint_dir,
    data_dir_of,
    one_line,
    open_settings,
    report_damaged,
    secret_store,
    store_errors,
    workstation_dir,
)
from outmail_gui.domain import rules
from outmail_gui.domain.addresses import host_problem
from outmail_gui.domain.fields import field_info
from outmail_gui.domain.settings import Protocol, ServerSettings, convert_to_smtp, fields_for, new_server
from outmail_gui.store import backups
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.secret_writes import SecretWrites
from outmail_gui.store.secrets import SecretStore, SecretStoreError
from outmail_gui.store.transfer import (
    DUPLICATE_POLICIES,
    MAX_BYTES,
    ImportRefused,
    apply_import,
    dumps_export,
    parse_import,
    read_import,
    write_export,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("servers", help="list and change outgoing email servers")
    sub = parser.add_subparsers(dest="servers_command", metavar="ACTION", required=True, parser_class=ArgumentParser)

    cmd = sub.add_parser("list", help="list the servers")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_list)

    cmd = sub.add_parser("show", help="show one server's settings")
    cmd.add_argument("name")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_show)

    cmd = sub.add_parser("add", help="add a server")
    cmd.add_argument("--protocol", choices=[p.value for p in Protocol], default="smtp", help="smtp (default) or mapi")
    add_field_options(cmd)
    cmd.add_argument(
        "--discover",
        action="store_true",
        help="SMTP: fill Server, Port Number, Use SSL and --auth, where not given, from the settings discovered "
        "for --server (else --outgoing-email-id); see: outmail-gui discover --help",
    )
    add_discovery_options(cmd, timeout_option="--discover-timeout")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_add)

    cmd = sub.add_parser("edit", help="change a server's settings")
    cmd.add_argument("target", metavar="NAME", help="the server to change (--name renames it)")
    add_field_options(cmd)
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_edit)

    cmd = sub.add_parser("delete", help="delete a server and its stored password")
    cmd.add_argument("name")
    cmd.set_defaults(func=cmd_delete)

    cmd = sub.add_parser("set-default", help="make a server the default outgoing server")
    cmd.add_argument("name")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_set_default)

    cmd = sub.add_parser("convert-to-smtp", help="turn a legacy MAPI server into an SMTP server")
    cmd.add_argument("name")
    cmd.set_defaults(func=cmd_convert)

    cmd = sub.add_parser("export", help="write all servers as JSON (never with passwords)")
    cmd.add_argument("file", nargs="?", default="-", help="output file (default: standard output)")
    cmd.set_defaults(func=cmd_export)

    cmd = sub.add_parser("import", help="import servers from an export file, all or nothing")
    cmd.add_argument("file", help="the JSON file ('-' for standard input)")
    cmd.add_argument("--on-duplicate", choices=DUPLICATE_POLICIES, default="skip", help="when a name exists already")
    cmd.add_argument(
        "--accept-passwords", action="store_true", help="move passwords found in the file into the keyring"
    )
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_import)

    cmd = sub.add_parser("mapi-mail-server", help="show or set the MAPI Mail Server (needed before MAPI servers)")
    cmd.add_argument("host", nargs="?", help="the host to set ('' to clear)")
    cmd.set_defaults(func=cmd_mapi_mail_server)

    cmd = sub.add_parser("backups", help="list backups of the settings database")
    add_json_option(cmd)
    cmd.set_defaults(func=cmd_backups)

    cmd = sub.add_parser("restore-backup", help="replace a damaged settings database with a backup")
    cmd.add_argument("backup", nargs="?", help="backup file (default: the newest)")
    cmd.add_argument(
        "--force", action="store_true", help="restore even though the database is not damaged (replaces its data)"
    )
    cmd.set_defaults(func=cmd_restore_backup)


# --- reading --------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        servers, damaged = repo.list_servers_checked()
    if args.json:
        print_json([s.to_dict() for s in servers])
        return report_damaged(damaged, damage_hint_dir(args))
    if not servers and not damaged:
        print("No outgoing email servers.")
        return EXIT_OK
    print_table(
        ("NAME", "PROTOCOL", "SERVER", "PORT", "ACTIVE", "DEFAULT", "PARTITION"),
        [
            (
                s.name,
                s.protocol.label,
                s.server,
                str(s.port),
                "yes" if s.active else "no",
                "yes" if s.is_default else "",
                s.partition or "",
            )
            for s in servers
        ],
    )
    return report_damaged(damaged, damage_hint_dir(args))


def cmd_show(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        record = _by_name(repo, args.name)
    secrets = secret_store()
    stored, problem = _password_state(secrets, record.id)
    info = secrets.backend_info()
    if args.json:
        data = record.to_dict()
        data["password"] = {
            "stored": stored,
            "problem": problem,
            "keyring": info.name,
            "secure": info.secure,
            "description": info.description,
        }
        print_json(data)
        return EXIT_OK
    for field in fields_for(record.protocol):
        label = field_info(record.protocol, field).label
        value = _password_text(stored, problem, str(info)) if field == "password" else _display(record, field)
        print(f"{label + ':':<44} {value}")
    print(f"{'Id:':<44} {record.id}")
    print(f"{'Revision:':<44} {record.revision}")
    return EXIT_OK


# --- writing ----------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    protocol = Protocol(args.protocol)
    changes = field_changes(args, protocol)
    if args.no_password:
        raise UsageError("--no-password only applies to edit")
    password = password_from(args)
    if args.discover:
        if protocol is not Protocol.SMTP:
            raise UsageError("--discover applies to SMTP servers only")
        changes = discovered_changes(args, changes)
    with open_settings(args) as repo:
        with store_errors():
            record = new_server(protocol, **changes).cleaned()
            _check(repo, record, args)
        saved = _save_with_password(repo, record, password, remove=False)
    return _report(args, f"Added {saved.name!r} ({saved.protocol.label}).", saved)


def cmd_edit(args: argparse.Namespace) -> int:
    with open_settings(args) as repo:
        with store_errors():
            current = _by_name(repo, args.target)
            changes = field_changes(args, current.protocol)
            record = current.with_changes(**changes).cleaned()
            _check(repo, record, args)
        password = password_from(args)
        unchanged = record == current and password is None and not args.no_password
        # Nothing to change: no new revision.
        saved = current if unchanged else _save_with_password(repo, record, password, remove=args.no_password)
    if unchanged and not changes:
        return _report(args, f"Nothing changed: no setting to change was given for {saved.name!r}.", saved)
    if unchanged:
        return _report(args, f"Nothing changed: {saved.name!r} already has these settings.", saved)
    return _report(args, f"Saved {saved.name!r}.", saved)


def cmd_delete(args: argparse.Namespace) -> int:
    from outmail_gui.oauth.server_secrets import remove_server_secrets

    with open_settings(args) as repo, store_errors():
        record = _by_name(repo, args.name)
        repo.delete(record.id, expected_revision=record.revision)
    problem = remove_server_secrets(workstation_dir(args), secret_store(), record)
    print(f"Deleted {record.name!r}.")
    if problem:  # the deletion happened: exit 0, and name what may be left in the keyring
        sys.stderr.write(f"outmail-gui: warning: {one_line(problem)}\n")
    return EXIT_OK


def cmd_set_default(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        record = repo.set_default(_by_name(repo, args.name).id)
    return _report(args, f"{record.name!r} is now the default outgoing server.", record)


def cmd_convert(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        record = _by_name(repo, args.name)
        if not record.is_mapi:
            raise UsageError(f"{record.name!r} is already an SMTP server")
        saved = repo.save(convert_to_smtp(record))
    print(f"{saved.name!r} is now an SMTP server on port {saved.port}; check its settings with: servers show.")
    return EXIT_OK


def cmd_mapi_mail_server(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        if args.host is None:
            host = repo.mapi_mail_server()
            print(host or "(not configured)")
            return EXIT_OK
        if args.host.strip():
            problem = host_problem(args.host)
            if problem:
                raise UsageError(problem)
        repo.set_mapi_mail_server(args.host)
    print(f"MAPI Mail Server set to {args.host.strip()!r}." if args.host.strip() else "MAPI Mail Server cleared.")
    return EXIT_OK


# --- import / export -----------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    with open_settings(args) as repo, store_errors():
        if args.file == "-":
            sys.stdout.write(dumps_export(repo))
            return EXIT_OK
        count = len(repo.list_servers())
        try:
            write_export(repo, _path(args.file))
        except OSError as exc:
            raise CommandError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    print(f"Exported {count} server(s) to {args.file} (passwords are not exported).")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            plan = parse_import(
                sys.stdin.buffer.read(MAX_BYTES + 1), source="standard input", accept_passwords=args.accept_passwords
            )
        else:
            plan = read_import(_path(args.file), accept_passwords=args.accept_passwords)
    except ImportRefused as exc:
        raise UsageError(one_line(exc.message)) from None
    secrets = secret_store() if plan.password_count else None
    with open_settings(args) as repo, store_errors():
        try:
            result = apply_import(repo, plan, args.on_duplicate, secrets)
        except ImportRefused as exc:
            raise UsageError(one_line(exc.message)) from None
    if args.json:
        print_json(
            {
                "added": list(result.added),
                "replaced": list(result.replaced),
                "renamed": [{"from": a, "to": b} for a, b in result.renamed],
                "skipped": list(result.skipped),
                "passwords": result.passwords,
            }
        )
        return EXIT_OK
    print(
        f"Imported: {len(result.added)} added, {len(result.replaced)} replaced, "
        f"{len(result.renamed)} renamed, {len(result.skipped)} skipped"
        + (f"; {result.passwords} password(s) moved into the keyring." if result.passwords else ".")
    )
    for old, new in result.renamed:
        print(f"  {old!r} was imported as {new!r}")
    for name in result.skipped:
        print(f"  {name!r} exists already and was skipped")
    return EXIT_OK


# --- backups ----------------------------------------------------------------------------------------


def cmd_backups(args: argparse.Namespace) -> int:
    found = backups.list_backups(data_dir_of(args))
    if args.json:
        print_json([str(p) for p in found])
    elif not found:
        print("No backups.")
    else:
        for path in found:
            print(path)
    return EXIT_OK


def cmd_restore_backup(args: argparse.Namespace) -> int:
    directory = data_dir_of(args)
    if args.backup:
        chosen = _path(args.backup)
    else:
        found = backups.list_backups(directory)
        if not found:
            raise CommandError(f"there is no backup in {backups.backup_dir(directory)}")
        chosen = found[0]
    try:
        with store_errors(directory):
            restored = backups.restore_backup(directory, chosen, force=args.force)
    except OSError as exc:
        raise CommandError(one_line(f"cannot restore {chosen}: {exc.strerror or exc}")) from None
    print(restored.describe())
    return EXIT_OK


# --- helpers -------------------------------------------------------------------------------------------


def _by_name(repo: SettingsRepository, name: str) -> ServerSettings:
    record = repo.find_by_name(name)
    if record is None:
        raise server_not_found(name)
    return record


def _check(repo: SettingsRepository, record: ServerSettings, args: argparse.Namespace) -> None:
    """Refuse invalid values before the keyring is touched; print warnings and notices."""
    issues = rules.validate(record, repo.rule_context(getattr(args, "analyst", None)))
    blocking = rules.errors(issues)
    if blocking:
        raise UsageError(one_line(issues_message(blocking)))
    for issue in issues:
        sys.stderr.write(f"outmail-gui: {issue.severity.value}: {one_line(issue.message)}\n")


def _save_with_password(
    repo: SettingsRepository, record: ServerSettings, password: str | None, *, remove: bool
) -> ServerSettings:
    """Save the record and its password (or remove it) as one: both are kept, or neither.

    The keyring is written under the database's write lock after the revision check, so a
    save that loses a conflict never touches it (see :mod:`outmail_gui.store.secret_writes`).
    """
    writes: SecretWrites | None = None
    if password is not None or remove:
        writes = SecretWrites(secret_store())
        if password is not None:
            writes.set(record.id, password)
        else:
            writes.delete(record.id)
    with store_errors(), repo.transaction(writes):
        return repo.save(record)


def _password_state(secrets: SecretStore, server_id: str) -> tuple[bool | None, str | None]:
    try:
        return secrets.get_password(server_id) is not None, None
    except SecretStoreError as exc:
        return None, exc.message


def _password_text(stored: bool | None, problem: str | None, where: str) -> str:
    if stored is None:
        return f"unknown ({one_line(problem or '')})"
    return f"stored in {where}" if stored else f"not set (would be stored in {where})"


def _display(record: ServerSettings, field: str) -> str:
    value = getattr(record, field)
    if field == "protocol":
        return record.protocol.label
    if field == "auth_methods":
        names = ", ".join(sorted(m.label for m in record.auth_methods))
        return names or ("none (no authentication)" if record.uses_no_authentication else "-")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "-"
    return str(value)


def _report(args: argparse.Namespace, text: str, record: ServerSettings) -> int:
    if args.json:
        print_json(record.to_dict())
    else:
        print(text)
    return EXIT_OK


def _path(text: str) -> Path:
    return Path(text).expanduser()

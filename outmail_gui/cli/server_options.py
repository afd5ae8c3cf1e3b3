"""The ``add``/``edit`` options: one per settings field, turned into ``with_changes`` values."""

from __future__ import annotations

import argparse
from typing import Any

from outmail_gui.cli.common import whole_number
from outmail_gui.cli.errors import UsageError
from outmail_gui.cli.passwords import password_from_options
from outmail_gui.domain.rules import Issue
from outmail_gui.domain.settings import AuthMethod, Protocol
from outmail_gui.domain.shown import quoted

SMTP_ONLY = frozenset({"use_ssl", "pager_encoding", "auth_auto", "auth_methods", "connection_timeout_s", "chunking"})
MAPI_ONLY = frozenset({"use_nt_authentication"})

# Field -> the option that sets it (for error messages).
OPTION_OF: dict[str, str] = {
    "name": "--name",
    "protocol": "--protocol",
    "server": "--server",
    "port": "--port",
    "login_id": "--login-id",
    "active": "--active/--inactive",
    "use_ssl": "--use-ssl",
    "pager_encoding": "--pager-encoding",
    "auth_auto": "--auth",
    "auth_methods": "--auth",
    "use_nt_authentication": "--use-nt-authentication",
    "send_receipt": "--send-receipt",
    "connection_timeout_s": "--timeout",
    "chunking": "--chunking",
    "outgoing_email_id": "--outgoing-email-id",
    "is_default": "--default",
    "sent_from_analyst": "--sent-from-analyst",
    "reply_to_forwarding_analyst": "--reply-to-forwarding-analyst",
    "partition": "--partition",
    "trusted_cert_sha256": "--trusted-cert-sha256",
}

_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("use-ssl", "use_ssl", "SMTP: communications use SSL/TLS (must stay on for Exchange 365)"),
    ("use-nt-authentication", "use_nt_authentication", "MAPI: use NTLM authentication"),
    ("send-receipt", "send_receipt", "send a receipt request with test messages"),
    ("chunking", "chunking", "SMTP: send with BDAT when the server offers CHUNKING"),
    ("default", "is_default", "make this the default outgoing server (clears the previous default)"),
    ("sent-from-analyst", "sent_from_analyst", "From = the triggering analyst's address"),
    ("reply-to-forwarding-analyst", "reply_to_forwarding_analyst", "Reply-To = the triggering analyst's address"),
)


def add_field_options(parser: argparse.ArgumentParser) -> None:
    """Every field of a server as an option; absent options leave the field as it is."""
    parser.add_argument("--name", help="unique name of the email system")
    parser.add_argument("--server", help="host name, IDN, IPv4 or IPv6 address")
    parser.add_argument("--port", type=whole_number, help="port number (SMTP default 25, MAPI 593)")
    parser.add_argument("--login-id", dest="login_id", help="user name for the mail server")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    secret.add_argument("--password-env", metavar="VAR", help="take the password from environment variable VAR")
    secret.add_argument("--no-password", action="store_true", help="remove the stored password")
    active = parser.add_mutually_exclusive_group()
    active.add_argument("--active", dest="active", action="store_const", const=True, help="the server can be used")
    active.add_argument("--inactive", dest="active", action="store_const", const=False, help="the server is off")
    parser.add_argument("--pager-encoding", dest="pager_encoding", metavar="CHARSET", help="SMTP: pager encoding")
    parser.add_argument(
        "--auth",
        metavar="auto|none|METHODS",
        help="SMTP: 'auto' (most secure both sides support), 'none', or methods such as LOGIN,PLAIN,CRAM-MD5 "
        "(prefix with auto, to keep automatic selection)",
    )
    parser.add_argument(
        "--timeout", dest="connection_timeout_s", type=whole_number, metavar="SECONDS", help="SMTP: idle time-out"
    )
    parser.add_argument("--outgoing-email-id", dest="outgoing_email_id", metavar="ADDRESS", help="the From address")
    partition = parser.add_mutually_exclusive_group()
    partition.add_argument("--partition", help="partition this server sends for")
    partition.add_argument("--no-partition", action="store_true", help="assign no partition")
    parser.add_argument(
        "--trusted-cert-sha256", dest="trusted_cert_sha256", metavar="HEX", help="pinned certificate fingerprint"
    )
    for flag, dest, text in _FLAGS:
        parser.add_argument(f"--{flag}", dest=dest, action=argparse.BooleanOptionalAction, default=None, help=text)


def field_changes(args: argparse.Namespace, protocol: Protocol) -> dict[str, Any]:
    """The fields the options set, checked against the protocol."""
    changes: dict[str, Any] = {}
    for field in OPTION_OF:
        if field in ("protocol", "auth_auto", "auth_methods", "partition"):
            continue
        value = getattr(args, field, None)
        if value is not None:
            changes[field] = value
    if args.auth is not None:
        changes["auth_auto"], changes["auth_methods"] = parse_auth(args.auth)
    if args.no_partition:
        changes["partition"] = None
    elif args.partition is not None:
        changes["partition"] = args.partition.strip() or None
    wrong = sorted((SMTP_ONLY if protocol is Protocol.MAPI else MAPI_ONLY) & changes.keys())
    if wrong:
        options = sorted({OPTION_OF[f] for f in wrong})
        verb = "does" if len(options) == 1 else "do"
        raise UsageError(f"{', '.join(options)} {verb} not apply to {protocol.label} servers")
    return changes


def parse_auth(text: str) -> tuple[bool, frozenset[AuthMethod]]:
    words = [w.strip() for w in text.split(",") if w.strip()]
    if not words:
        raise UsageError("--auth needs 'auto', 'none' or a list of methods")
    lowered = [w.lower() for w in words]
    if lowered == ["none"]:
        return False, frozenset()
    auto = "auto" in lowered
    methods: set[AuthMethod] = set()
    for word in words:
        if word.lower() == "auto":
            continue
        if word.lower() == "none":
            raise UsageError("--auth none cannot be combined with other methods")
        try:
            methods.add(AuthMethod.parse(word))
        except ValueError:
            known = ", ".join(m.value for m in AuthMethod)
            raise UsageError(f"--auth: unknown authentication method {quoted(word)} (known: {known})") from None
    return auto, frozenset(methods)


def password_from(args: argparse.Namespace) -> str | None:
    """The new password given with --password-stdin or --password-env, else ``None``."""
    return password_from_options("--password-stdin" if args.password_stdin else None, args.password_env)


def issues_message(issues: list[Issue]) -> str:
    return " ".join(f"{OPTION_OF.get(i.field, i.field)}: {i.message}" for i in issues)

"""Export and import of all servers as versioned JSON, never with passwords.

Import is two-phase: :func:`read_import` checks the whole file (size, JSON, format,
version, every record against the rules) and changes nothing; :func:`apply_import` then
writes all records in one transaction or none. Passwords found in a file are refused
unless the user accepts moving them into the keyring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from outmail_gui.domain import rules
from outmail_gui.domain.addresses import has_control_characters
from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.names import clean_name, name_problem, normalized_name, unique_name
from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.partitions import find_partition
from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import ServerSettings, settings_from_dict
from outmail_gui.store import transfer_oauth, transfer_partitions
from outmail_gui.store.errors import StoreError, ValidationFailed
from outmail_gui.store.file_writing import write_text
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.secret_writes import SecretWrites
from outmail_gui.store.secrets import SecretStore

FORMAT = "outmail-servers"
MAX_DIGITS = 18  # any whole number a field holds (ports, seconds, revisions) fits
VERSION = transfer_partitions.FORMAT_VERSION  # 2 added analysts and partitioning; 1 is upgraded on import
MAX_BYTES = 10 * 1024 * 1024
MAX_SERVERS = 10_000
OnDuplicate = Literal["skip", "replace", "rename"]
DUPLICATE_POLICIES: tuple[OnDuplicate, ...] = ("skip", "replace", "rename")


class ImportRefused(StoreError):
    """The file cannot be imported; nothing was changed."""


@dataclasses.dataclass(frozen=True, slots=True)
class ImportItem:
    record: ServerSettings  # a fresh id, revision 0
    password: str | None = dataclasses.field(default=None, repr=False)
    oauth: OAuthSettings | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ImportPlan:
    items: tuple[ImportItem, ...]
    partitions: tuple[str, ...] = ()
    mapi_mail_server: str = ""
    source: str = ""
    analysts: tuple[Analyst, ...] = ()
    partitioning_enabled: bool | None = None  # None: the file does not say (version 1)

    @property
    def password_count(self) -> int:
        return sum(1 for i in self.items if i.password)


@dataclasses.dataclass(frozen=True, slots=True)
class ImportResult:
    """Names by outcome; ``renamed`` holds (name in the file, name given)."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()
    passwords: int = 0


# --- export --------------------------------------------------------------------------------


def export_servers(repo: SettingsRepository) -> dict[str, Any]:
    """The export document; a damaged server stops it (an export that silently lacks one is a loss)."""
    records, damaged = repo.list_servers_checked()
    if damaged:
        raise damaged[0]
    servers = []
    oauth = transfer_oauth.all_settings(repo)
    for record in records:
        data = record.to_dict()
        data.pop("revision", None)
        entry = transfer_oauth.export_entry(oauth.get(record.id, OAuthSettings()))
        if entry is not None:
            data[transfer_oauth.KEY] = entry
        servers.append(data)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {"mapi_mail_server": repo.mapi_mail_server(), "partitioning_enabled": repo.partitioning_enabled()},
        "partitions": repo.list_partitions(),
        "analysts": transfer_partitions.export_analysts(repo),
        "servers": servers,
    }


def dumps_export(repo: SettingsRepository) -> str:
    return json.dumps(export_servers(repo), indent=2, ensure_ascii=False) + "\n"


def write_export(repo: SettingsRepository, path: Path) -> None:
    """Write the export to ``path``: atomically for a regular file, directly to a FIFO or device (see file_writing)."""
    write_text(Path(path), dumps_export(repo))


# --- reading and checking ------------------------------------------------------------------


def read_import(path: Path, *, accept_passwords: bool = False) -> ImportPlan:
    """Read and check the whole file; raises :class:`ImportRefused` with the first reasons."""
    source = Path(path)
    try:
        info = source.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block for ever, /dev/zero never ends
            raise ImportRefused(
                f"Cannot read {source}: it is not a regular file. To import from a pipe, use - "
                "(standard input), for example: outmail-gui servers import - < FILE"
            )
        size = info.st_size
        if size > MAX_BYTES:
            raise ImportRefused(_too_big(source, size))
        with open(source, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ImportRefused(f"Cannot read {source}: {exc.strerror or exc}.") from None
    return parse_import(data, source=str(source), accept_passwords=accept_passwords)


def parse_import(data: bytes, *, source: str = "the file", accept_passwords: bool = False) -> ImportPlan:
    if len(data) > MAX_BYTES:
        raise ImportRefused(_too_big(source, len(data)))
    document = _load_json(data, source)
    servers = _check_envelope(document, source)
    document = transfer_partitions.upgrade(document)
    items = tuple(_read_record(n, entry, source) for n, entry in enumerate(servers, start=1))
    partitions = _read_partitions(document.get("partitions", []), source)
    settings = document.get("settings", {})
    mapi = settings.get("mapi_mail_server", "") if isinstance(settings, dict) else None
    if not isinstance(mapi, str) or has_control_characters(mapi):
        raise ImportRefused(f"{source}: settings.mapi_mail_server must be a host name.")
    try:
        analysts = transfer_partitions.read_analysts(document.get("analysts"), partitions)
        partitioning = transfer_partitions.read_partitioning(settings)
    except ValueError as exc:
        raise ImportRefused(f"{source}: {str(exc).rstrip('.')}.") from None
    with_passwords = [i.record.name for i in items if i.password]
    if with_passwords and not accept_passwords:
        raise ImportRefused(
            f"{source} contains passwords for {len(with_passwords)} server(s) ({_names(with_passwords)}). "
            "Passwords are kept only in the keyring: accept moving them into the keyring "
            "(--accept-passwords), or remove them from the file."
        )
    _check_records(items, source)
    return ImportPlan(
        items=items,
        partitions=partitions,
        mapi_mail_server=mapi.strip(),
        source=source,
        analysts=analysts,
        partitioning_enabled=partitioning,
    )


def _load_json(data: bytes, source: str) -> dict[str, Any]:
    if not data.strip():
        raise ImportRefused(f"{source} is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{source} is not UTF-8 text (byte {exc.start}).") from None
    try:
        document = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants, parse_int=_whole_number
        )
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise ImportRefused(f"{source} ends too early: the file is truncated or incomplete.") from None
        raise ImportRefused(f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    except ValueError as exc:
        raise ImportRefused(f"{source} is not valid JSON: {_clause(str(exc))}.") from None
    except RecursionError:
        raise ImportRefused(f"{source} is nested too deeply to be an Outmail export.") from None
    if not isinstance(document, dict):
        raise ImportRefused(f"{source} is not an Outmail servers export (expected a JSON object).")
    return document


def _check_envelope(document: Mapping[str, Any], source: str) -> list[Any]:
    if document.get("format") != FORMAT:
        raise ImportRefused(f"{source} is not an Outmail servers export (format {document.get('format')!r}).")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ImportRefused(f"{source} has no valid format version.")
    if version > VERSION:
        raise ImportRefused(
            f"{source} was written by a newer version of Outmail (format version {version}; "
            f"this version reads version {VERSION}). Update Outmail to import it."
        )
    if version < 1:
        raise ImportRefused(f"{source} has an unknown format version {version}.")
    servers = document.get("servers")
    if not isinstance(servers, list):
        raise ImportRefused(f"{source} has no list of servers.")
    if len(servers) > MAX_SERVERS:
        raise ImportRefused(f"{source} lists {len(servers)} servers; at most {MAX_SERVERS} can be imported at once.")
    return servers


def _read_record(number: int, entry: Any, source: str) -> ImportItem:
    where = f"{source}, server {number}"
    if not isinstance(entry, dict):
        raise ImportRefused(f"{where}: expected an object with the server's fields.")
    name = entry.get("name")
    if isinstance(name, str):
        where += f" ({name.strip()!r})"
    password = entry.get("password")
    if password is not None and not isinstance(password, str):
        raise ImportRefused(f"{where}: password must be text.")
    fields = {k: v for k, v in entry.items() if k not in ("id", "revision", "password", transfer_oauth.KEY)}
    try:
        record = settings_from_dict(fields)
        oauth = transfer_oauth.read_entry(entry.get(transfer_oauth.KEY))
    except (ValueError, TypeError) as exc:
        raise ImportRefused(f"{where}: {_clause(str(exc))}.") from None
    return ImportItem(record=record, password=password or None, oauth=oauth)


def _read_partitions(value: Any, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ImportRefused(f"{source}: partitions must be a list of names.")
    names: list[str] = []
    for raw in value:
        problem = name_problem(raw, "a partition name", "it is empty")
        if problem:
            raise ImportRefused(f"{source}: {raw!r} is not a valid partition name ({_clause(problem)}).")
        if find_partition(raw, names) is None:
            names.append(clean_name(raw))
    return tuple(names)


def _check_records(items: Sequence[ImportItem], source: str) -> None:
    """Every record against the rules and against the file's other records."""
    records = [i.record for i in items]
    problems: list[str] = []
    for number, record in enumerate(records, start=1):
        context = RuleContext(others=records)
        for issue in rules.errors(rules.validate(record, context)):
            problems.append(f"server {number} ({record.name.strip()!r}) {issue.field}: {_clause(issue.message)}")
    defaults = [r.name for r in records if r.is_default]
    if len(defaults) > 1:
        problems.append(f"more than one server is marked default ({_names(defaults)})")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ImportRefused(f"{source} cannot be imported: {'; '.join(problems[:3])}{more}. Nothing was imported.")


# --- applying ----------------------------------------------------------------------------------


def apply_import(
    repo: SettingsRepository,
    plan: ImportPlan,
    on_duplicate: OnDuplicate,
    secrets: SecretStore | None,
) -> ImportResult:
    """Write the plan in one transaction; passwords go to the keyring just before the commit.

    If anything fails (a rule, the database, the keyring) nothing stays imported: the
    transaction is rolled back and passwords already written are put back as they were;
    any that cannot be put back are named in the error (:class:`SecretLeftoverError`).
    """
    if on_duplicate not in DUPLICATE_POLICIES:
        raise ValueError(f"on_duplicate must be one of {', '.join(DUPLICATE_POLICIES)}")
    if plan.password_count and secrets is None:
        raise ImportRefused("The file contains passwords, but no keyring is available to receive them.")
    writes = SecretWrites(secrets) if secrets is not None else None
    with repo.transaction(writes):
        result, to_store = _write_records(repo, plan, on_duplicate)
        if writes is not None:
            for record_id, password in to_store:
                writes.set(record_id, password)
    return dataclasses.replace(result, passwords=len(to_store))


def _write_records(
    repo: SettingsRepository, plan: ImportPlan, on_duplicate: OnDuplicate
) -> tuple[ImportResult, list[tuple[str, str]]]:
    existing_partitions = repo.list_partitions()
    for partition in plan.partitions:
        if find_partition(partition, existing_partitions) is None:
            repo.add_partition(partition)
    if plan.mapi_mail_server and not repo.mapi_mail_server():
        repo.set_mapi_mail_server(plan.mapi_mail_server)
    transfer_partitions.apply(repo, plan.analysts, plan.partitioning_enabled, replace=on_duplicate == "replace")
    taken = {normalized_name(s.name) for s in repo.list_servers()} | {
        normalized_name(i.record.name) for i in plan.items
    }
    added: list[str] = []
    replaced: list[str] = []
    renamed: list[tuple[str, str]] = []
    skipped: list[str] = []
    to_store: list[tuple[str, str]] = []
    for number, item in enumerate(plan.items, start=1):
        record = item.record
        name = record.name.strip()
        existing = repo.find_by_name(record.name)
        if existing is not None and on_duplicate == "skip":
            skipped.append(name)
            continue
        if existing is not None and on_duplicate == "replace":
            record = dataclasses.replace(record, id=existing.id, revision=existing.revision)
            replaced.append(name)
        elif existing is not None:
            new_name = unique_name(name, taken)
            taken.add(normalized_name(new_name))
            record = record.with_changes(name=new_name)
            renamed.append((name, new_name))
        else:
            added.append(name)
        try:
            saved = repo.save(record)
        except ValidationFailed as exc:
            raise ImportRefused(
                f"{plan.source or 'The file'}, server {number} ({name!r}) cannot be imported: {exc.message} "
                "Nothing was imported."
            ) from None
        if item.oauth is not None:
            transfer_oauth.save(repo, saved.id, item.oauth)
        if item.password:
            to_store.append((saved.id, item.password))
    result = ImportResult(tuple(added), tuple(replaced), tuple(renamed), tuple(skipped))
    return result, to_store


def _clause(text: str) -> str:
    """A message without its closing full stop, to be joined into a longer sentence."""
    return text.rstrip().rstrip(".")


def _too_big(source: object, size: int) -> str:
    return f"{source} is {size / 1048576:.1f} MiB; an Outmail export is at most {MAX_BYTES // 1048576} MiB."


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n.strip()) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _whole_number(text: str) -> int:
    """JSON integers, with our own words for one too long for any field (not Python's digit-limit message)."""
    if len(text.lstrip("-").lstrip("0")) > MAX_DIGITS:
        raise ValueError(f"a number has {len(text.lstrip('-'))} digits; no field takes more than {MAX_DIGITS}")
    return int(text)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")

"""What every back end checks inside a save's or delete's write transaction, and the errors it raises.

One place for both repositories (SQLite, PostgreSQL): a stale copy is reported as the conflict
it is, before rules it may break only because of the other change (a renamed partition, a
taken name); then the domain rules decide, a taken name being a DuplicateNameError.
"""

from __future__ import annotations

from collections.abc import Callable

from outmail_gui.domain import rules
from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.rules import Issue, RuleContext, Severity
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.errors import DuplicateNameError, NotFoundError, RevisionConflictError, ValidationFailed


def check_save(record: ServerSettings, stored: ServerSettings | None, context: Callable[[], RuleContext]) -> None:
    """Raise unless ``record`` (revision 0: new) may replace ``stored`` (what the database holds now)."""
    if record.revision == 0 and stored is not None:
        raise conflict(record, stored)
    if record.revision != 0 and (stored is None or stored.revision != record.revision):
        raise conflict(record, stored)
    ctx = context()
    blocking = rules.errors(rules.validate(record, ctx))
    if blocking:
        taken = any(o.id != record.id and normalized_name(o.name) == normalized_name(record.name) for o in ctx.others)
        raise (DuplicateNameError if taken else ValidationFailed)(blocking)


def check_delete(stored: ServerSettings | None, expected_revision: int | None) -> ServerSettings:
    """``stored`` if it may be deleted by someone who read ``expected_revision`` (``None``: any)."""
    if stored is None:
        raise NotFoundError.server_gone()
    if expected_revision is not None and stored.revision != expected_revision:
        raise RevisionConflictError(
            f"{stored.name!r} was changed elsewhere (another Outmail window or command) since you "
            f"opened it (now revision {stored.revision}, yours {expected_revision}); "
            "it was not deleted. Look at the current version first.",
            stored,
        )
    return stored


def conflict(mine: ServerSettings, stored: ServerSettings | None) -> RevisionConflictError:
    if stored is None:
        return RevisionConflictError(
            f"{mine.name.strip()!r} was deleted elsewhere (another Outmail window or command) since you "
            "opened it; your changes were not saved. Save it as a new server if you still need it.",
            None,
        )
    if mine.revision == 0:
        return RevisionConflictError(
            f"{stored.name!r} has already been saved (revision {stored.revision}); reload it before saving again.",
            stored,
        )
    return RevisionConflictError(
        f"{stored.name!r} was changed elsewhere (another Outmail window or command) since you opened it "
        f"(now revision {stored.revision}, yours was based on {mine.revision}); your changes were not "
        "saved. Reload it and apply them again.",
        stored,
    )


def duplicate_name(name: str) -> DuplicateNameError:
    """The database's unique index refused the name (a race the rules' check could not see)."""
    return DuplicateNameError(
        [Issue("name", Severity.ERROR, f"The name must be unique: {name.strip()!r} already exists.")]
    )

"""The server under edit, without Qt: its values, dirtiness, issues (and which show), and saving.

One :class:`EditingModel` holds what the window's form shows: the record as loaded or last saved,
the current edits (record, typed password, OAuth 2.0 settings), the rules' verdict on them,
which errors the user has been shown, and the save workflow (rules -> store -> keyring, in
:func:`~outmail_gui.editing.save.save_server`). The form widget forwards each edit here and
shows what the model says (it listens with :meth:`EditingModel.listen`); the window's editing
session asks the user questions and shows messages.

When an ERROR shows: a new record does not greet the user with "Enter a name" before they
typed anything. A field's errors show once that field was edited, once an edit elsewhere made
them appear (e.g. clearing Sent From Analyst), once other servers changed under it, or after a
save attempt. A saved record shows its errors at once (they are not the user's half-typed
input). Validity, and so Save, always follows every error, shown or not; notices and warnings
always show at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from outmail_gui.domain.oauth import OAuthSettings, validate_oauth
from outmail_gui.domain.rules import Issue, RuleContext, Severity, validate
from outmail_gui.domain.settings import Protocol, ServerSettings, fields_for

if TYPE_CHECKING:  # the store loads when something is saved, not when a form is built
    from outmail_gui.editing.save import SaveResult
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.secrets import SecretStore

Values = tuple[ServerSettings, str | None, OAuthSettings]  # the record, the typed password, OAuth settings
Listener = Callable[[], None]
NOT_SAVED_FIX = "fix the marked fields."


@dataclasses.dataclass(frozen=True, slots=True)
class Evaluation:
    """What the current values amount to."""

    issues: tuple[Issue, ...]
    valid: bool  # no issue blocks saving
    dirty: bool  # differs from what was loaded or last saved
    replaces_default: str  # the servers that stop being the default if this is saved ("" none)


NOTHING = Evaluation((), False, False, "")


class EditingModel:
    """The record under edit and everything decided about it; listeners hear of every change."""

    def __init__(self) -> None:
        self._context = RuleContext()  # the other servers, as the rules compare against them
        self._saved: ServerSettings | None = None  # as loaded or last saved
        self._clean: Values | None = None  # the values as loaded or last saved (what is not dirty)
        self._values: Values | None = None
        self._verdict = NOTHING
        self._converted = False  # a MAPI record converted to SMTP, not saved yet
        self._revealed: set[str] = set()  # fields whose errors show
        self._reveal_all = False
        self._listeners: list[Listener] = []

    # ----- reading

    def is_loaded(self) -> bool:
        return self._values is not None

    @property
    def saved_record(self) -> ServerSettings | None:
        """The record as loaded or last saved (revision 0: a new one, not saved yet)."""
        return self._saved

    @property
    def values(self) -> Values:
        if self._values is None:
            raise RuntimeError("no record loaded")
        return self._values

    @property
    def record(self) -> ServerSettings:
        return self.values[0]

    @property
    def password(self) -> str | None:
        """The typed password (None: untouched, the stored one stays)."""
        return self.values[1]

    @property
    def oauth(self) -> OAuthSettings:
        return self.values[2]

    @property
    def context(self) -> RuleContext:
        return self._context

    @property
    def verdict(self) -> Evaluation:
        return self._verdict

    @property
    def converted(self) -> bool:
        return self._converted

    def is_dirty(self) -> bool:
        """Something would be lost by closing: an edit, a typed password, or an unsaved conversion."""
        return self.is_loaded() and (self._converted or self.verdict.dirty)

    def is_valid(self) -> bool:
        return self.is_loaded() and self.verdict.valid

    def can_save(self) -> bool:
        """Valid, and either new or changed."""
        return self.is_valid() and self._saved is not None and (self._saved.revision == 0 or self.is_dirty())

    def dirty_fields(self) -> frozenset[str]:
        """The fields whose value differs from the clean one ("password", "oauth" included)."""
        clean = self._clean
        if self._values is None or clean is None:
            return frozenset()
        (record, password, oauth), (saved, saved_password, saved_oauth) = self._values, clean
        differ = {name for name in fields_for(record.protocol) if _value(record, name) != _value(saved, name)}
        if password != saved_password:
            differ.add("password")
        if oauth != saved_oauth:
            differ.add("oauth")
        return frozenset(differ)

    def issues(self) -> tuple[Issue, ...]:
        return self.verdict.issues

    def shows(self, issue: Issue) -> bool:
        """Whether ``issue`` is shown now (an error not shown yet still blocks saving)."""
        if not issue.blocks_saving or self._reveal_all or issue.field in self._revealed:
            return True
        return issue.field not in _typed_fields(self.record.protocol)  # nothing the user could type there

    def shown_issues(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues() if self.shows(i))

    def hidden_errors(self) -> list[Issue]:
        """Errors not shown yet (the user has not reached those fields): the window may say why Save is off."""
        return [i for i in self.issues() if i.blocks_saving and not self.shows(i)]

    def not_saved_reason(self) -> str:
        """Why Save refuses, in the rules' words (the first blocking issue)."""
        first = next((i for i in self.issues() if i.blocks_saving), None)
        return first.message if first else NOT_SAVED_FIX

    # ----- changing

    def listen(self, listener: Listener) -> None:
        """``listener`` is called after every change (a view shows the model's state afresh)."""
        self._listeners.append(listener)

    def load(self, values: Values, context: RuleContext, *, converted: bool = False) -> None:
        """Show a record (``values[0]``): these values are the clean state; nothing is revealed yet
        unless the record is stored (its problems are not half-typed input)."""
        self._saved = values[0]
        self._clean = values
        self._converted = converted
        self._revealed = set()
        self._reveal_all = values[0].revision > 0
        self._context = context
        self._evaluate(values, reveal_new=False)

    def close(self) -> None:
        """Nothing is under edit any more."""
        self._saved = self._clean = self._values = None
        self._converted = False
        self._verdict = NOTHING
        self._changed()

    def edit(self, values: Values, field: str = "") -> None:
        """The user changed ``field`` (or several, ``""``): its errors show, and any error the edit brought."""
        if self._values is None:
            raise RuntimeError("no record loaded")
        if field:
            self._revealed.add(field)
        self._evaluate(values, reveal_new=True)

    def reveal(self, fields: set[str]) -> None:
        """These fields were filled in for the user (e.g. by Discover Settings): their errors show."""
        self._revealed |= fields
        self._changed()

    def set_context(self, context: RuleContext) -> None:
        """Other servers changed: re-run the rules (and show the errors that brings, e.g. a taken name)."""
        self._context = context
        if self._values is not None:
            self._evaluate(self._values, reveal_new=True)

    def reveal_all(self) -> None:
        """A save attempt: every error shows."""
        if not self._reveal_all:
            self._reveal_all = True
            self._changed()

    def mark_saved(self, record: ServerSettings, *, password_kept: bool = True) -> None:
        """``record`` (the store's normalised values, the new revision) was saved with the current
        password and OAuth settings; ``password_kept=False``: the keyring refused the typed password,
        which stays an unsaved change (Save again retries it)."""
        _old, password, oauth = self.values
        self._saved = record
        self._converted = False
        self._clean = (record, password if password_kept else None, oauth)
        self._evaluate((record, password, oauth), reveal_new=False)

    def revert(self, repository: SettingsRepository) -> ServerSettings | None:
        """Drop the edits: the saved version to show again, as the store has it now (another instance
        may have changed it). None when there is none (a new record, or deleted elsewhere): then
        nothing is under edit any more."""
        saved = self._saved
        fresh = repository.find(saved.id) if saved is not None and saved.revision > 0 else None
        if fresh is None:
            self.close()
        return fresh

    def save(
        self, repository: SettingsRepository, secrets: SecretStore, context_of: Callable[[], RuleContext]
    ) -> SaveResult:
        """The save workflow: the rules, the store (which checks them again, and the revision), then
        the keyring. ``context_of()`` gives the other servers as the store holds them now, read again
        after the store refused or saved. Nothing is reported saved that was not kept:
        on a conflict, a refusal or a failure the edits stay as they are, unsaved."""
        from outmail_gui.editing.save import SaveResult, save_server

        if not self.is_valid():
            self.reveal_all()
            return SaveResult(invalid=self.not_saved_reason())
        if not self.can_save():
            return SaveResult(unchanged=True)
        record, password, oauth = self.values
        result = save_server(repository, secrets, record, oauth, password)
        if result.invalid:  # the store's servers changed since: judge again against them
            self.set_context(context_of())
            self.reveal_all()
        elif result.saved is not None:
            self.mark_saved(result.saved, password_kept=not result.keyring_error)
            self.set_context(context_of())  # the other servers as the store holds them now
        return result

    # ----- internals

    def _evaluate(self, values: Values, *, reveal_new: bool) -> None:
        """The rules over ``values`` (the OAuth rules' findings at the OAuth row), and dirtiness."""
        before = {i.field for i in self.issues() if i.blocks_saving}
        record, _password, oauth = values
        issues = tuple(validate(record, self._context)) + tuple(
            dataclasses.replace(i, field="oauth") for i in validate_oauth(oauth)
        )
        replaces = ""
        if any(i.field == "is_default" and i.severity is Severity.NOTICE for i in issues):
            replaces = ", ".join(o.name for o in self._context.others if o.is_default and o.id != record.id)
        self._values = values
        self._verdict = Evaluation(
            issues=issues,
            valid=not any(i.blocks_saving for i in issues),
            dirty=values != self._clean,
            replaces_default=replaces,
        )
        if reveal_new:  # errors an edit (or other servers) just brought show at once
            self._revealed |= {i.field for i in issues if i.blocks_saving} - before
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()


def _typed_fields(protocol: Protocol) -> frozenset[str]:
    """The fields a user types or ticks (an error elsewhere shows at once)."""
    names = set(fields_for(protocol)) - {"protocol"}
    if protocol is Protocol.SMTP:
        names.add("oauth")
    return frozenset(names)


def _value(record: ServerSettings, name: str) -> object:
    return getattr(record, name, None)

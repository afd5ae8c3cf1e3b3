"""The server under edit, Qt-free: its issues by the one rules module and whether it is dirty.

The form widget shows this state and forwards edits (``evaluate`` after each); it no longer
decides validity or dirtiness itself. Which errors the user has already been shown stays a
matter of the form (when to show an error is presentation, not a rule).
"""

from __future__ import annotations

import dataclasses

from outmail_gui.domain.oauth import OAuthSettings, validate_oauth
from outmail_gui.domain.rules import Issue, RuleContext, Severity, validate
from outmail_gui.domain.settings import ServerSettings

Values = tuple[ServerSettings, str | None, OAuthSettings]  # the record, the typed password, OAuth settings


@dataclasses.dataclass(frozen=True, slots=True)
class Evaluation:
    """What the current values amount to."""

    issues: tuple[Issue, ...]
    valid: bool  # no issue blocks saving
    dirty: bool  # differs from what was loaded or last saved
    replaces_default: str  # the servers that stop being the default if this is saved ("" none)


class EditedServer:
    """What was loaded (or last saved), the rules' context, and the evaluation of the current values."""

    def __init__(self) -> None:
        self.context = RuleContext()
        self._baseline: Values | None = None
        self.last = Evaluation((), False, False, "")

    @property
    def baseline(self) -> Values | None:
        """The clean values (as loaded or last saved)."""
        return self._baseline

    def reset(self) -> None:
        """Nothing under edit."""
        self._baseline = None
        self.last = Evaluation((), False, False, "")

    def load(self, values: Values, context: RuleContext) -> Evaluation:
        """A record was shown: these values are the clean state."""
        self.context = context
        self._baseline = values
        return self.evaluate(values)

    def saved(self, values: Values, *, password_kept: bool = True) -> Evaluation:
        """The values were saved; ``password_kept=False``: the keyring refused the typed password,
        which stays an unsaved change."""
        record, password, oauth = values
        self._baseline = (record, password if password_kept else None, oauth)
        return self.evaluate(values)

    def evaluate(self, values: Values) -> Evaluation:
        """The rules over the current values (the OAuth rules' findings at the OAuth row), and dirtiness."""
        record, _password, oauth = values
        issues = tuple(validate(record, self.context)) + tuple(
            dataclasses.replace(i, field="oauth") for i in validate_oauth(oauth)
        )
        replaces = ""
        if any(i.field == "is_default" and i.severity is Severity.NOTICE for i in issues):
            replaces = ", ".join(o.name for o in self.context.others if o.is_default and o.id != record.id)
        self.last = Evaluation(
            issues=issues,
            valid=not any(i.blocks_saving for i in issues),
            dirty=values != self._baseline,
            replaces_default=replaces,
        )
        return self.last

"""Every hint the connection test can give starts with what to do, then says why.

Helpdesk staff read the hint ("What to do: …") to act on it: its first word is an instruction
from :data:`IMPERATIVES`. The walk covers each place hints are defined: the functions and tables
of :mod:`outmail_gui.probe.hints`, the Kerberos causes, the OAuth 2.0 meanings of a rejected
sign-in and the OAuth step's hints; and, read from the source, any hint still written inline where
a failure is raised (so a new one cannot slip past this test).
"""

from __future__ import annotations

import ast
import inspect
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import outmail_gui
from outmail_gui.domain.oauth import GrantType
from outmail_gui.oauth.errors import OAuthError, explain_smtp_rejection
from outmail_gui.probe import hints
from outmail_gui.probe.auth import kerberos_errors
from outmail_gui.probe.request import Security
from outmail_gui.ui.connection_test import oauth_step

IMPERATIVES = frozenset(
    {
        "Ask",
        "Change",
        "Check",
        "Choose",
        "Clear",
        "Correct",
        "Enter",
        "Give",
        "Install",
        "Join",
        "Press",
        "Re-authorize",
        "Report",
        "Select",
        "Set",
        "Sign",
        "Switch",
        "Tick",
        "Try",
        "Unlock",
        "Use",
    }
)

# Sample values for each parameter name of the hint functions; every combination is walked.
_SAMPLES: dict[str, tuple[Any, ...]] = {
    "host": ("mail.example",),
    "typed": ("", "mäil.example"),
    "port": (25, 465, 587, 2525),
    "security": tuple(Security),
    "usual": (hints.SMTP_USUAL_PORTS, hints.MAPI_USUAL_PORTS),
    "names": ([], ["a.example"], [f"n{i}.example" for i in range(7)]),
    "expired_on": ("", "2026-01-31"),
    "not_after": ("", "2026-01-31"),
    "what": ("EHLO reply", "greeting", "reply"),
    "mechanism": ("XOAUTH2",),
    "encrypted": (False, True),
    "kerberos_missing": (False, True),
    "temporary": (False, True),
    "code": (421, 454, 504, 530, 534, 535, 538, 550),
    "text": ("Error", "Must issue a STARTTLS command first", *(f"5.7.{n} Refused" for n in (4, 8, 9, 11, 30, 57, 139))),
    "default_field": (None,),
}
_ENGINE_SOURCES = ("probe", "oauth/probe_support.py", "ui/connection_test")
_FAILURES = {"ProbeFailure", "CertificateProblem", "ProtocolViolation", "EndlessReply", "ConnectionLost"}
_FAILURES |= {"DeadlineExceeded", "PreparationFailed", "MechanismError", "Hint"}


def _hint_functions() -> Iterator[tuple[str, Any]]:
    for name, function in inspect.getmembers(hints, inspect.isfunction):
        if function.__module__ == hints.__name__ and inspect.signature(function).return_annotation == "Hint":
            yield name, function


def _from_functions() -> Iterator[tuple[str, str]]:
    for name, function in _hint_functions():
        parameters = list(inspect.signature(function).parameters)
        for values in itertools.product(*(_SAMPLES[p] for p in parameters)):
            yield f"hints.{name}{values}", function(*values).text


def _from_tables() -> Iterator[tuple[str, str]]:
    for name, value in vars(hints).items():
        if isinstance(value, hints.Hint):
            yield f"hints.{name}", value.text
        elif isinstance(value, dict) and name.startswith("_BY"):
            yield from ((f"hints.{name}[{key!r}]", hint.text) for key, hint in value.items())


def _from_kerberos() -> Iterator[tuple[str, str]]:
    for cause, login_id in itertools.product(kerberos_errors.Cause, ("", "jdoe@CORP.EXAMPLE")):
        yield f"kerberos {cause.name}", kerberos_errors._hint(cause, login_id, "mail.example")[0]


def _from_oauth() -> Iterator[tuple[str, str]]:
    replies = ("535 5.7.139 Authentication unsuccessful", "535 5.7.30 Basic authentication is not supported")
    for reply, grant in itertools.product((*replies, "535 5.7.3 Authentication unsuccessful"), (None, *GrantType)):
        text = explain_smtp_rejection(535, reply, grant)
        if text:
            yield f"OAuth meaning of {reply!r} ({grant})", text
    codes = ("not_set_up", "no_secret", "invalid_client", "keyring", "no_token", "invalid_grant", "network")
    for code in codes:
        yield f"OAuth step {code}", oauth_step._token_hint(OAuthError("x", code=code))


def _literal_hints() -> Iterator[tuple[str, str]]:
    """Hints written inline (a text literal as the hint argument of a failure) in the engine's source."""
    root = Path(outmail_gui.__file__).parent
    sources = [root / source for source in _ENGINE_SOURCES]
    for path in [p for s in sources for p in ([s] if s.is_file() else sorted(s.rglob("*.py")))]:
        if path.name == "hints.py":
            continue  # its functions are called above, with every sample
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in _FAILURES:
                continue
            index = 0 if name == "Hint" else 1
            arguments = [*node.args[index : index + 1], *(k.value for k in node.keywords if k.arg == "hint")]
            for argument in arguments:
                text = _leading_text(argument)
                if text is not None:
                    yield f"{path.relative_to(root)}:{node.lineno}", text


def _leading_text(node: ast.expr) -> str | None:
    """The literal start of a text argument (a string or an f-string), or None when it is not a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def every_hint() -> list[tuple[str, str]]:
    return [*_from_functions(), *_from_tables(), *_from_kerberos(), *_from_oauth(), *_literal_hints()]


def test_the_walk_finds_the_hints_of_every_source() -> None:
    found = every_hint()
    assert len(list(_hint_functions())) >= 30 and len(found) > 150
    assert any(where.startswith("kerberos") for where, _ in found)
    assert sum(where.startswith("OAuth") for where, _ in found) >= 10
    assert any("5.7.8" in where for where, _ in found)


def test_each_hint_starts_with_what_to_do() -> None:
    wrong = []
    for where, text in every_hint():
        if not text:
            continue  # no hint: nothing specific is known (the failed step says what happened)
        if text.split(" ", 1)[0].rstrip(",:;") not in IMPERATIVES:
            wrong.append(f"{where}: does not start with an instruction: {text!r}")
        if "..." in text or "e-mail" in text.lower():
            wrong.append(f"{where}: one ellipsis (…) and one spelling (email): {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_sign_in_hint_reads_as_the_issue_asks() -> None:
    rejected = hints.for_reply(535, "5.7.8 Authentication credentials invalid")
    assert rejected is not None and rejected.field == "password"
    assert rejected.text.startswith("Check the Login ID and retype the password: the server rejected them.")

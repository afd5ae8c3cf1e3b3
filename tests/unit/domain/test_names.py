"""One name rule for servers, partitions and analysts: stored NFC, compared NFKC-case-folded
without invisible characters; bidi controls and invisible-only names refused. The same
answer from the rules, the partition and analyst rules, and routing."""

from __future__ import annotations

import pytest

from outmail_gui.domain.analysts import Analyst, analyst_issues, find_analyst
from outmail_gui.domain.names import clean_name, name_problem, normalized_name, same_name
from outmail_gui.domain.partitions import find_partition, partition_name_problem
from outmail_gui.domain.routing import resolve, route_table
from outmail_gui.domain.rules import RuleContext, Severity, validate
from outmail_gui.domain.settings import ServerSettings, new_server

CAFE_NFC = "Caf\u00e9"
CAFE_NFD = "Cafe\u0301"

# Pairs that look the same (or differ only by case) and must be one name.
SAME = [
    (CAFE_NFC, CAFE_NFD),
    ("Mail", "Ma\u200bil"),  # zero-width space
    ("Mail", "Ma\u00adil"),  # soft hyphen
    ("Mail", "Mail\u2060"),  # word joiner
    ("Mail", "M\ufe0fail"),  # variation selector
    ("Mail", "\uff2d\uff41\uff49\uff4c"),  # full-width letters (NFKC)
    ("HR", "hr"),
    ("Stra\u00dfe", "STRASSE"),  # full case folding, not lower()
    ("\u0394elta", "\u03b4ELTA"),  # Greek, which COLLATE NOCASE does not fold
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_names_that_look_the_same_are_the_same_name(a: str, b: str) -> None:
    assert normalized_name(a) == normalized_name(b)
    assert same_name(a, b) and same_name(f"  {a} ", b)


def test_different_names_stay_different() -> None:
    assert not same_name("Mail", "Mail 2")
    assert not same_name("Cafe", CAFE_NFC)  # the accent is visible
    assert same_name(None, None) and not same_name(None, "HR") and not same_name("HR", None)


def test_names_are_stored_nfc_and_trimmed() -> None:
    assert clean_name(f"  {CAFE_NFD} ") == CAFE_NFC
    record = new_server("smtp", name=CAFE_NFD, partition=f" {CAFE_NFD}").cleaned()
    assert record.name == CAFE_NFC and record.partition == CAFE_NFC


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u2060", "\u00ad", "\u3164", "\ufe0f "])
def test_names_with_nothing_visible_are_refused(name: str) -> None:
    assert name_problem(name, "the name", "empty") == "The name has no visible characters."
    assert partition_name_problem(name, []) == "The partition name has no visible characters."
    assert analyst_issues(Analyst(name, email="a@example.com"), [])[0].message == (
        "The login name has no visible characters."
    )


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u061c"])
def test_names_with_bidi_controls_are_refused(control: str) -> None:
    name = f"Invoice{control}fdp.exe"
    assert "bidi controls" in (name_problem(name, "the name", "empty") or "")
    assert "bidi controls" in (partition_name_problem(name, []) or "")
    server = new_server("smtp", name=name, server="smtp.example.com", outgoing_email_id="a@example.com")
    issues = [i for i in validate(server) if i.field == "name"]
    assert [i.severity for i in issues] == [Severity.ERROR] and "bidi controls" in issues[0].message


def smtp(name: str, partition: str | None = None, **fields: object) -> ServerSettings:
    return new_server(
        "smtp", name=name, server="smtp.example.com", outgoing_email_id="a@example.com", partition=partition, **fields
    )


@pytest.mark.parametrize(("a", "b"), SAME)
def test_server_names_are_unique_by_the_one_rule(a: str, b: str) -> None:
    issues = validate(smtp(b), RuleContext(others=[smtp(a)]))
    assert [i.field for i in issues if i.severity is Severity.ERROR] == ["name"]


@pytest.mark.parametrize(("stored", "typed"), SAME)
def test_partition_rules_and_lookups_agree(stored: str, typed: str) -> None:
    assert find_partition(typed, ["Other", stored]) == stored
    assert "must be unique" in (partition_name_problem(typed, [stored]) or "")
    assert partition_name_problem(typed, [stored], renaming=stored) is None
    # The form's and CLI's rules know the partition by any spelling of its name.
    context = RuleContext(partitions=frozenset({stored}))
    assert not [i for i in validate(smtp("New", typed), context) if i.field == "partition"]


@pytest.mark.parametrize(("stored", "typed"), SAME)
def test_the_another_active_server_warning_sees_every_spelling(stored: str, typed: str) -> None:
    rival = smtp("Rival", stored)
    context = RuleContext(others=[rival], partitions=frozenset({stored}))
    warnings = [i for i in validate(smtp("New", typed), context) if i.field == "partition"]
    assert [i.severity for i in warnings] == [Severity.WARNING] and "'Rival' also sends" in warnings[0].message


@pytest.mark.parametrize(("stored", "typed"), SAME)
def test_routing_treats_every_spelling_as_one_partition(stored: str, typed: str) -> None:
    one, two = smtp("One", stored), smtp("Two", typed)
    route = resolve(stored, [one, two], partitioning_enabled=True)
    assert route.candidates == (one, two)
    table = route_table([one, two], [stored], partitioning_enabled=True)
    assert [r.partition for r in table] == [stored, None]


@pytest.mark.parametrize(("stored", "typed"), SAME)
def test_analyst_logins_and_grants_use_the_one_rule(stored: str, typed: str) -> None:
    ann = Analyst(stored.replace(" ", ""), email="a@example.com", partitions=frozenset({stored}))
    assert find_analyst(typed.replace(" ", ""), [ann]) is ann
    assert ann.may_access(typed)
    clash = analyst_issues(Analyst(typed.replace(" ", ""), email="b@example.com"), [ann])
    assert [(i.field, i.severity) for i in clash] == [("login", Severity.ERROR)]

"""Partition-name and analyst rules (plain functions the dialog, store and importer share)."""

from __future__ import annotations

import pytest

from outmail_gui.domain.analysts import Analyst, analyst_issues, find_analyst
from outmail_gui.domain.partitions import (
    NO_PARTITION_LABEL,
    clean_partition_name,
    find_partition,
    partition_label,
    partition_name_problem,
)
from outmail_gui.domain.rules import MAX_NAME_LENGTH, Severity


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "Enter a name"),
        ("   ", "Enter a name"),
        ("Sa\nles", "control characters"),
        ("Sales\x00", "control characters"),
        ("Sales\n", "control characters"),
        ("x" * (MAX_NAME_LENGTH + 1), "longer than"),
        ("sales", "must be unique: 'Sales' already exists"),
        ("  SALES ", "must be unique"),
    ],
)
def test_bad_partition_names_are_refused_with_a_reason(name: str, fragment: str) -> None:
    problem = partition_name_problem(name, ["Sales", "Support"])
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("name", ["HR", "  Finance ", "Zürich Office", "x" * MAX_NAME_LENGTH])
def test_good_partition_names_pass(name: str) -> None:
    assert partition_name_problem(name, ["Sales"]) is None


def test_a_rename_may_keep_its_own_name_in_another_case() -> None:
    assert partition_name_problem("SALES", ["Sales", "HR"], renaming="Sales") is None
    assert partition_name_problem("hr", ["Sales", "HR"], renaming="Sales") is not None


def test_names_are_stored_trimmed_and_found_case_insensitively() -> None:
    assert clean_partition_name("  Sales \t") == "Sales"
    assert find_partition("SALES", ["HR", "Sales"]) == "Sales"
    assert find_partition("IT", ["HR"]) is None


def test_partition_labels() -> None:
    assert partition_label(None) == NO_PARTITION_LABEL == "(no partition)"
    assert partition_label("HR") == "HR"


def _fields(analyst: Analyst, others: list[Analyst] | None = None, renaming: str | None = None) -> dict[str, Severity]:
    return {i.field: i.severity for i in analyst_issues(analyst, others or [], renaming=renaming)}


def test_a_complete_analyst_has_no_issue() -> None:
    assert _fields(Analyst("ann", "Ann Lee", "ann@example.com")) == {}


@pytest.mark.parametrize("login", ["", "  ", "ann lee", "ann\n", "x" * (MAX_NAME_LENGTH + 1)])
def test_bad_logins_are_errors(login: str) -> None:
    assert _fields(Analyst(login, email="a@example.com")) == {"login": Severity.ERROR}


def test_logins_are_unique_case_insensitively_except_for_the_one_renamed() -> None:
    others = [Analyst("Ann", email="a@example.com")]
    issues = analyst_issues(Analyst("ANN", email="b@example.com"), others)
    assert [(i.field, i.severity) for i in issues] == [("login", Severity.ERROR)]
    assert "'Ann' already exists" in issues[0].message
    assert _fields(Analyst("ANN", email="b@example.com"), others, renaming="ann") == {}


def test_bad_display_name_and_address_are_errors_and_a_missing_address_a_warning() -> None:
    assert _fields(Analyst("ann", "Ann\nLee", "not-an-address")) == {
        "display_name": Severity.ERROR,
        "email": Severity.ERROR,
    }
    assert _fields(Analyst("ann", "x" * 400, "a@example.com")) == {"display_name": Severity.ERROR}
    assert _fields(Analyst("ann")) == {"email": Severity.WARNING}


def test_analyst_label_mailbox_and_access() -> None:
    ann = Analyst("ann", "Ann Lee", " ann@example.com ", frozenset({"Sales"}))
    assert ann.label == "Ann Lee (ann)"
    assert Analyst("bob").label == "bob"
    assert ann.mailbox == "Ann Lee <ann@example.com>"
    assert Analyst("bob").mailbox is None
    assert ann.may_access("SALES") and ann.may_access(None)
    assert not ann.may_access("HR")


def test_find_analyst_is_case_insensitive() -> None:
    team = [Analyst("Ann"), Analyst("bob")]
    assert find_analyst("ANN", team) == team[0]
    assert find_analyst("carol", team) is None

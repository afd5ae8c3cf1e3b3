"""``ServerSettings.cleaned()``: values are tidied once, in the domain, for every caller."""

from __future__ import annotations

import pytest

from outmail_gui.domain import rules
from outmail_gui.domain.addresses import clean_host
from outmail_gui.domain.settings import new_server


def test_text_fields_lose_surrounding_blanks() -> None:
    record = new_server(
        "smtp",
        name="  Spaced  ",
        server=" t.example.com ",
        login_id=" bob ",
        outgoing_email_id=" a@example.com ",
        partition="  Sales ",
    )
    clean = record.cleaned()
    assert (clean.name, clean.server, clean.login_id, clean.outgoing_email_id, clean.partition) == (
        "Spaced",
        "t.example.com",
        "bob",
        "a@example.com",
        "Sales",
    )
    assert (clean.id, clean.revision, clean.protocol) == (record.id, record.revision, record.protocol)


def test_a_blank_partition_becomes_none_and_a_clean_record_is_returned_as_is() -> None:
    assert new_server("smtp", name="A", partition="   ").cleaned().partition is None
    clean = new_server("smtp", name="A", server="a.example", outgoing_email_id="a@example.com")
    assert clean.cleaned() is clean


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("::1", "::1"),
        ("[::1]", "::1"),
        (" [ 2001:db8::1 ] ", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[not:an:address]", "[not:an:address]"),  # left for the rules to report as typed
        ("[1.2.3.4]", "[1.2.3.4]"),
        ("smtp.example.com", "smtp.example.com"),
    ],
)
def test_ipv6_literals_are_stored_the_same_way_with_or_without_brackets(typed: str, stored: str) -> None:
    assert clean_host(typed) == stored
    assert new_server("smtp", server=typed).cleaned().server == stored


def test_cleaning_never_changes_what_the_rules_decide() -> None:
    for server in ("[::1]", " smtp.example.com ", "[not:an:address]", " "):
        record = new_server("smtp", name=" A ", server=server, outgoing_email_id=" a@example.com ")
        assert {(i.field, i.severity) for i in rules.validate(record)} == {
            (i.field, i.severity) for i in rules.validate(record.cleaned())
        }


def test_exchange_message_never_ends_in_two_full_stops() -> None:
    record = new_server("smtp", name="X", server="SMTP.Office365.COM.", use_ssl=False, outgoing_email_id="a@b.com")
    message = next(i.message for i in rules.validate(record) if i.field == "use_ssl")
    assert ".." not in message and "SMTP.Office365.COM" in message


@pytest.mark.parametrize(("rivals", "verb"), [(1, "also sends for"), (2, "also send for")])
def test_partition_rivals_message_agrees_in_number(rivals: int, verb: str) -> None:
    others = [new_server("smtp", name=f"R{n}", partition="Sales") for n in range(rivals)]
    record = new_server("smtp", name="Me", partition="Sales")
    issue = next(i for i in rules.validate(record, rules.RuleContext(others=others)) if i.field == "partition")
    assert verb in issue.message and "send(s)" not in issue.message

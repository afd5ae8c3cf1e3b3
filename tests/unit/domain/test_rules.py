"""Each validation rule of the documentation, one by one."""

from __future__ import annotations

from typing import Any

import pytest

from outmail_gui.domain import rules
from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.rules import NEEDS_PARTITION, RuleContext, Severity, validate
from outmail_gui.domain.settings import ServerSettings, new_server

TEXT_FIELDS = ("name", "server", "login_id", "outgoing_email_id", "pager_encoding", "partition")


def smtp(**changes: Any) -> ServerSettings:
    base: dict[str, Any] = {"name": "Main", "server": "smtp.example.com", "outgoing_email_id": "desk@example.com"}
    base.update(changes)
    return new_server("smtp", **base)


def issues_for(record: ServerSettings, field: str, context: RuleContext | None = None) -> list[rules.Issue]:
    return [i for i in validate(record, context) if i.field == field]


def test_a_complete_record_has_no_errors() -> None:
    assert rules.errors(validate(smtp())) == []


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_name_is_required(name: str) -> None:
    (issue,) = issues_for(smtp(name=name), "name")
    assert issue.severity is Severity.ERROR and "Enter a name" in issue.message


def test_name_length_is_limited() -> None:
    assert issues_for(smtp(name="x" * (rules.MAX_NAME_LENGTH + 1)), "name")
    assert not issues_for(smtp(name="x" * rules.MAX_NAME_LENGTH), "name")


@pytest.mark.parametrize("other_name", ["Main", "main", "  MAIN  ", "mAiN\u00a0"])
def test_name_is_unique_case_insensitively_and_trimmed(other_name: str) -> None:
    other = smtp(name=other_name)
    (issue,) = issues_for(smtp(name="Main"), "name", RuleContext(others=[other]))
    assert issue.blocks_saving and "unique" in issue.message


def test_name_may_equal_the_records_own_stored_name() -> None:
    record = smtp(name="Main")
    assert not issues_for(record.with_changes(name="MAIN"), "name", RuleContext(others=[record]))


def test_normalized_name() -> None:
    assert normalized_name("  Straße ") == normalized_name("STRASSE")


@pytest.mark.parametrize(
    "host",
    [
        "smtp.example.com",
        "localhost",
        "bücher.example",
        "xn--bcher-kva.example",
        "192.0.2.10",
        "2001:db8::1",
        "[2001:db8::1]",
        "mail.example.com.",
    ],
)
def test_valid_hosts(host: str) -> None:
    assert not issues_for(smtp(server=host), "server")


@pytest.mark.parametrize(
    ("host", "text"),
    [
        ("", "Enter the server"),
        ("smtp example.com", "spaces"),
        ("999.1.1.1", "IPv4"),
        ("2001:db8::zz", "IPv6"),
        ("smtp.example.com:25", "IPv6"),
        ("-bad-.example.com", "not a valid host name"),
        ("a" * 64 + ".example.com", "not a valid host name"),
    ],
)
def test_invalid_hosts(host: str, text: str) -> None:
    (issue,) = issues_for(smtp(server=host), "server")
    assert issue.blocks_saving and text in issue.message


@pytest.mark.parametrize(
    ("port", "ok"), [(0, False), (1, True), (25, True), (65535, True), (65536, False), (-1, False)]
)
def test_port_range(port: int, ok: bool) -> None:
    assert bool(issues_for(smtp(port=port), "port")) is not ok


@pytest.mark.parametrize(
    ("timeout", "ok"),
    [(0, False), (1, True), (120, True), (rules.MAX_TIMEOUT_S, True), (rules.MAX_TIMEOUT_S + 1, False)],
)
def test_timeout_bounds(timeout: int, ok: bool) -> None:
    assert bool(issues_for(smtp(connection_timeout_s=timeout), "connection_timeout_s")) is not ok


def test_timeout_is_not_checked_for_mapi() -> None:
    record = new_server("mapi", name="M", outgoing_email_id="a@example.com", connection_timeout_s=0)
    assert not issues_for(record, "connection_timeout_s")


@pytest.mark.parametrize("address", ["desk@example.com", "first.last+tag@sub.example.org", "jörg@bücher.example"])
def test_valid_email(address: str) -> None:
    assert not issues_for(smtp(outgoing_email_id=address), "outgoing_email_id")


@pytest.mark.parametrize("address", ["desk", "desk@", "@example.com", "a b@example.com", "desk@@example.com"])
def test_invalid_email(address: str) -> None:
    (issue,) = issues_for(smtp(outgoing_email_id=address), "outgoing_email_id")
    assert issue.blocks_saving


def test_outgoing_email_id_optional_only_with_sent_from_analyst() -> None:
    assert issues_for(smtp(outgoing_email_id=""), "outgoing_email_id")
    assert not issues_for(smtp(outgoing_email_id="", sent_from_analyst=True), "outgoing_email_id")


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("bad", ["\n", "\r", "\x00", "\x1b", "\u2028", "\x85"])
def test_control_characters_are_refused_in_every_text_field(field: str, bad: str) -> None:
    record = smtp(**{field: f"a{bad}b"})
    found = issues_for(record, field)
    assert found and found[0].blocks_saving and "control characters" in found[0].message


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_overlong_text_is_refused(field: str) -> None:
    assert rules.errors(issues_for(smtp(**{field: "a" * (rules.MAX_TEXT_LENGTH + 1)}), field))


@pytest.mark.parametrize("host", ["smtp.office365.com", "SMTP.Office365.com", "eu.smtp.outlook.com", "outlook.com"])
def test_exchange_365_requires_ssl(host: str) -> None:
    (issue,) = issues_for(smtp(server=host, use_ssl=False), "use_ssl")
    assert issue.blocks_saving and "Exchange 365" in issue.message
    assert not issues_for(smtp(server=host, use_ssl=True), "use_ssl")


def test_other_hosts_may_turn_ssl_off() -> None:
    assert not issues_for(smtp(server="relay.example.com", use_ssl=False), "use_ssl")
    assert not issues_for(smtp(server="notoutlook.com.example", use_ssl=False), "use_ssl")


def test_unknown_pager_encoding() -> None:
    (issue,) = issues_for(smtp(pager_encoding="klingon-8"), "pager_encoding")
    assert issue.blocks_saving
    assert not issues_for(smtp(pager_encoding="iso-8859-15"), "pager_encoding")


def test_mapi_is_warned_as_unsupported_but_allowed() -> None:
    record = new_server("mapi", name="Legacy", outgoing_email_id="a@example.com")
    (issue,) = issues_for(record, "protocol")
    assert issue.severity is Severity.WARNING and "10.5" in issue.message
    assert rules.errors(validate(record)) == []


def test_new_mapi_needs_the_mapi_mail_server() -> None:
    record = new_server("mapi", name="Legacy", outgoing_email_id="a@example.com")
    context = RuleContext(mapi_mail_server_configured=False)
    assert any(i.message == rules.MAPI_NEEDS_MAIL_SERVER for i in rules.errors(validate(record, context)))
    saved = record.with_changes(revision=3)  # an existing legacy record stays editable
    assert rules.errors(validate(saved, context)) == []
    # The same rule answers the window's New MAPI action (enabled, or disabled with the reason).
    assert rules.mapi_addition_problem(False) == rules.MAPI_NEEDS_MAIL_SERVER
    assert rules.mapi_addition_problem(True) is None


def test_no_authentication_is_a_notice() -> None:
    (issue,) = issues_for(smtp(auth_auto=False), "auth_methods")
    assert issue.severity is Severity.NOTICE and issue.message == rules.NO_AUTHENTICATION
    assert not issue.blocks_saving


def test_second_active_server_in_a_partition_is_warned() -> None:
    other = smtp(name="Other", partition="Sales")
    context = RuleContext(others=[other], partitions=frozenset({"Sales"}))
    (issue,) = issues_for(smtp(partition="Sales"), "partition", context)
    assert issue.severity is Severity.WARNING and "simply selects one" in issue.message
    assert not issues_for(smtp(partition="Sales", active=False), "partition", context)
    inactive_other = RuleContext(others=[other.with_changes(active=False)], partitions=frozenset({"Sales"}))
    assert not issues_for(smtp(partition="Sales"), "partition", inactive_other)


def test_unknown_partition_is_an_error() -> None:
    context = RuleContext(partitions=frozenset({"Sales"}))
    (issue,) = issues_for(smtp(partition="Support"), "partition", context)
    assert issue.blocks_saving
    assert not issues_for(smtp(partition="Support"), "partition", RuleContext(partitions=None))


def test_default_replacement_is_a_notice() -> None:
    previous = smtp(name="Old default", is_default=True)
    (issue,) = issues_for(smtp(is_default=True), "is_default", RuleContext(others=[previous]))
    assert issue.severity is Severity.NOTICE and "Old default" in issue.message
    assert not issues_for(smtp(is_default=False), "is_default", RuleContext(others=[previous]))


def test_a_login_that_may_not_save_a_server_without_a_partition_is_asked_for_one() -> None:
    record = new_server("smtp", name="Relay", server="smtp.example.com", outgoing_email_id="it@example.com")
    needs = RuleContext(partitions_enabled=True, partitions=frozenset({"HR"}), unpartitioned_allowed=False)
    assert [i.message for i in validate(record, needs) if i.field == "partition"] == [NEEDS_PARTITION]
    assert [i for i in validate(record.with_changes(partition="HR"), needs) if i.field == "partition"] == []
    assert [i for i in validate(record, RuleContext()) if i.field == "partition"] == []

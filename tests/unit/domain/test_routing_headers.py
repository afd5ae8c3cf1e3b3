"""From and Reply-To for an analyst: Outgoing Email ID, Sent From Analyst, Reply to Forwarding Analyst."""

from __future__ import annotations

from typing import Any

import pytest

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.routing import ProblemKind, headers_for
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import ServerSettings, new_server

ANN = Analyst("ann", "Ann Lee", "ann@example.com")
NO_MAIL = Analyst("nomail", "No Mail")


def srv(**fields: Any) -> ServerSettings:
    fields.setdefault("outgoing_email_id", "helpdesk@example.com")
    return new_server("smtp", name="Desk", server="mail.example.com", **fields)


def test_neither_option_uses_the_outgoing_email_id_and_no_reply_to() -> None:
    headers = headers_for(srv(), ANN)
    assert headers.from_ == "helpdesk@example.com"
    assert headers.reply_to is None
    assert headers.replies_go_to == "helpdesk@example.com"
    assert headers.problems == ()


def test_sent_from_analyst_puts_the_analyst_in_from_and_replies_go_to_the_outgoing_id() -> None:
    headers = headers_for(srv(sent_from_analyst=True), ANN)
    assert headers.from_ == "Ann Lee <ann@example.com>"
    # The spec: with Reply to Forwarding Analyst cleared, replies go to the Outgoing Email ID.
    assert headers.reply_to == "helpdesk@example.com"
    assert headers.problems == ()


def test_reply_to_forwarding_analyst_sets_reply_to_the_analyst() -> None:
    headers = headers_for(srv(reply_to_forwarding_analyst=True), ANN)
    assert headers.from_ == "helpdesk@example.com"
    assert headers.reply_to == "Ann Lee <ann@example.com>"
    assert headers.replies_go_to == "Ann Lee <ann@example.com>"


def test_both_options_use_the_analyst_for_both_headers() -> None:
    headers = headers_for(srv(sent_from_analyst=True, reply_to_forwarding_analyst=True), ANN)
    assert headers.from_ == headers.reply_to == "Ann Lee <ann@example.com>"


def test_sent_from_analyst_without_outgoing_id_has_no_reply_to() -> None:
    headers = headers_for(srv(sent_from_analyst=True, outgoing_email_id=""), ANN)
    assert headers.from_ == "Ann Lee <ann@example.com>"
    assert headers.reply_to is None and headers.problems == ()


def test_an_analyst_without_display_name_is_a_bare_address() -> None:
    headers = headers_for(srv(sent_from_analyst=True), Analyst("joe", email="joe@example.com"))
    assert headers.from_ == "joe@example.com"


def test_display_names_with_specials_are_quoted() -> None:
    odd = Analyst("odd", "Lee, Ann", "ann@example.com")
    assert headers_for(srv(sent_from_analyst=True), odd).from_ == '"Lee, Ann" <ann@example.com>'


@pytest.mark.parametrize("analyst", [NO_MAIL, None], ids=["without-address", "unknown"])
def test_sent_from_analyst_without_an_address_falls_back_with_a_warning(analyst: Analyst | None) -> None:
    headers = headers_for(srv(sent_from_analyst=True), analyst)
    assert headers.from_ == "helpdesk@example.com"
    assert headers.reply_to is None
    assert [p.kind for p in headers.problems] == [ProblemKind.ANALYST_WITHOUT_ADDRESS]
    assert headers.problems[0].severity is Severity.WARNING
    expected = "analyst 'nomail' has no email address" if analyst else "no known analyst"
    assert expected in headers.problems[0].message


def test_reply_to_forwarding_analyst_without_an_address_falls_back_with_a_warning() -> None:
    headers = headers_for(srv(reply_to_forwarding_analyst=True), NO_MAIL)
    assert headers.reply_to is None
    assert headers.replies_go_to == "helpdesk@example.com"
    assert [p.kind for p in headers.problems] == [ProblemKind.ANALYST_WITHOUT_ADDRESS]
    assert "replies go to the Outgoing Email ID" in headers.problems[0].message


def test_no_address_at_all_means_no_from() -> None:
    headers = headers_for(srv(sent_from_analyst=True, outgoing_email_id=""), NO_MAIL)
    assert headers.from_ is None
    assert [p.kind for p in headers.problems] == [ProblemKind.NO_FROM]
    assert headers.problems[0].severity is Severity.ERROR
    # No claim of a fallback to an Outgoing Email ID that is empty.
    assert "falls back" not in headers.problems[0].message
    assert "no Outgoing Email ID" in headers.problems[0].message


def test_blank_outgoing_email_id_counts_as_missing() -> None:
    headers = headers_for(srv(outgoing_email_id="   "), ANN)
    assert headers.from_ is None
    assert [p.kind for p in headers.problems] == [ProblemKind.NO_FROM]


def test_reply_to_forwarding_analyst_without_any_address_claims_no_fallback() -> None:
    headers = headers_for(srv(sent_from_analyst=True, reply_to_forwarding_analyst=True, outgoing_email_id=""), NO_MAIL)
    assert (headers.from_, headers.reply_to) == (None, None)
    messages = " ".join(p.message for p in headers.problems)
    assert "falls back" not in messages and "replies go to the Outgoing Email ID" not in messages
    assert "no Outgoing Email ID for replies to go to" in messages


def test_options_needing_the_analyst_are_named_only_without_an_outgoing_email_id() -> None:
    from outmail_gui.domain.routing import analyst_options_without_fallback

    assert analyst_options_without_fallback(srv(sent_from_analyst=True, reply_to_forwarding_analyst=True)) == ()
    assert analyst_options_without_fallback(srv(outgoing_email_id="  ")) == ()
    both = srv(sent_from_analyst=True, reply_to_forwarding_analyst=True, outgoing_email_id=" ")
    assert analyst_options_without_fallback(both) == ("Sent From Analyst", "Reply to Forwarding Analyst")
    assert analyst_options_without_fallback(srv(sent_from_analyst=True, outgoing_email_id="")) == ("Sent From Analyst",)

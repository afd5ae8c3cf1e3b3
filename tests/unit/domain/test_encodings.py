"""Pager encodings: only the listed text encodings, everywhere (rules, CLI, import, probe, form)."""

from __future__ import annotations

import pytest

from outmail_gui.domain.encodings import PAGER_ENCODINGS, encode_pager_text, is_known_encoding, pager_encoding
from outmail_gui.domain.rules import Severity, validate
from outmail_gui.domain.settings import new_server
from outmail_gui.probe import ProbeRequest
from outmail_gui.probe.errors import ProbeFailure
from outmail_gui.probe.message import build_test_message

NOT_TEXT = ["rot13", "base64", "idna", "hex", "zlib", "punycode", "uu", "quopri", "bz2", "undefined"]


@pytest.mark.parametrize("name", [*NOT_TEXT, "klingon-8", "", "utf-8\x00", "x" * 5000])
def test_codecs_that_are_not_listed_text_encodings_are_refused(name: str) -> None:
    assert not is_known_encoding(name) and pager_encoding(name) is None
    record = new_server("smtp", name="S", server="smtp.example.com", outgoing_email_id="a@example.com")
    issues = [i for i in validate(record.with_changes(pager_encoding=name)) if i.field == "pager_encoding"]
    assert issues and all(i.severity is Severity.ERROR and len(i.message) < 400 for i in issues)
    assert any("utf-8, us-ascii" in i.message or "control characters" in i.message for i in issues)
    with pytest.raises(ValueError, match="not one of the pager encodings"):
        encode_pager_text("x", name)


@pytest.mark.parametrize("name", PAGER_ENCODINGS)
def test_every_listed_encoding_is_accepted_as_listed(name: str) -> None:
    assert pager_encoding(name) == name and pager_encoding(name.upper()) == name


@pytest.mark.parametrize(
    ("alias", "listed"), [("latin-1", "iso-8859-1"), ("UTF8", "utf-8"), ("cp1252", "windows-1252")]
)
def test_an_alias_is_stored_as_the_listed_spelling(alias: str, listed: str) -> None:
    assert new_server("smtp", pager_encoding=alias).cleaned().pager_encoding == listed


@pytest.mark.parametrize("name", ["rot13", "base64", "idna"])
def test_a_pager_test_with_a_stored_bad_encoding_fails_with_our_message(name: str) -> None:
    request = ProbeRequest(
        host="h", from_address="a@example.com", to_address="b@example.com", pager=True, pager_encoding=name
    )
    with pytest.raises(ProbeFailure) as failure:
        build_test_message(request)
    assert failure.value.field == "pager_encoding"
    assert failure.value.message.startswith(f"Unknown encoding {name!r}") and "Unexpected" not in failure.value.message

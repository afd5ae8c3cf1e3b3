"""The settings record: documented defaults, fixed protocol and id, JSON mapping, conversion."""

from __future__ import annotations

import pytest

from outmail_gui.domain.settings import (
    DEFAULT_CONNECTION_TIMEOUT_S,
    DEFAULT_MAPI_PORT,
    DEFAULT_SMTP_PORT,
    MAPI_FIELDS,
    SMTP_FIELDS,
    AuthMethod,
    Protocol,
    ServerSettings,
    convert_to_smtp,
    fields_for,
    new_server,
    settings_from_dict,
)


def test_smtp_defaults_follow_the_documentation() -> None:
    record = new_server("smtp")
    assert record.protocol is Protocol.SMTP
    assert record.port == DEFAULT_SMTP_PORT == 25
    assert record.use_ssl is True
    assert record.auth_auto is True
    assert record.auth_methods == frozenset()
    assert record.connection_timeout_s == DEFAULT_CONNECTION_TIMEOUT_S == 120
    assert record.active is True
    assert record.is_default is False
    assert record.chunking is False
    assert record.server == ""
    assert record.partition is None
    assert record.revision == 0


def test_mapi_defaults_follow_the_documentation() -> None:
    record = new_server(Protocol.MAPI)
    assert record.protocol is Protocol.MAPI
    assert record.server == "localhost"
    assert record.port == DEFAULT_MAPI_PORT == 593
    assert record.use_ssl is False
    assert record.use_nt_authentication is False


def test_each_new_record_gets_its_own_stable_id() -> None:
    first, second = new_server("smtp"), new_server("smtp")
    assert first.id != second.id
    assert len(first.id) == 32
    assert first.with_changes(name="renamed").id == first.id


@pytest.mark.parametrize("field", ["protocol", "id"])
def test_protocol_and_id_cannot_change(field: str) -> None:
    record = new_server("smtp")
    other = Protocol.MAPI if field == "protocol" else "0" * 32
    with pytest.raises(ValueError, match="fixed at creation"):
        record.with_changes(**{field: other})


def test_with_changes_accepts_the_same_protocol_and_id() -> None:
    record = new_server("smtp")
    assert record.with_changes(protocol=Protocol.SMTP, id=record.id, port=587).port == 587


def test_record_is_immutable() -> None:
    record = new_server("smtp")
    with pytest.raises(AttributeError):
        record.port = 2525  # type: ignore[misc]


def test_field_lists_per_protocol() -> None:
    assert fields_for(Protocol.SMTP) == SMTP_FIELDS
    assert fields_for(Protocol.MAPI) == MAPI_FIELDS
    assert "use_ssl" in SMTP_FIELDS and "use_ssl" not in MAPI_FIELDS
    assert "use_nt_authentication" in MAPI_FIELDS and "use_nt_authentication" not in SMTP_FIELDS
    assert "chunking" not in MAPI_FIELDS


def test_convert_to_smtp_keeps_shared_fields_and_id() -> None:
    mapi = new_server(
        "mapi",
        name="Legacy",
        server="exchange.example.com",
        login_id="svc",
        send_receipt=True,
        outgoing_email_id="helpdesk@example.com",
        is_default=True,
        sent_from_analyst=True,
        reply_to_forwarding_analyst=True,
        partition="Sales",
        revision=4,
        use_nt_authentication=True,
    )
    smtp = convert_to_smtp(mapi)
    assert smtp.protocol is Protocol.SMTP
    assert (smtp.id, smtp.revision) == (mapi.id, 4)
    for field in ("name", "server", "login_id", "send_receipt", "outgoing_email_id", "is_default", "partition"):
        assert getattr(smtp, field) == getattr(mapi, field)
    assert smtp.port == 25  # the MAPI default port becomes the SMTP default
    assert smtp.use_ssl is True and smtp.auth_auto is True


def test_convert_to_smtp_keeps_a_port_chosen_on_purpose() -> None:
    assert convert_to_smtp(new_server("mapi", port=2525)).port == 2525


def test_convert_to_smtp_refuses_smtp_records() -> None:
    with pytest.raises(ValueError, match="only a MAPI record"):
        convert_to_smtp(new_server("smtp"))


def test_to_dict_and_back_round_trips() -> None:
    record = new_server(
        "smtp",
        name="Main",
        auth_auto=False,
        auth_methods=frozenset({AuthMethod.CRAM_MD5, AuthMethod.LOGIN}),
        partition="Sales",
        revision=3,
    )
    data = record.to_dict()
    assert data["protocol"] == "smtp"
    assert data["auth_methods"] == ["CRAM-MD5", "LOGIN"]
    assert "password" not in data
    assert settings_from_dict(data) == record


def test_settings_from_dict_fills_defaults_and_ignores_password() -> None:
    record = settings_from_dict({"protocol": "MAPI", "name": "x", "password": "ignored"})
    assert record.protocol is Protocol.MAPI and record.port == 593 and record.server == "localhost"
    assert "ignored" not in repr(record)


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        ({}, ValueError, "protocol is missing"),
        ({"protocol": "pop3"}, ValueError, "smtp or mapi"),
        ({"protocol": "smtp", "colour": "red"}, ValueError, "unknown field"),
        ({"protocol": "smtp", "port": "25"}, TypeError, "whole number"),
        ({"protocol": "smtp", "port": True}, TypeError, "whole number"),
        ({"protocol": "smtp", "active": 1}, TypeError, "true or false"),
        ({"protocol": "smtp", "auth_methods": "LOGIN"}, TypeError, "list"),
        ({"protocol": "smtp", "auth_methods": ["CARRIER-PIGEON"]}, ValueError, "unknown authentication"),
        ({"protocol": "smtp", "partition": 3}, TypeError, "partition"),
        ({"protocol": "smtp", "name": None}, TypeError, "text"),
    ],
)
def test_settings_from_dict_rejects_wrong_types(data: dict[str, object], error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        settings_from_dict(data)


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("login", AuthMethod.LOGIN),
        ("NTLM (SPA)", AuthMethod.NTLM),
        ("spa", AuthMethod.NTLM),
        ("Kerberos", AuthMethod.GSSAPI),
    ],
)
def test_auth_method_parse_accepts_names_and_labels(text: str, method: AuthMethod) -> None:
    assert AuthMethod.parse(text) is method


def test_no_authentication_only_when_auto_off_and_nothing_ticked() -> None:
    assert new_server("smtp", auth_auto=False).uses_no_authentication
    assert not new_server("smtp").uses_no_authentication
    assert not new_server("smtp", auth_auto=False, auth_methods=frozenset({AuthMethod.PLAIN})).uses_no_authentication
    assert not new_server("mapi", auth_auto=False).uses_no_authentication


def test_server_settings_requires_protocol_and_id() -> None:
    record = ServerSettings(protocol=Protocol.SMTP, id="a" * 32)
    assert record.port == 25

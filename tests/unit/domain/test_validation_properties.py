"""Properties: validation never raises, and parsing JSON-like data raises only ValueError/TypeError."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from outmail_gui.domain import rules
from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import AuthMethod, Protocol, ServerSettings, settings_from_dict

texts = st.text(max_size=400)
ints = st.integers(min_value=-(2**70), max_value=2**70)

records = st.builds(
    ServerSettings,
    protocol=st.sampled_from(Protocol),
    id=st.text(max_size=40),
    revision=ints,
    name=texts,
    server=st.one_of(texts, st.sampled_from(["smtp.office365.com", "[::1]", "1.2.3.4", "bücher.example"])),
    port=ints,
    login_id=texts,
    active=st.booleans(),
    use_ssl=st.booleans(),
    pager_encoding=st.one_of(texts, st.sampled_from(["utf-8", "shift_jis", "klingon"])),
    auth_auto=st.booleans(),
    auth_methods=st.frozensets(st.sampled_from(AuthMethod)),
    use_nt_authentication=st.booleans(),
    send_receipt=st.booleans(),
    connection_timeout_s=ints,
    chunking=st.booleans(),
    outgoing_email_id=st.one_of(texts, st.emails()),
    is_default=st.booleans(),
    sent_from_analyst=st.booleans(),
    reply_to_forwarding_analyst=st.booleans(),
    partition=st.one_of(st.none(), texts),
    trusted_cert_sha256=texts,
)

contexts = st.builds(
    RuleContext,
    others=st.lists(records, max_size=3),
    partitions_enabled=st.booleans(),
    partitions=st.one_of(st.none(), st.frozensets(texts, max_size=3)),
    mapi_mail_server_configured=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(record=records, context=contexts)
def test_validate_never_raises(record: ServerSettings, context: RuleContext) -> None:
    issues = rules.validate(record, context)
    assert all(isinstance(i, rules.Issue) and i.message for i in issues)
    known = {f.name for f in fields(ServerSettings)} | {"password"}
    assert {i.field for i in issues} <= known


json_values = st.recursive(
    st.none() | st.booleans() | ints | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)
field_names = st.sampled_from([*(f.name for f in fields(ServerSettings)), "password", "unknown"])
documents = st.dictionaries(
    st.one_of(field_names, st.text(max_size=10)),
    st.one_of(json_values, st.sampled_from(["smtp", "mapi", "SMTP", "LOGIN"]), st.lists(st.sampled_from(AuthMethod))),
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(data=documents, protocol=st.one_of(st.none(), st.sampled_from(["smtp", "mapi", "x"]), json_values))
def test_settings_from_dict_raises_only_value_or_type_error(data: dict[str, Any], protocol: Any) -> None:
    if protocol is not None:
        data = {**data, "protocol": protocol}
    try:
        record = settings_from_dict(data)
    except (ValueError, TypeError) as exc:
        assert str(exc)
    else:
        assert isinstance(record, ServerSettings)
        rules.validate(record)  # whatever parses can be validated

"""load(r) then record() == r, for any record - including values the rules reject."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outmail_gui.domain.encodings import PAGER_ENCODINGS
from outmail_gui.domain.settings import AuthMethod, Protocol, ServerSettings, new_server
from outmail_gui.ui.form import ServerFormWidget
from tests.ui.form.helpers import load

# Lone surrogates cannot live in a QString; everything else (control characters too) must survive.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
PARTITIONS = ("EU", "US", "Asia")


@st.composite
def records(draw: st.DrawFn) -> ServerSettings:
    return new_server(
        draw(st.sampled_from(Protocol)),
        revision=draw(st.integers(0, 10_000)),
        name=draw(TEXT),
        server=draw(TEXT),
        port=draw(st.integers(-10, 70_000)),
        login_id=draw(TEXT),
        active=draw(st.booleans()),
        use_ssl=draw(st.booleans()),
        pager_encoding=draw(st.sampled_from(PAGER_ENCODINGS) | st.sampled_from(["latin-1", "no-such-charset"])),
        auth_auto=draw(st.booleans()),
        auth_methods=draw(st.frozensets(st.sampled_from(AuthMethod))),
        use_nt_authentication=draw(st.booleans()),
        send_receipt=draw(st.booleans()),
        connection_timeout_s=draw(st.integers(-10, 5_000)),
        chunking=draw(st.booleans()),
        outgoing_email_id=draw(TEXT),
        is_default=draw(st.booleans()),
        sent_from_analyst=draw(st.booleans()),
        reply_to_forwarding_analyst=draw(st.booleans()),
        partition=draw(st.none() | st.sampled_from(PARTITIONS)),
        trusted_cert_sha256=draw(st.sampled_from(["", "ab" * 32])),
    )


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one form, reloaded per example
)
@given(
    record=records(),
    allowed=st.lists(st.sampled_from(PARTITIONS), unique=True),
    visible=st.booleans(),
    read_only=st.booleans(),
)
def test_any_record_round_trips(
    form: ServerFormWidget, record: ServerSettings, allowed: list[str], visible: bool, read_only: bool
) -> None:
    load(
        form,
        record,
        partitions_visible=visible,
        allowed_partitions=allowed,
        read_only_reason="Locked for the test." if read_only else "",
    )

    assert form.record() == record
    assert form.password() is None
    assert not form.is_dirty()


def test_a_second_load_replaces_every_value(form: ServerFormWidget) -> None:
    first = new_server(Protocol.SMTP, name="One", port=587, use_ssl=False, auth_auto=False, partition="EU")
    second = new_server(Protocol.SMTP, name="Two", auth_methods=frozenset({AuthMethod.PLAIN}))
    load(form, first, partitions_visible=True, allowed_partitions=["EU"])
    load(form, second, partitions_visible=True, allowed_partitions=["EU"])

    assert form.record() == second

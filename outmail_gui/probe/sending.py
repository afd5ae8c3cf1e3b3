"""MAIL/RCPT dry run (ended with RSET) and the real test message, over DATA or BDAT (RFC 3030)."""

from __future__ import annotations

from outmail_gui.probe import hints, plain
from outmail_gui.probe.connection import Reply, SmtpConnection
from outmail_gui.probe.errors import ProbeFailure
from outmail_gui.probe.message import TestMessage, dot_stuff
from outmail_gui.probe.report import MessageInfo, ProbeReport, Step
from outmail_gui.probe.request import ProbeRequest


def _keywords(caps: list[str]) -> set[str]:
    return {c.split(" ")[0].upper() for c in caps}


def _refused(what: str, reply: Reply, field: str | None) -> ProbeFailure:
    hint = hints.reply_hint(reply.code, reply.text, field)
    return ProbeFailure(f"{what} refused: {reply.first_line}.", hint.text, hint.field)


def _check_address(address: str, field: str) -> None:
    from outmail_gui.domain.addresses import has_control_characters

    if not address:
        raise ProbeFailure(
            "No From address: set the Outgoing Email ID (or the analyst's address when Sent From Analyst is on).",
            "",
            field,
        )
    if has_control_characters(address) or any(ch in address for ch in "<> "):
        raise ProbeFailure(f"The address {address!r} contains characters not allowed in SMTP.", "", field)


def pipelining(caps: list[str]) -> bool:
    """The server offers PIPELINING (RFC 2920): commands may be sent in groups."""
    return "PIPELINING" in _keywords(caps)


def envelope_commands(request: ProbeRequest, caps: list[str], size: int | None, last: str | None) -> list[str]:
    """MAIL FROM and RCPT TO for the test (the addresses checked), then ``last`` (DATA or RSET) if any."""
    sender, recipient = request.envelope_from, request.to_address
    _check_address(sender, "outgoing_email_id")
    _check_address(recipient, "to")
    params = ""
    keywords = _keywords(caps)
    if size is not None and "SIZE" in keywords:
        params += f" SIZE={size}"
    if not (sender.isascii() and recipient.isascii()):
        if "SMTPUTF8" not in keywords:
            hint = hints.international_address_refused()
            raise ProbeFailure(
                "The server does not accept internationalized (non-ASCII) addresses (no SMTPUTF8).",
                hint.text,
                hint.field,
            )
        params += " SMTPUTF8"
    return [f"MAIL FROM:<{sender}>{params}", f"RCPT TO:<{recipient}>", *([last] if last else [])]


def after_auth(request: ProbeRequest, caps: list[str], message: TestMessage | None) -> list[str]:
    """What may follow AUTH PLAIN in its group (RFC 4954 section 4) when PIPELINING is offered: the
    dry run's MAIL, RCPT, RSET and QUIT, or the message's MAIL, RCPT and DATA (or MAIL and RCPT before
    BDAT). Nothing when an address is wrong: the mail step then reports it, nothing sent ahead."""
    if not pipelining(caps):
        return []
    try:
        if message is None:
            return [*envelope_commands(request, caps, None, "RSET"), "QUIT"]
        last = "DATA" if transfer_of(request, caps)[0] == "DATA" else None
        return envelope_commands(request, caps, len(message.data), last)
    except ProbeFailure:
        return []


def _envelope(
    conn: SmtpConnection, request: ProbeRequest, caps: list[str], size: int | None, last: str | None, quit_after: bool
) -> list[Reply]:
    """MAIL FROM, RCPT TO, then ``last`` (DATA or RSET, if any); the reply to ``last`` (or none).

    With PIPELINING the commands go in one group (RFC 2920: MAIL, RCPT and RSET anywhere, DATA
    and QUIT only last; QUIT when ``quit_after``, its reply left for the QUIT step), one round trip
    instead of one per command, unless they already went behind AUTH PLAIN (``conn.ahead``); every
    reply is still read and checked in order. Without it, one at a time, stopping at the first refusal.
    """
    sender, recipient = request.envelope_from, request.to_address
    commands = envelope_commands(request, caps, size, last)
    if pipelining(caps):
        if conn.ahead == commands:
            conn.ahead = []
        else:
            conn.send_group([*commands, "QUIT"] if quit_after else commands)
            conn.quit_sent = quit_after
        replies = [conn.read_reply() for _ in commands]
    else:
        replies = []
        for command, accepted in zip(commands, ((250,), (250, 251), ()), strict=False):
            replies.append(conn.command(command))
            if replies[-1].code not in accepted:
                break
    mail, rcpt, rest = replies[0], replies[1] if len(replies) > 1 else None, replies[2:]
    refusal = None
    if mail.code != 250:
        refusal = _refused(f"The sender <{sender}>", mail, "outgoing_email_id")
    elif rcpt is not None and rcpt.code not in (250, 251):
        refusal = _refused(f"The recipient <{recipient}>", rcpt, None)
    if refusal is not None:
        if last == "DATA" and rest and rest[0].code == 354:
            conn.send_line(".")  # DATA was accepted anyway (RFC 2920 3.1): end the empty message
            conn.read_reply()
        raise refusal
    return rest


def send_dry_run(
    conn: SmtpConnection, request: ProbeRequest, caps: list[str], report: ProbeReport, step: Step, quit_after: bool
) -> None:
    report.message = MessageInfo(kind="dry-run", from_address=request.envelope_from)
    (reply,) = _envelope(conn, request, caps, None, "RSET", quit_after)
    if reply.code != 250:
        raise _refused("RSET", reply, None)
    grouped = " in one group (PIPELINING)" if pipelining(caps) else ""
    step.detail = (
        f"MAIL FROM <{request.envelope_from}> and RCPT TO <{request.to_address}> accepted{grouped}; RSET, nothing sent."
    )
    step.summary = plain.dry_run(request.envelope_from, request.to_address)


def transfer_of(request: ProbeRequest, caps: list[str]) -> tuple[str, str]:
    """DATA or BDAT for the test message, and why."""
    offered = "CHUNKING" in _keywords(caps)
    if request.chunking and offered:
        return "BDAT", "Enable chunking is on and the server offers CHUNKING"
    if request.chunking:
        return "DATA", "Enable chunking is on, but the server does not offer CHUNKING"
    return "DATA", "Enable chunking is off"


def send_test_message(
    conn: SmtpConnection,
    request: ProbeRequest,
    caps: list[str],
    report: ProbeReport,
    step: Step,
    quit_after: bool,
    message: TestMessage,
) -> None:
    """The test message; with PIPELINING, QUIT follows the message's end in the same write when ``quit_after``."""
    info = message.info
    report.message = info
    if info.unencodable:
        chars = " ".join(info.unencodable)
        report.warnings.append(
            f"The pager encoding {info.encoding} cannot carry these characters, sent as '?': {chars}"
        )
    info.transfer, info.transfer_reason = transfer_of(request, caps)
    quit_after = quit_after and pipelining(caps)
    if info.transfer == "BDAT":
        _envelope(conn, request, caps, len(message.data), None, False)
        reply = _send_bdat(conn, message.data, request.bdat_chunk_size, quit_after)
    else:
        (data_reply,) = _envelope(conn, request, caps, len(message.data), "DATA", False)
        if data_reply.code != 354:
            raise _refused("DATA", data_reply, None)
        reply = _send_data(conn, message.data, quit_after)
    if reply.code != 250:
        raise _refused("The message", reply, None)
    step.detail = f"sent with {info.transfer} ({info.transfer_reason}), {info.size} bytes: {reply.first_line}"
    step.summary = plain.message_sent(info.size, info.encoding, info.unencodable)
    if info.unencodable:
        step.detail += f"; characters not encodable in {info.encoding}: {' '.join(info.unencodable)}"


def _send_data(conn: SmtpConnection, data: bytes, quit_after: bool) -> Reply:
    conn.transcript.client(f"<message, {len(data)} bytes>")
    conn.transcript.client(".")
    quit_line = b""
    if quit_after:  # RFC 2920: the message content may start a group, QUIT end it
        conn.transcript.client("QUIT")
        quit_line, conn.quit_sent = b"QUIT\r\n", True
    conn.send_raw(dot_stuff(data) + quit_line)
    return conn.read_reply()


def _send_bdat(conn: SmtpConnection, data: bytes, chunk_size: int, quit_after: bool) -> Reply:
    """Each chunk is answered after its bytes; after a 4xx/5xx no further chunk is sent."""
    size = max(1, chunk_size)
    offset = 0
    while True:
        chunk = data[offset : offset + size]
        offset += len(chunk)
        last = offset >= len(data)
        command = f"BDAT {len(chunk)}" + (" LAST" if last else "")
        conn.transcript.client(command)
        conn.transcript.client(f"<{len(chunk)} bytes of message data>")
        quit_line = b""
        if last and quit_after:
            conn.transcript.client("QUIT")
            quit_line, conn.quit_sent = b"QUIT\r\n", True
        conn.send_raw(command.encode("ascii") + b"\r\n" + chunk + quit_line)
        reply = conn.read_reply()
        if reply.code != 250 or last:
            return reply

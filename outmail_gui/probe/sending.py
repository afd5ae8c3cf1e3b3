"""MAIL/RCPT dry run (ended with RSET) and the real test message, over DATA or BDAT (RFC 3030)."""

from __future__ import annotations

from outmail_gui.probe import hints
from outmail_gui.probe.connection import Reply, SmtpConnection
from outmail_gui.probe.errors import ProbeFailure
from outmail_gui.probe.message import build_test_message, dot_stuff
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


def _envelope(conn: SmtpConnection, request: ProbeRequest, caps: list[str], size: int | None) -> None:
    sender, recipient = request.envelope_from, request.to_address
    _check_address(sender, "outgoing_email_id")
    _check_address(recipient, "to")
    params = ""
    keywords = _keywords(caps)
    if size is not None and "SIZE" in keywords:
        params += f" SIZE={size}"
    if not (sender.isascii() and recipient.isascii()):
        if "SMTPUTF8" not in keywords:
            raise ProbeFailure(
                "The server does not accept internationalized (non-ASCII) addresses (no SMTPUTF8).",
                "Use an ASCII address for the test.",
                "outgoing_email_id",
            )
        params += " SMTPUTF8"
    reply = conn.command(f"MAIL FROM:<{sender}>{params}")
    if reply.code != 250:
        raise _refused(f"The sender <{sender}>", reply, "outgoing_email_id")
    reply = conn.command(f"RCPT TO:<{recipient}>")
    if reply.code not in (250, 251):
        raise _refused(f"The recipient <{recipient}>", reply, None)


def send_dry_run(conn: SmtpConnection, request: ProbeRequest, caps: list[str], report: ProbeReport, step: Step) -> None:
    report.message = MessageInfo(kind="dry-run", from_address=request.envelope_from)
    _envelope(conn, request, caps, None)
    reply = conn.command("RSET")
    if reply.code != 250:
        raise _refused("RSET", reply, None)
    step.detail = (
        f"MAIL FROM <{request.envelope_from}> and RCPT TO <{request.to_address}> accepted; RSET, nothing sent."
    )


def send_test_message(
    conn: SmtpConnection, request: ProbeRequest, caps: list[str], report: ProbeReport, step: Step
) -> None:
    message = build_test_message(request)
    info = message.info
    report.message = info
    if info.unencodable:
        chars = " ".join(info.unencodable)
        report.warnings.append(
            f"The pager encoding {info.encoding} cannot carry these characters, sent as '?': {chars}"
        )
    offered = "CHUNKING" in _keywords(caps)
    if request.chunking and offered:
        info.transfer, info.transfer_reason = "BDAT", "Enable chunking is on and the server offers CHUNKING"
    elif request.chunking:
        info.transfer, info.transfer_reason = "DATA", "Enable chunking is on, but the server does not offer CHUNKING"
    else:
        info.transfer, info.transfer_reason = "DATA", "Enable chunking is off"
    _envelope(conn, request, caps, len(message.data))
    if info.transfer == "BDAT":
        reply = _send_bdat(conn, message.data, request.bdat_chunk_size)
    else:
        reply = _send_data(conn, message.data)
    if reply.code != 250:
        raise _refused("The message", reply, None)
    step.detail = f"sent with {info.transfer} ({info.transfer_reason}), {info.size} bytes: {reply.first_line}"
    if info.unencodable:
        step.detail += f"; characters not encodable in {info.encoding}: {' '.join(info.unencodable)}"


def _send_data(conn: SmtpConnection, data: bytes) -> Reply:
    reply = conn.command("DATA")
    if reply.code != 354:
        raise _refused("DATA", reply, None)
    conn.transcript.client(f"<message, {len(data)} bytes>")
    conn.transcript.client(".")
    conn.send_raw(dot_stuff(data))
    return conn.read_reply()


def _send_bdat(conn: SmtpConnection, data: bytes, chunk_size: int) -> Reply:
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
        conn.send_raw(command.encode("ascii") + b"\r\n" + chunk)
        reply = conn.read_reply()
        if reply.code != 250 or last:
            return reply

"""The test message: From, Reply-To and receipt request follow the record; a pager message is
encoded in the record's Pager Encoding, and characters it cannot carry are reported."""

from __future__ import annotations

import base64
import secrets
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate

from outmail_gui.domain.encodings import encode_pager_text, is_known_encoding, unknown_encoding
from outmail_gui.probe.errors import ProbeFailure
from outmail_gui.probe.report import MessageInfo
from outmail_gui.probe.request import ProbeRequest


@dataclass(frozen=True, slots=True)
class TestMessage:
    data: bytes  # CRLF line endings, not dot-stuffed
    info: MessageInfo
    body: bytes  # the body before transfer encoding (what the recipient decodes)


def _domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "outmail.invalid"


def build_test_message(request: ProbeRequest, now: float | None = None) -> TestMessage:
    from_address = request.envelope_from
    headers = [
        ("From", from_address),
        ("To", request.to_address),
    ]
    reply_to = ""
    if request.reply_to_forwarding_analyst and request.analyst_email:
        reply_to = request.analyst_email
        headers.append(("Reply-To", reply_to))
    if request.send_receipt:
        headers.append(("Disposition-Notification-To", from_address))
    stamp = now if now is not None else time.time()
    headers += [
        ("Subject", "Outmail pager test" if request.pager else "Outmail test message"),
        ("Date", formatdate(stamp, localtime=False)),
        ("Message-ID", f"<outmail-test.{int(stamp)}.{secrets.token_hex(8)}@{_domain_of(from_address)}>"),
        ("MIME-Version", "1.0"),
        ("X-Mailer", "Outmail connection test"),
    ]
    info = MessageInfo(
        kind="message", from_address=from_address, reply_to=reply_to, receipt_requested=request.send_receipt
    )
    if request.pager:
        if not is_known_encoding(request.pager_encoding):
            # A record stored by an older version, or edited outside Outmail: say so, no "Unexpected error".
            from outmail_gui.probe import hints

            hint = hints.pager_encoding_unknown()
            raise ProbeFailure(unknown_encoding(request.pager_encoding), hint.text, hint.field)
        preview = encode_pager_text(request.pager_text, request.pager_encoding)
        body = preview.data
        info.encoding = request.pager_encoding
        info.unencodable = list(preview.unencodable)
        headers += [
            ("Content-Type", f"text/plain; charset={request.pager_encoding}"),
            ("Content-Transfer-Encoding", "base64"),
        ]
        encoded = base64.encodebytes(body).replace(b"\n", b"\r\n")
    else:
        text = (
            f"This is a test message from Outmail on {socket.gethostname()},\r\n"
            f"sent through {request.host} port {request.port} to check the outgoing email settings.\r\n"
        )
        body = text.encode("utf-8")
        info.encoding = "utf-8"
        headers += [("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "7bit")]
        encoded = body
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8")
    data = head + b"\r\n" + encoded
    info.size = len(data)
    return TestMessage(data=data, info=info, body=body)


def dot_stuff(data: bytes) -> bytes:
    """DATA transparency (RFC 5321 4.5.2) plus the terminating ``.`` line."""
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    stuffed = data.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + b".\r\n"

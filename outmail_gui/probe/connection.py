"""A deadline-bounded SMTP line connection.

Every wait uses the time left on one overall deadline, in slices of at most a quarter of a
second so Cancel is honoured quickly. Replies are capped (line length, line count, total
size): a silent, dripping or endless server cannot hold the test past its deadline.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from outmail_gui.probe import hints
from outmail_gui.probe.errors import Cancelled, ConnectionLost, DeadlineExceeded, EndlessReply, ProtocolViolation
from outmail_gui.probe.report import plural

MAX_LINE = 2048  # bytes, without CRLF (RFC 5321 allows 512; servers send longer EHLO lines)
MAX_REPLY = 64 * 1024
MAX_REPLY_LINES = 200
SLICE_S = 0.25

CancelCheck = Callable[[], bool]
_REPLY_LINE = re.compile(rb"^([2-5][0-9][0-9])(?:([ -])(.*))?$", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Deadline:
    """One wall-clock deadline for the whole test, plus the user's Cancel."""

    def __init__(self, seconds: float, cancel: CancelCheck | None = None) -> None:
        self.started = time.monotonic()
        self.seconds = seconds
        self.expires = self.started + seconds
        self._cancel = cancel

    @property
    def cancel_check(self) -> CancelCheck | None:
        return self._cancel

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000.0

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled()
        if self.remaining() <= 0:
            hint = hints.out_of_time()
            raise DeadlineExceeded(f"The test ran out of time (time-out {self.seconds:g} s).", hint.text, hint.field)

    def slice(self) -> float:
        """Time for the next blocking call (raises when cancelled or out of time)."""
        self.check()
        return max(0.001, min(SLICE_S, self.remaining()))


def printable(data: bytes) -> str:
    """Server bytes as safe one-line text: invalid UTF-8 and control characters escaped."""
    text = data.decode("utf-8", errors="backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def without_zone(host: str) -> str:
    """An IPv6 literal without its zone id (``fe80::1%eth0`` -> ``fe80::1``); any other host unchanged."""
    return host.partition("%")[0] if ":" in host else host


def wire_name(host: str) -> bytes | str:
    """``host`` as bytes when it is ASCII (an A-label name or an address literal).

    ``socket.getaddrinfo()`` and ``ssl`` run every ``str`` host through Python's IDNA 2003 codec,
    which loads ``encodings.idna``, ``stringprep`` and ``unicodedata`` (~1 ms of every test run).
    ``network.network_host()`` has already turned an IDN into A-labels with IDNA 2008, so the
    codec would only re-check them; bytes are passed on as they are.
    """
    return host.encode("ascii") if host.isascii() else host


@dataclass(frozen=True, slots=True)
class Reply:
    """One (possibly multi-line) SMTP reply: its code and the text of each line."""

    code: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)

    @property
    def first_line(self) -> str:
        return f"{self.code} {self.lines[0] if self.lines else ''}".rstrip()

    @property
    def positive(self) -> bool:
        return 200 <= self.code < 400


class Transcript:
    """What was said, already redacted by ``redact`` on the way in."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        self.lines: list[str] = []
        self._redact = redact

    def server(self, text: str) -> None:
        self.lines.append("S: " + self._redact(text))

    def client(self, text: str) -> None:
        self.lines.append("C: " + self._redact(text))

    def note(self, text: str) -> None:
        self.lines.append("-- " + self._redact(text))


class SmtpConnection:
    """Socket plus read buffer; ``sock`` becomes an SSL socket after :meth:`start_tls`."""

    def __init__(self, sock: socket.socket, deadline: Deadline, transcript: Transcript, port: int) -> None:
        self.sock = sock
        self.deadline = deadline
        self.transcript = transcript
        self.port = port
        self._buf = bytearray()
        self.bytes_received = 0
        self._silence_reserve = 0.0  # while > 0 and nothing was received: give up this long before the deadline
        self.tls_pending = False  # a handshake started and did not finish: the socket is unusable
        self.quit_sent = False  # QUIT went out pipelined (RFC 2920) behind the last command; its reply is still due
        self.ahead: list[str] = []  # commands sent behind AUTH PLAIN (RFC 4954 section 4); replies not read yet
        self.in_data = False  # a 354 was answered and no message followed: only closing ends it (nothing is sent)

    # -- sending ---------------------------------------------------------------
    def send_line(self, line: str, shown: str | None = None) -> None:
        """Send one command; ``shown`` replaces it in the transcript (for AUTH payloads)."""
        self.transcript.client(line if shown is None else shown)
        self.send_raw((line + "\r\n").encode("utf-8"))

    def send_group(self, lines: list[str], shown_first: str | None = None) -> None:
        """Send several commands in one write, without waiting between them (RFC 2920 pipelining);
        ``shown_first`` replaces the first in the transcript (an AUTH payload).

        The caller must read one reply per command, in order, and check each.
        """
        for index, line in enumerate(lines):
            self.transcript.client(shown_first if index == 0 and shown_first is not None else line)
        self.send_raw("".join(line + "\r\n" for line in lines).encode("utf-8"))

    def send_raw(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            self.sock.settimeout(self.deadline.slice())
            try:
                sent = self.sock.send(view)
            except TimeoutError:
                continue
            except ssl.SSLWantWriteError:
                continue
            except OSError as exc:
                raise ConnectionLost(f"The connection broke while sending: {_os_reason(exc)}.") from None
            view = view[sent:]

    # -- receiving -------------------------------------------------------------
    def _wait_slice(self) -> float:
        wait = self.deadline.slice()
        if self._silence_reserve > 0 and not self.bytes_received:
            left = self.deadline.remaining() - self._silence_reserve
            if left <= 0:
                raise DeadlineExceeded("The server sent nothing.")
            wait = min(wait, left)
        return wait

    def _fill(self) -> None:
        while True:
            self.sock.settimeout(self._wait_slice())
            try:
                chunk = self.sock.recv(16384)
            except (TimeoutError, ssl.SSLWantReadError):
                continue
            except ssl.SSLError as exc:
                raise ConnectionLost(f"The encrypted connection failed: {exc.reason or exc}.") from None
            except OSError as exc:
                raise ConnectionLost(f"The connection broke: {_os_reason(exc)}.") from None
            if not chunk:
                raise ConnectionLost("The server closed the connection.")
            self._buf += chunk
            self.bytes_received += len(chunk)
            return

    def _read_line(self, first_of_session: bool) -> bytes:
        while True:
            if first_of_session and len(self._buf) >= 2 and self._buf[0] in (0x15, 0x16) and self._buf[1] == 0x03:
                hint = hints.tls_record_on_plain_port(self.port)
                raise ProtocolViolation(
                    "The server sent a TLS record instead of a plain-text SMTP greeting.", hint.text, hint.field
                )
            end = self._buf.find(b"\n")
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 1]
                if len(line.rstrip(b"\r")) > MAX_LINE:
                    raise ProtocolViolation(f"The server sent a reply line longer than {MAX_LINE} bytes.")
                return line.rstrip(b"\r")
            if len(self._buf) > MAX_LINE + 2:
                raise ProtocolViolation(f"The server sent a reply line longer than {MAX_LINE} bytes.")
            self._fill()

    def read_reply(self, greeting: bool = False) -> Reply:
        code: bytes | None = None
        lines: list[str] = []
        size = 0
        while True:
            raw = self._read_line(first_of_session=greeting and code is None)
            size += len(raw) + 2
            self.transcript.server(printable(raw))
            match = _REPLY_LINE.match(raw)
            if match is None:
                raise ProtocolViolation(f"The server sent a line that is not an SMTP reply: {printable(raw)[:80]!r}.")
            if code is not None and match.group(1) != code:
                raise ProtocolViolation("The server changed the reply code within one multi-line reply.")
            code = match.group(1)
            lines.append(printable(match.group(3) or b""))
            if match.group(2) != b"-":
                return Reply(int(code), tuple(lines))
            if len(lines) >= MAX_REPLY_LINES or size > MAX_REPLY:
                what = "greeting" if greeting else "reply"
                hint = hints.endless_reply(what)
                raise EndlessReply(
                    f"The server's {what} did not end after {plural(len(lines), 'line')} "
                    f"({plural(size, 'byte')}): an endless reply.",
                    hint.text,
                    hint.field,
                )

    def read_greeting(self, silence_reserve_s: float = 0.0) -> Reply:
        """The server's greeting. A server that has sent nothing at all is given up on ``silence_reserve_s``
        before the deadline (time kept for finding out why); one that started its greeting gets all the time.
        """
        self._silence_reserve = silence_reserve_s
        try:
            return self.read_reply(greeting=True)
        finally:
            self._silence_reserve = 0.0

    def unread_text(self, limit: int = 80) -> str:
        """The start of what arrived but is not a complete line yet (shown safely)."""
        return printable(bytes(self._buf[:limit]))

    @contextlib.contextmanager
    def grace(self, seconds: float) -> Iterator[None]:
        """Bound the next exchanges to ``seconds`` (within the overall deadline): for goodbyes and aborts."""
        outer = self.deadline
        self.deadline = Deadline(max(0.001, min(seconds, outer.remaining())), outer.cancel_check)
        try:
            yield
        finally:
            self.deadline = outer

    def command(self, line: str, shown: str | None = None) -> Reply:
        self.send_line(line, shown)
        return self.read_reply()

    def has_pending_bytes(self) -> bool:
        """True when the server already sent more than we asked for (checked before a TLS handshake)."""
        if self._buf:
            return True
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return False
        try:
            return bool(self.sock.recv(1, socket.MSG_PEEK))
        except OSError:
            return False

    # -- TLS ---------------------------------------------------------------------
    def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> ssl.SSLSocket:
        """Handshake within the deadline; raises ``ssl.SSLError``/``OSError`` for the caller to explain."""
        raw = self.sock
        raw.setblocking(False)
        # A certificate names an address, never its zone: fe80::1%eth0 is checked as fe80::1.
        name = without_zone(server_hostname)
        tls = context.wrap_socket(raw, server_hostname=wire_name(name), do_handshake_on_connect=False)
        self.sock = tls
        self.tls_pending = True
        while True:
            wait = self.deadline.slice()
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                select.select([tls], [], [], wait)
            except ssl.SSLWantWriteError:
                select.select([], [tls], [], wait)
        self.tls_pending = False
        return tls

    @property
    def encrypted(self) -> bool:
        return isinstance(self.sock, ssl.SSLSocket) and not self.tls_pending

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__

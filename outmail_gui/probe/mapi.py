"""MAPI (RPC over HTTP, port 593) reachability: TCP connect, then the endpoint mapper's greeting.

The RPC-over-HTTP v1 endpoint mapper greets every new connection with ``ncacn_http/1.0``.
"""

from __future__ import annotations

from outmail_gui.probe import hints, network, plain
from outmail_gui.probe.connection import CancelCheck, Deadline, SmtpConnection, Transcript, printable
from outmail_gui.probe.errors import ConnectionLost, DeadlineExceeded, ProbeFailure
from outmail_gui.probe.redact import Redactor
from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.probe.steps import StepCallback, StepRecorder

RPC_GREETING = b"ncacn_http/1.0"


class MapiProbe:
    def __init__(
        self, request: ProbeRequest, on_step: StepCallback | None = None, cancel: CancelCheck | None = None
    ) -> None:
        self.request = request
        self.redact = Redactor([request.password])
        self.report = ProbeReport(host=request.host.strip(), port=request.port, protocol="mapi", security="none")
        self.transcript = Transcript(self.redact)
        self.recorder = StepRecorder(self.report, self.redact, on_step)
        self.deadline = Deadline(request.timeout_s, cancel)

    def run(self) -> ProbeReport:
        try:
            host = network.network_host(self.request.host)
            with self.recorder.step("resolve") as step:
                addresses = network.resolve(host, self.request.port, self.deadline, self.request.host)
                shown = hints.shown_host(host, self.request.host)
                step.detail = f"{shown} -> {network.describe(addresses)}"
                step.summary = plain.resolved(shown, network.describe(addresses))
            with self.recorder.step("connect") as step:
                sock = network.connect(addresses, shown, self.request.port, self.deadline, hints.MAPI_USUAL_PORTS)
                step.detail = f"connected to {sock.getpeername()[0]} port {self.request.port}"
                step.summary = plain.connected(sock.getpeername()[0], self.request.port)
            conn = SmtpConnection(sock, self.deadline, self.transcript, self.request.port)
            try:
                with self.recorder.step("rpc_greeting") as step:
                    step.detail = self._greeting(conn)
                    step.summary = plain.mapi_answered()
            finally:
                conn.close()
        except ProbeFailure:
            pass
        self.report.transcript = [self.redact(line) for line in self.transcript.lines]
        self.report.elapsed_ms = self.deadline.elapsed_ms()
        return self.report

    def _greeting(self, conn: SmtpConnection) -> str:
        data = b""
        try:
            while len(data) < len(RPC_GREETING):
                conn._fill()
                data = bytes(conn._buf)
        except DeadlineExceeded:
            if not data:
                hint = hints.mapi_no_greeting()
                raise ProbeFailure(
                    "The port accepts connections but sent no RPC-over-HTTP greeting.", hint.text, hint.field
                ) from None
        except ConnectionLost:
            if not data:
                raise
        self.transcript.server(printable(data[:64]))
        if data.startswith(RPC_GREETING):
            return f"the endpoint mapper answered {RPC_GREETING.decode()}"
        hint = hints.mapi_other_service()
        raise ProbeFailure(
            f"The server's greeting is not RPC over HTTP: {printable(data[:40])!r}.", hint.text, hint.field
        )

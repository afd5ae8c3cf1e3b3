"""MAPI records: TCP reachability and the RPC-over-HTTP endpoint mapper's greeting."""

from __future__ import annotations

from typing import Any

import pytest

from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.probe import ProbeRequest, run_probe
from tests.support.smtp_servers import Peer

pytestmark = pytest.mark.integration


def mapi_request(port: int) -> ProbeRequest:
    record = new_server(Protocol.MAPI, name="Legacy", server="127.0.0.1", port=port, login_id="DOM\\svc")
    return ProbeRequest.from_settings(record, "pw-not-used-123", timeout_s=2)


def test_endpoint_mapper_greeting(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send(b"ncacn_http/1.0")
        peer.sock.recv(10)

    report = run_probe(mapi_request(scripted(script).port))
    assert report.ok, report.to_json()
    assert [s.name for s in report.steps] == ["resolve", "connect", "rpc_greeting"]
    assert report.protocol == "mapi"


def test_wrong_service_on_the_port(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.send("220 an SMTP server\r\n")
        peer.sock.recv(10)

    report = run_probe(mapi_request(scripted(script).port))
    assert not report.ok
    assert report.failed_step is not None and report.failed_step.name == "rpc_greeting"
    assert report.hint_field == "port"


def test_silent_port(scripted: Any) -> None:
    def script(peer: Peer) -> None:
        peer.sock.recv(10)

    report = run_probe(mapi_request(scripted(script).port))
    assert report.failed_step is not None and "no RPC-over-HTTP greeting" in report.failed_step.detail


def test_a_refused_mapi_port_gets_mapi_advice_not_smtp() -> None:
    import socket

    with socket.socket() as probe_socket:  # a port nothing listens on (bound, never listening)
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
        report = run_probe(mapi_request(port))
    assert report.failed_step is not None and report.failed_step.name == "connect"
    advice = report.hint.replace(f"port {port} ", "port N ")  # a random port may read like 53465
    assert "593" in advice and "587" not in advice and "465" not in advice
    assert report.hint_field == "port"

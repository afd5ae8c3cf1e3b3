"""Shared fixtures: trustme TLS material, aiosmtpd servers, scripted peers, Postfix + Dovecot."""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.probe import ProbeReport, ProbeRequest, Security, run_probe
from outmail_gui.probe.render import text_report
from tests.support import mta
from tests.support.smtp_servers import (
    RecordingHandler,
    RunningSmtpServer,
    Script,
    ScriptedServer,
    TlsMaterial,
    aiosmtpd_server,
    make_tls,
)

pytestmark = pytest.mark.integration

USER = "alice"
PASSWORD = "sëcret Pässwörd-42"  # non-ASCII on purpose
TOKEN = "ya29.test-bearer-token-0123456789"
NTLM_USER = "DOM\\alice"


def secret_forms(*secrets: str) -> list[str]:
    """Every form in which a secret must never appear in output."""
    forms: list[str] = []
    for secret in secrets:
        raw = secret.encode("utf-8")
        forms += [secret, base64.b64encode(raw).decode(), raw.decode("latin-1")]
        forms.append(base64.b64encode(b"\0" + USER.encode() + b"\0" + raw).decode())
        forms.append(base64.b64encode(f"user={USER}\x01auth=Bearer {secret}\x01\x01".encode()).decode())
    return forms


def assert_no_secret(text: str, *secrets: str) -> None:
    for form in secret_forms(*(secrets or (PASSWORD, TOKEN))):
        assert form not in text, f"secret leaked in form {form!r}"


def request(port: int, tls: TlsMaterial | None, **kwargs: Any) -> ProbeRequest:
    """STARTTLS to ``localhost:port`` with the test login, trusting ``tls``'s CA; ``kwargs`` override."""
    base: dict[str, Any] = {
        "host": "localhost",
        "port": port,
        "security": Security.STARTTLS,
        "ca_file": str(tls.ca_file) if tls else None,
        "login_id": USER,
        "password": PASSWORD,
        "timeout_s": 8,
    }
    base.update(kwargs)
    return ProbeRequest(**base)


def checked_probe(port: int, *, tls: TlsMaterial | None, timeout: float, slack: float, **kwargs: Any) -> ProbeReport:
    """Run the engine against a local peer and check what every test must hold: the deadline
    (plus ``slack``), a valid JSON report, and no credential in the JSON or the text report."""
    started = time.monotonic()
    report = run_probe(request(port, tls, timeout_s=timeout, **kwargs))
    assert time.monotonic() - started < timeout + slack, "the test overran its deadline"
    text = report.to_json()
    json.loads(text)
    assert_no_secret(text)
    assert_no_secret(text_report(report, transcript=True))
    return report


def failed_at(report: ProbeReport, step: str) -> str:
    """The failed step's detail, after checking that ``step`` is the one that failed."""
    assert not report.ok
    assert report.failed_step is not None, report.to_json()
    assert report.failed_step.name == step, report.to_json()
    return report.failed_step.detail


@pytest.fixture(scope="session")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tls")


@pytest.fixture(scope="session")
def tls(tls_dir: Path) -> TlsMaterial:
    return make_tls(tls_dir)


@pytest.fixture(scope="session")
def ntlm_user_file(tls_dir: Path) -> Path:
    path = tls_dir / "ntlm-users"
    path.write_text(f"DOM:{USER}:{PASSWORD}\n:{USER}:{PASSWORD}\n", encoding="utf-8")
    return path


ServerFactory = Callable[..., AbstractContextManager[RunningSmtpServer]]


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler({USER: PASSWORD, "bob": "ascii-only"}, {USER: TOKEN})


@pytest.fixture
def smtp_server(
    handler: RecordingHandler, tls: TlsMaterial, ntlm_user_file: Path
) -> Iterator[Callable[..., RunningSmtpServer]]:
    """Start aiosmtpd servers on demand (``smtp_server(mode="implicit")``); all stop at teardown."""
    stack: list[AbstractContextManager[RunningSmtpServer]] = []

    def start(mode: str = "starttls", **kwargs: Any) -> RunningSmtpServer:
        kwargs.setdefault("ntlm_user_file", ntlm_user_file)
        cm = aiosmtpd_server(handler, kwargs.pop("tls", tls), mode=mode, **kwargs)
        server = cm.__enter__()
        stack.append(cm)
        return server

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


@pytest.fixture
def scripted() -> Iterator[Callable[[Script], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def postfix(tls: TlsMaterial) -> Iterator[mta.Mta]:
    reason = mta.available()
    if reason and mta.REQUIRED:
        pytest.fail(f"Postfix/Dovecot test server unavailable under scripts/run-tests.sh: {reason}")
    if reason:
        pytest.skip(f"Postfix/Dovecot test server unavailable: {reason}")
    root = Path(tempfile.mkdtemp(prefix="outmail-mta-"))
    # The postfix user must be able to read the key; keep copies beside the MTA.
    cert = root / "cert.pem"
    key = root / "key.pem"
    shutil.copy(tls.cert_file, cert)
    shutil.copy(tls.key_file, key)
    server = mta.start(root / "mta", cert, key, {USER: PASSWORD, "bob": "plain-ascii-pass"})
    try:
        yield server
    finally:
        mta.stop(server)
        shutil.rmtree(root, ignore_errors=True)

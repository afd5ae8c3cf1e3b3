"""Screenshots of the connection test from the real window (offscreen grab).

docs/screenshots/test-in-progress.png   a test waiting for a silent server's greeting
docs/screenshots/test-failed.png        a 465/587 mix-up: failed at TLS, hint, Port Number highlighted
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path("/work/main")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from render_screenshots import SIZE, _demo_keyring, _seed, _show  # noqa: E402


def plain_smtp_on(port: int, stop: threading.Event) -> socket.socket:
    """A plain-text SMTP greeter on 127.0.0.1:port (a STARTTLS server, as on 587)."""
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(0.1)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.sendall(b"220 mail.branch.corp.example ESMTP ready\r\n")
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    conn.recv(4096)

    threading.Thread(target=serve, daemon=True).start()
    return listener


def main() -> None:

    from outmail_gui.domain.settings import new_server
    from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
    from outmail_gui.store.repository import ServerRepository
    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.launch import application, build_main_window
    from outmail_gui.ui.window_state import WindowStateStore

    out = ROOT / "docs" / "screenshots"
    app = application()
    stop = threading.Event()
    silent = socket.create_server(("127.0.0.1", 0), backlog=8)
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller

    from tests.support.smtp_servers import RecordingHandler, cert_sha256, make_tls

    material = make_tls(Path(tempfile.mkdtemp(prefix="outmail-shot-tls-")), names=("localhost",))
    handler = RecordingHandler({"svc-branch": "the-right-password"})
    smtpd = Controller(
        handler,
        hostname="127.0.0.1",
        port=587,
        server_hostname="mail.branch.corp.example",
        tls_context=material.server_context(),
        authenticator=handler.authenticator,
        auth_require_tls=True,
        auth_exclude_mechanism=["NTLM", "MSN", "XOAUTH2", "CRAM-MD5", "DIGEST-MD5"],
    )
    smtpd.start()
    with tempfile.TemporaryDirectory(prefix="outmail-test-shots-") as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        keyring = _demo_keyring()
        _seed(data_dir, keyring)
        now = dt.datetime.now(dt.UTC)
        with ServerRepository.open(data_dir) as repo:
            repo.save(
                new_server(
                    "smtp",
                    name="Branch relay (test lab)",
                    server="localhost",
                    port=silent.getsockname()[1],
                    use_ssl=False,
                    auth_auto=False,
                    connection_timeout_s=30,
                    outgoing_email_id="branch@corp.example",
                )
            )
            branch = repo.save(
                new_server(
                    "smtp",
                    name="Branch office relay",
                    server="localhost",
                    port=587,
                    login_id="svc-branch",
                    outgoing_email_id="branch@corp.example",
                    connection_timeout_s=60,
                    trusted_cert_sha256=cert_sha256(material),
                )
            )
            SecretStore(keyring).set_password(branch.id, "an-old-password")  # type: ignore[arg-type]
            entries = []
            for r in repo.list_servers():
                if r.name == "Head office relay":
                    entries.append(
                        HistoryEntry(
                            r.id,
                            now - dt.timedelta(minutes=42),
                            Outcome.PASSED,
                            "Server reachable: TLSv1.3 (starttls), login accepted with PLAIN.",
                            812,
                        )
                    )
                if r.name == "Exchange Online":
                    entries.append(
                        HistoryEntry(
                            r.id,
                            now - dt.timedelta(hours=3),
                            Outcome.FAILED,
                            "AUTH: 535 5.7.139 Authentication unsuccessful",
                            1430,
                            "auth",
                        )
                    )
                if r.name == "HR notifications":
                    entries.append(
                        HistoryEntry(
                            r.id,
                            now - dt.timedelta(days=2),
                            Outcome.PASSED,
                            "Server reachable: TLSv1.2 (starttls).",
                            655,
                        )
                    )
            HistoryStore.of(repo).add_many(entries)
        window = build_main_window(
            data_dir,
            secrets=SecretStore(keyring),  # type: ignore[arg-type]
            state_store=WindowStateStore(Path(tmp) / "window.ini"),
        )
        window.resize(*SIZE)
        window.splitter.setSizes([840, SIZE[0] - 840])
        header = window.list_view.horizontalHeader()
        for column, width in ((0, 160), (1, 100), (2, 135), (3, 46), (4, 56), (5, 70), (6, 90), (7, 170)):
            header.resizeSection(column, width)
        window.show()
        app.processEvents()

        def settle(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.01)

        def shot(name: str) -> None:
            settle(0.2)
            window.grab().save(str(out / name))
            print(out / name)

        _show(window, "Branch relay (test lab)")
        settle(0.2)
        window.details.findChild(type(window.details), "x")
        splitter = window.details.findChild(
            __import__("PySide6.QtWidgets", fromlist=["QSplitter"]).QSplitter, "details_splitter"
        )
        window.testing.test_action.trigger()
        settle(1.4)
        if splitter is not None:
            print("splitter", splitter.sizes())
        shot("test-in-progress.png")
        window.testing.cancel()
        settle(0.5)

        _show(window, "Branch office relay")
        settle(0.2)
        window.testing.test_action.trigger()
        end = time.monotonic() + 10
        while window.testing.is_busy() and time.monotonic() < end:
            settle(0.05)
        shot("test-failed.png")
        window.close()
        app.processEvents()
    stop.set()
    smtpd.stop()
    silent.close()


main()

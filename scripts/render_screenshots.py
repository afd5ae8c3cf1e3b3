"""Render the README screenshots from the real window (offscreen, ``QWidget.grab()``).

Loads a few realistic servers into a temporary data directory, builds the window with
``build_main_window`` and saves:

  docs/screenshots/smtp-server.png       an SMTP server selected
  docs/screenshots/mapi-legacy.png       a legacy MAPI record with its banner
  docs/screenshots/validation-error.png  a new server with inline validation messages

    .venv/bin/python scripts/render_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1440, 880)


def _demo_keyring() -> object:
    """An in-memory keyring for the pictures: nothing touches the real keyring."""
    from keyring.backend import KeyringBackend

    class DemoKeyring(KeyringBackend):
        priority = 0  # type: ignore[assignment]
        name = "Desktop keyring"  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self._passwords: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self._passwords.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self._passwords[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self._passwords.pop((service, username), None)

    return DemoKeyring()


def _seed(data_dir: Path, keyring: object) -> None:
    from outmail_gui.domain.settings import AuthMethod, new_server
    from outmail_gui.store.repository import ServerRepository
    from outmail_gui.store.secrets import SecretStore

    secrets = SecretStore(keyring)  # type: ignore[arg-type]
    with ServerRepository.open(data_dir) as repo:
        for partition in ("Service Desk", "HR", "Facilities"):
            repo.add_partition(partition)
        repo.set_partitioning_enabled(True)
        repo.set_mapi_mail_server("exchange01.corp.example")
        relay = repo.save(
            new_server(
                "smtp",
                name="Head office relay",
                server="smtp.corp.example",
                port=587,
                login_id="svc-outmail",
                outgoing_email_id="servicedesk@corp.example",
                is_default=True,
                send_receipt=True,
                auth_auto=False,
                auth_methods=frozenset({AuthMethod.LOGIN, AuthMethod.PLAIN}),
                partition="Service Desk",
            )
        )
        secrets.set_password(relay.id, "demo-password")
        repo.save(
            new_server(
                "smtp",
                name="Exchange Online",
                server="smtp.office365.com",
                port=587,
                login_id="helpdesk@corp.example",
                outgoing_email_id="helpdesk@corp.example",
                sent_from_analyst=True,
                partition="HR",
            )
        )
        repo.save(
            new_server(
                "smtp",
                name="HR notifications",
                server="mail.hr.corp.example",
                outgoing_email_id="hr-noreply@corp.example",
                partition="HR",
                chunking=True,
            )
        )
        repo.save(
            new_server(
                "smtp",
                name="Facilities pager gateway",
                server="pager.corp.example",
                port=25,
                use_ssl=False,
                auth_auto=False,
                pager_encoding="iso-8859-1",
                outgoing_email_id="pager@corp.example",
                partition="Facilities",
                active=False,
            )
        )
        repo.save(
            new_server(
                "mapi",
                name="Legacy Exchange (MAPI)",
                server="exchange01.corp.example",
                login_id="CORP\\svc-asm",
                use_nt_authentication=True,
                outgoing_email_id="asm@corp.example",
            )
        )


def render(out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit

    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.launch import application, build_main_window
    from outmail_gui.ui.window_state import WindowStateStore

    app = application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="outmail-shots-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        keyring = _demo_keyring()
        _seed(data_dir, keyring)
        window = build_main_window(
            data_dir,
            secrets=SecretStore(keyring),  # type: ignore[arg-type]
            state_store=WindowStateStore(Path(tmp) / "window.ini"),
        )
        window.resize(*SIZE)
        window.splitter.setSizes([840, SIZE[0] - 840])
        window.show()
        app.processEvents()

        def shot(name: str) -> None:
            for _ in range(3):
                app.processEvents()
            path = out_dir / name
            if not window.grab().save(str(path)):
                raise SystemExit(f"could not write {path}")
            written.append(path)

        _show(window, "Head office relay")
        shot("smtp-server.png")
        _show(window, "Legacy Exchange (MAPI)")
        shot("mapi-legacy.png")

        window.session.close_details()
        window.window_actions.new_smtp_server.trigger()
        form = window.details.form()
        for field, text in (
            ("name", "exchange online"),
            ("server", "smtp.office365.com"),
            ("outgoing_email_id", "alerts@@corp"),
        ):
            edit = form.findChild(QLineEdit, field)
            assert edit is not None, field
            edit.setFocus()
            QTest.keyClicks(edit, text)
        use_ssl = form.findChild(QCheckBox, "use_ssl")
        assert use_ssl is not None
        use_ssl.click()  # Exchange 365 without SSL: refused, with the reason beside the field
        QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        shot("validation-error.png")

        window.shut_down()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return written


def _show(window: object, name: str) -> None:
    """Select ``name`` in the list as a click would (the details follow the selection)."""
    from outmail_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    record = next(r for r in window.model.records() if r.name == name)
    index = window.proxy.mapFromSource(window.model.index(window.model.row_of(record.id), 0))
    window.list_view.setCurrentIndex(index)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outmail-shots-config-") as config:
        os.environ["XDG_CONFIG_HOME"] = config
        for path in render(args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Render docs/screenshots/routing.png: the window with the Routing dock open (offscreen grab).

Seeds a temporary data directory with partitions, analysts, servers (one partition with two
active servers, one with only an inactive server, one without any) and a failed last test,
then selects the conflicting partition's row, which opens its server in the details.

    .venv/bin/python scripts/render_routing_screenshot.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1440, 960)


def _seed(data_dir: Path) -> None:
    from outmail_gui.domain.analysts import Analyst
    from outmail_gui.domain.settings import new_server
    from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
    from outmail_gui.store.partitions import PartitionAdmin
    from outmail_gui.store.repository import ServerRepository

    with ServerRepository.open(data_dir) as repo:
        admin = PartitionAdmin.of(repo)
        repo.set_partitioning_enabled(True)
        for partition in ("Service Desk", "HR", "Facilities", "Finance"):
            admin.add(partition)
        admin.save_analyst(
            Analyst("jlee", "Jordan Lee", "jordan.lee@corp.example", frozenset({"Service Desk", "HR", "Finance"}))
        )
        admin.save_analyst(Analyst("mrossi", "Marta Rossi", "marta.rossi@corp.example", frozenset({"Facilities"})))

        def add(name: str, **fields: object) -> str:
            record = repo.save(new_server("smtp", name=name, **fields))
            return record.id

        add(
            "Head office relay",
            server="smtp.corp.example",
            port=587,
            outgoing_email_id="servicedesk@corp.example",
            is_default=True,
        )
        add(
            "Service Desk (Exchange Online)",
            server="smtp.office365.com",
            port=587,
            outgoing_email_id="servicedesk@corp.example",
            sent_from_analyst=True,
            reply_to_forwarding_analyst=True,
            partition="Service Desk",
        )
        hr_notify = add(
            "HR notifications",
            server="mail.hr.corp.example",
            outgoing_email_id="hr-noreply@corp.example",
            partition="HR",
        )
        add(
            "HR backup relay",
            server="relay2.hr.corp.example",
            outgoing_email_id="hr@corp.example",
            reply_to_forwarding_analyst=True,
            partition="HR",
        )
        add(
            "Facilities pager gateway",
            server="pager.corp.example",
            use_ssl=False,
            outgoing_email_id="pager@corp.example",
            partition="Facilities",
            active=False,
        )
        HistoryStore.of(repo).add(
            HistoryEntry(
                hr_notify,
                dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
                Outcome.FAILED,
                "AUTH: 535 5.7.8 authentication failed",
                840,
                failed_step="auth",
            )
        )


def render(out_dir: Path) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.launch import application, build_main_window
    from outmail_gui.ui.routing_view import RoutingView
    from outmail_gui.ui.window_state import WindowStateStore

    app = application()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "routing.png"
    with tempfile.TemporaryDirectory(prefix="outmail-shots-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        _seed(data_dir)
        from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

        keyring = PlaintextKeyring()
        keyring.file_path = str(Path(tmp) / "keyring.cfg")
        window = build_main_window(
            data_dir,
            analyst="jlee",
            secrets=SecretStore(keyring),
            state_store=WindowStateStore(Path(tmp) / "window.ini"),
        )
        window.resize(*SIZE)
        window.splitter.setSizes([760, SIZE[0] - 760])
        window.show()
        window.partition_features.routing_action.trigger()
        window.resizeDocks([window.partition_features.dock], [380], Qt.Orientation.Vertical)
        app.processEvents()
        view = window.findChild(RoutingView, "routing_view")
        assert view is not None
        view.select_partition("HR")
        for _ in range(5):
            app.processEvents()
        if not window.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        window.shut_down()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outmail-shots-config-") as config:
        os.environ["XDG_CONFIG_HOME"] = config
        path = render(args.out)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

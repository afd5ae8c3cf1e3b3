"""Render every README screenshot from the real app, offscreen.

    .venv/bin/python scripts/render_screenshots.py [--out DIR] [--only NAME ...]

Each picture gets a fresh main window over the same seeded data. Everything lives in a
temporary directory (data, a demo keyring, XDG config/data/cache); the servers it talks to
are on 127.0.0.1 and stop at the end. Helpers: scripts/screenshots/.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMES = (
    "smtp-server",
    "mapi-legacy",
    "validation-error",
    "test-in-progress",
    "test-failed",
    "routing",
    "oauth-token",
    "discovery",
    "small-screen",
)


def render(out_dir: Path, names: list[str], tmp: Path) -> None:
    """Seed ``tmp``, start the loopback servers and save ``out_dir/<name>.png`` for each name."""
    import keyring
    from screenshots import demo_data, lab, shots

    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.launch import application, build_main_window, readable_style
    from outmail_gui.ui.window.window_state import WindowStateStore

    demo_keyring = demo_data.DemoKeyring(tmp / "keyring.json")
    keyring.set_keyring(demo_keyring)  # nothing in this process reaches the user's keyring
    secrets = SecretStore(demo_keyring)
    data_dir = tmp / "data"
    data_dir.mkdir()
    app = application()
    readable_style()  # as the window has it once shown
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        servers = stack.enter_context(lab.loopback_servers(tmp / "smtp-tls"))
        if "discovery" in names:  # dnsmasq, HTTPS and SMTP on private 127.x.y.z addresses (root: ports 25/465/587)
            from tests.support.discovery_world import running_world

            shots.discovery_world = stack.enter_context(running_world(tmp / "discovery"))
        ids = demo_data.seed(
            data_dir, secrets, silent_port=servers.silent_port, smtp_port=servers.smtp_port, smtp_pin=servers.smtp_pin
        )
        if "oauth-token" in names:
            lab.authorize_demo_token(data_dir, secrets, ids[demo_data.EXCHANGE_ONLINE], demo_data.OAUTH)
        for name in names:
            window = build_main_window(
                data_dir,
                analyst=demo_data.ANALYST,
                secrets=secrets,
                state_store=WindowStateStore(tmp / f"{name}.ini"),
                daily_backup=False,
            )
            try:
                window.resize(*shots.SIZES.get(name, shots.MAIN_SIZE))
                window.split_for_the_list()  # as the window does on a first start at that size
                window.show()
                shots.settle()
                path = out_dir / f"{name}.png"
                if not shots.SHOTS[name](window).save(str(path)):
                    raise SystemExit(f"could not write {path}")
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            finally:
                window.shut_down()
                window.close()
                window.deleteLater()
                app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNGs go")
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=f"only these: {', '.join(NAMES)}")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # outmail_gui and tests.support (the loopback servers)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="outmail-shots-") as tmp:
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(Path(tmp) / variable.lower())
        render(args.out.resolve(), list(args.only or NAMES), Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

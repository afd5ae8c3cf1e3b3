"""The PostgreSQL driver is imported only when a shared store is opened: the local store's start-up is unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RUN_AND_LIST = """\
import sys
from outmail_gui.app import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "psycopg" or m.startswith("outmail_gui.store.postgres"))
sys.stderr.write(f"\\nLOADED {loaded} CODE {code}\\n")
"""


def loaded_by(*argv: str, home: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OUTMAIL_STORE"}
    proc = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, "--data-dir", str(home), *argv],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    return proc.stderr.rsplit("LOADED ", 1)[1].strip()


def test_local_commands_never_import_the_driver(tmp_path: Path) -> None:
    assert loaded_by("servers", "list", home=tmp_path) == "[] CODE 0"
    assert loaded_by("--store", f"sqlite://{tmp_path}", "servers", "list", home=tmp_path) == "[] CODE 0"


def test_a_shared_store_command_imports_it(tmp_path: Path) -> None:
    listed = loaded_by("--store", "postgresql://nobody@127.0.0.1:1/none", "audit", home=tmp_path)
    assert "'psycopg'" in listed and "'outmail_gui.store.postgres.repository'" in listed
    assert listed.endswith("CODE 1")

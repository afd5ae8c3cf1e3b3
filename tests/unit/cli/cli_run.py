"""Run any command in-process through ``cli.main.run``, capturing exit code, stdout and stderr."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path
from typing import Any

from outmail_gui.cli.main import run


@dataclasses.dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(data_dir: Path, *argv: str, stdin: str = "") -> Result:
    """``outmail-gui --data-dir DATA_DIR ARGV...`` as a user would type it."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO(stdin)
    try:
        try:
            code = run(["--data-dir", str(data_dir), *argv])
        except SystemExit as exc:  # argparse: help, usage errors
            code = int(exc.code or 0)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return Result(code, out.getvalue(), err.getvalue())

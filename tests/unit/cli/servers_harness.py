"""Run ``servers`` commands in-process through ``cli.main.run``, capturing exit code and output."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from outmail_gui.cli.main import run


@dataclasses.dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_servers(data_dir: Path | None, *argv: str, stdin: str | bytes = "", global_args: Sequence[str] = ()) -> Outcome:
    """Exit code, stdout and stderr of ``outmail-gui [--data-dir D] [GLOBAL_ARGS] servers ARGV``, run by
    the CLI's own entry (``cli.main.run``) with stdin, stdout and stderr replaced."""
    args: Sequence[str] = [*(["--data-dir", str(data_dir)] if data_dir else []), *global_args, "servers", *argv]
    out, err = io.StringIO(), io.StringIO()
    raw = stdin if isinstance(stdin, bytes) else stdin.encode()
    fake_in = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, fake_in
    try:
        try:
            code = run(list(args))
        except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        fake_in.close()
    return Outcome(code, out.getvalue(), err.getvalue())

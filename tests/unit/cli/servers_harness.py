"""Run ``servers`` commands in-process, as cli.main.run would, capturing exit code and output."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from outmail_gui.cli import servers
from outmail_gui.cli.common import ArgumentParser
from outmail_gui.cli.errors import CommandError
from outmail_gui.cli.main import add_global_options


@dataclasses.dataclass
class Outcome:
    code: int
    out: str
    err: str


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="outmail-gui")
    add_global_options(parser)
    servers.register(parser.add_subparsers(dest="command", parser_class=ArgumentParser))
    return parser


def run_servers(data_dir: Path | None, *argv: str, stdin: str | bytes = "", global_args: Sequence[str] = ()) -> Outcome:
    """Exit code, stdout and stderr of ``outmail-gui [--data-dir D] [GLOBAL_ARGS] servers ARGV``."""
    args: Sequence[str] = [*(["--data-dir", str(data_dir)] if data_dir else []), *global_args, "servers", *argv]
    out, err = io.StringIO(), io.StringIO()
    raw = stdin if isinstance(stdin, bytes) else stdin.encode()
    fake_in = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, fake_in
    try:
        try:
            namespace = build_parser().parse_args(list(args))
            code = namespace.func(namespace)
        except CommandError as exc:
            sys.stderr.write(f"outmail-gui: {exc.message}\n")
            code = exc.exit_code
        except SystemExit as exc:
            code = int(exc.code or 0)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        fake_in.close()
    return Outcome(code, out.getvalue(), err.getvalue())

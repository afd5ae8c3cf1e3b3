"""What the window's start does before Qt loads: read the options, start checking the database.

Qt-free on purpose: :func:`outmail_gui.app.main` calls :func:`prestart` before it imports
:mod:`outmail_gui.ui.window.launch` (which loads PySide6, ≈ 70 ms), so the database's integrity check
(:class:`~outmail_gui.store.opening.IntegrityCheck`) runs on a helper thread meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from outmail_gui.store.opening import IntegrityCheck


class GuiOptions:
    """The window's options: ``--data-dir``, ``--analyst``, ``--exit-when-shown``."""

    def __init__(self, data_dir: str | None = None, analyst: str | None = None, exit_when_shown: bool = False) -> None:
        self.data_dir = data_dir
        self.analyst = analyst
        self.exit_when_shown = exit_when_shown


class Prestart:
    """The options, and the data directory (with its integrity check running) or why it is unusable."""

    def __init__(
        self,
        options: GuiOptions,
        directory: Path | None,
        integrity: IntegrityCheck | None = None,
        problem: OSError | None = None,
    ) -> None:
        self.options = options
        self.directory = directory
        self.integrity = integrity
        self.problem = problem


def prestart(argv: Sequence[str]) -> Prestart:
    """Parse ``argv`` (argparse exits with status 2 on bad usage), resolve the data directory and
    start checking its database."""
    from outmail_gui.paths import data_dir as resolve_data_dir

    options = parse_arguments(argv)
    try:
        directory = resolve_data_dir(options.data_dir)
    except OSError as exc:
        return Prestart(options, None, problem=exc)
    return Prestart(options, directory, IntegrityCheck.start(directory))


_VALUE_OPTIONS = {"--data-dir": "data_dir", "--analyst": "analyst"}


def parse_arguments(argv: Sequence[str]) -> GuiOptions:
    """The options; plain spellings are read here, anything else (help, abbreviations, errors) by argparse.

    argparse and its parser cost the window's start-up ~5 ms; the options it accepts and its
    messages (one line, exit status 2) are unchanged.
    """
    options = GuiOptions()
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        name, equals, value = word.partition("=")
        if word == "--exit-when-shown":
            options.exit_when_shown = True
        elif name in _VALUE_OPTIONS and equals:
            setattr(options, _VALUE_OPTIONS[name], value)
        elif word in _VALUE_OPTIONS and i + 1 < len(words) and not words[i + 1].startswith("-"):
            i += 1
            setattr(options, _VALUE_OPTIONS[word], words[i])
        else:
            return _parse_with_argparse(words)
        i += 1
    return options


def _parse_with_argparse(argv: list[str]) -> GuiOptions:
    from outmail_gui.cli.common import ArgumentParser
    from outmail_gui.cli.main import add_global_options

    parser = ArgumentParser(prog="outmail-gui", description="Outmail: outgoing email server settings.")
    add_global_options(parser)
    parser.add_argument(
        "--exit-when-shown",
        action="store_true",
        help="start normally and exit with status 0 once the main window has been painted (benchmarks, smoke tests)",
    )
    args = parser.parse_args(argv)
    return GuiOptions(args.data_dir, args.analyst, args.exit_when_shown)

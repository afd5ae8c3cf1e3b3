"""One argparse definition of the command line: the command word, the window's options, help."""

from __future__ import annotations

import contextlib
import io

import pytest

from outmail_gui.cli.main import build_parser, command_word, window_options


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        ([], None),
        (["--data-dir", "d"], None),
        (["--data-dir=d", "--analyst", "ann", "--exit-when-shown"], None),  # the window's own option
        (["-x"], None),  # not a command: the window's parser reports it
        (["servers", "list", "--json"], "servers"),
        (["--da", "d", "--analyst=ann", "routing", "--analyst", "bob"], "routing"),  # abbreviation, as argparse
        (["probe", "--server", "x", "--d"], "probe"),  # the command's words are left to its parser
        (["--bogus", "probe"], "probe"),
        (["typo"], "typo"),
        (["-h"], "--help"),
        (["--data-dir", "d", "--help", "probe"], "--help"),
    ],
)
def test_the_command_word_is_read_by_the_top_level_definition(argv: list[str], word: str | None) -> None:
    assert command_word(argv) == word


def test_a_global_option_without_its_value_is_bad_usage_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        command_word(["--analyst"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "outmail-gui: argument --analyst: expected one argument (see outmail-gui --help)\n"
    )


def test_the_window_reads_the_global_options_and_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    options = window_options(["--data-dir", "d", "--analyst=ann", "--exit-when-shown"])
    assert (options.data_dir, options.analyst, options.exit_when_shown) == ("d", "ann", True)
    assert vars(window_options([])) == {
        "data_dir": None,
        "store": None,
        "shared_store": None,
        "analyst": None,
        "exit_when_shown": False,
    }
    shared = window_options(["--store", "postgresql://db.corp.example/outmail"]).shared_store
    assert shared is not None and shared.target == "postgresql://db.corp.example/outmail"
    with pytest.raises(SystemExit) as exited:
        window_options(["--bogus"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == "outmail-gui: unrecognized arguments: --bogus (see outmail-gui --help)\n"


def test_the_window_only_option_is_refused_before_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser("servers").parse_args(["--exit-when-shown", "servers", "list"])
    assert "unrecognized arguments: --exit-when-shown" in capsys.readouterr().err


def test_probe_help_lists_its_options_as_declared() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        build_parser("probe").parse_args(["probe", "--help"])
    text = out.getvalue()
    assert "[--password-stdin | --password-env VAR]" in text
    flags = ["--server", "--port", "--security", "--login-id", "--password-stdin", "--password-env"]
    flags += ["--oauth-token-env", "--auth", "--timeout", "--from", "--chunking", "--pin-sha256", "--to"]
    flags += ["--dry-run", "--pager", "--ca-file", "--allow-insecure-auth", "--json", "--transcript"]
    positions = [text.index(f"  {flag}") for flag in flags]
    assert positions == sorted(positions)


def test_probe_values_and_their_errors_come_from_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser("probe").parse_args(["probe", "--server", "h", "--port=587", "--timeout", "2.5"])
    assert (args.server, args.port, args.timeout, args.security, args.json) == ("h", 587, 2.5, "auto", False)
    with pytest.raises(SystemExit) as exited:
        build_parser("probe").parse_args(["probe", "--server", "h", "--port", "abc"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "outmail-gui probe: argument --port: 'abc' is not a whole number (see outmail-gui probe --help)\n"
    )

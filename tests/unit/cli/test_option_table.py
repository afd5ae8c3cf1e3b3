"""``probe``'s quick parser gives argparse's values, or leaves the command line to argparse."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from types import SimpleNamespace

from hypothesis import event, given, settings
from hypothesis import strategies as st

from outmail_gui.cli.main import build_parser, parse_arguments
from outmail_gui.cli.option_table import Option
from outmail_gui.cli.probe import PROBE_OPTIONS

FLAGS = [option.flag for option in PROBE_OPTIONS]
VALUES = ["", "x", "-x", "25", "-1", " 7 ", "1e3", "nan", "abc", "a=b", "auto", "none", "starttls", "implicit", "PLAIN"]
ODD_WORDS = ["--help", "-h", "--serv", "--", "-", "--port=", "--json=1", "--server=", "probe", "--data-dir"]


def _argparse_values(argv: list[str]) -> dict[str, object] | None:
    """What argparse makes of ``argv``; ``None`` when it refuses it (or prints help)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(build_parser("probe").parse_args(argv))
        except SystemExit:
            return None


def _plausible(option: Option) -> st.SearchStrategy[list[str]]:
    """The option written as a user would, with a value of the right kind (or none for a switch)."""
    if option.is_switch:
        return st.just([option.flag])
    values = st.sampled_from(option.choices) if option.choices else st.sampled_from(["25", "587", "2.5", "x", "a b"])
    return values.flatmap(lambda value: st.sampled_from([[option.flag, value], [f"{option.flag}={value}"]]))


ANY_WORDS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(FLAGS), st.sampled_from(VALUES)).map(lambda pair: [pair[0], pair[1]]),
        st.tuples(st.sampled_from(FLAGS), st.sampled_from(VALUES)).map(lambda pair: [f"{pair[0]}={pair[1]}"]),
        st.sampled_from(FLAGS).map(lambda flag: [flag]),
        st.sampled_from(ODD_WORDS).map(lambda word: [word]),
    ),
    max_size=8,
)
SERVER = [["--server", "h"]]  # PROBE_OPTIONS[0], the required one
PLAUSIBLE_WORDS = st.lists(st.sampled_from(PROBE_OPTIONS[1:]), unique=True, max_size=10).flatmap(
    lambda options: st.tuples(*(_plausible(option) for option in options)).map(lambda groups: SERVER + list(groups))
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(ANY_WORDS, PLAUSIBLE_WORDS).map(lambda groups: ["probe", *(w for group in groups for w in group)]))
def test_the_quick_parser_agrees_with_argparse_or_steps_aside(argv: list[str]) -> None:
    expected = _argparse_values(argv)
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            parsed = parse_arguments(argv)
        except SystemExit:
            assert expected is None  # only argparse exits
            return
    event("quick parser" if isinstance(parsed, SimpleNamespace) else "argparse")
    assert expected is not None and vars(parsed) == expected


def test_a_usual_probe_command_line_is_parsed_without_argparse() -> None:
    argv = [
        "probe", "--server", "smtp.example.com", "--port=587", "--security", "starttls", "--login-id", "ann",
        "--password-env", "PW", "--auth", "PLAIN,LOGIN", "--timeout", "30", "--json", "--ca-file", "/tmp/ca.pem",
    ]  # fmt: skip
    parsed = parse_arguments(argv)
    assert isinstance(parsed, SimpleNamespace)  # argparse returns its own Namespace
    assert vars(parsed) == _argparse_values(argv)
    assert parsed.port == 587 and parsed.timeout == 30.0 and parsed.json and not parsed.password_stdin


def test_anything_unusual_goes_to_argparse() -> None:
    for argv in (
        ["probe", "--serv", "x"],  # an abbreviation argparse accepts
        ["probe", "--server", "x", "--port", "-1"],  # a value that looks like an option
        ["--data-dir", "d", "probe", "--server", "x"],  # a global option first
        ["probe", "--server", "x", "--server", "y"],  # repeated
    ):
        assert not isinstance(parse_arguments(argv), SimpleNamespace), argv


def test_help_lists_the_options_as_declared() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        build_parser("probe").parse_args(["probe", "--help"])
    text = out.getvalue()
    assert "[--password-stdin | --password-env VAR]" in text
    positions = [text.index(f"  {flag}") for flag in FLAGS]
    assert positions == sorted(positions)


def test_a_plain_probe_command_does_not_import_argparse() -> None:
    code = (
        "import sys\n"
        "from outmail_gui.cli.main import parse_arguments\n"
        "parse_arguments(['probe', '--server', 'localhost', '--port', '2525', '--json'])\n"
        "print(sorted({'argparse', 'gettext', 'locale'} & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"

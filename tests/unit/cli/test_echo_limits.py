"""Error lines never repeat too much: values capped at 80 characters with an ellipsis, the
--password-env argument never echoed, and numbers with too many digits get our own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli.cli_run import Result, run_cli

BASIC = ("--server", "smtp.example.com", "--outgoing-email-id", "a@example.com")
HUGE = "x" * 120_000


def one_short_line(result: Result, code: int = 2) -> str:
    assert result.code == code, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert len(result.err) < 400, result.err[:500]
    return result.err


@pytest.mark.parametrize(
    "argv",
    [
        ("servers", "add", "--name", "S", *BASIC, "--protocol", HUGE),
        ("servers", "add", "--name", "S", *BASIC, "--security", HUGE),
        ("servers", "add", "--name", "S", *BASIC, "--auth", HUGE),
        ("servers", "add", "--name", "S", *BASIC, "--port", HUGE),
        ("servers", "add", "--name", "S", *BASIC, "--partition", HUGE),
        ("servers", "show", HUGE),
        ("probe", "--server", "smtp.example.com", "--port", HUGE),
        ("probe", "--server", "smtp.example.com", "--timeout", HUGE),
    ],
)
def test_a_huge_value_is_echoed_at_most_80_characters(data: Path, argv: tuple[str, ...]) -> None:
    result = run_cli(data, *argv)
    err = one_short_line(result, 1 if argv[:2] == ("servers", "show") else 2)
    assert "x" * 80 not in err
    if "x" * 20 in err:
        assert "x" * 79 + "…" in err


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (("servers", "add", "--name", "S", *BASIC), "--password-env"),
        (("probe", "--server", "::1"), "--password-env"),
        (("probe", "--server", "::1"), "--oauth-token-env"),
    ],
)
def test_the_password_env_argument_is_never_echoed(data: Path, command: tuple[str, ...], option: str) -> None:
    err = one_short_line(run_cli(data, *command, option, "hunter2"))
    assert "hunter2" not in err and "not the password" in err


@pytest.mark.parametrize("option", ["--port", "--timeout"])
@pytest.mark.parametrize("digits", [10, 5000])
def test_a_number_with_too_many_digits_gets_our_message(data: Path, option: str, digits: int) -> None:
    err = one_short_line(run_cli(data, "servers", "add", "--name", "S", *BASIC, option, "7" * digits))
    assert "has too many digits (at most 9)" in err
    assert "int_max_str_digits" not in err and "Exceeds the limit" not in err


def test_an_import_with_a_number_of_5000_digits_gets_our_message(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    entry = {"protocol": "smtp", "name": "S", "server": "h.example.com", "outgoing_email_id": "a@example.com"}
    text = json.dumps({"format": "outmail-servers", "version": 2, "servers": [entry | {"port": 1}]})
    path.write_text(text.replace('"port": 1', '"port": ' + "9" * 5000), encoding="utf-8")
    err = one_short_line(run_cli(data, "servers", "import", str(path)), 2)
    assert "a number has 5000 digits; no field takes more than 18" in err
    assert "int_max_str_digits" not in err

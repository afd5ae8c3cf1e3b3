"""``outmail-gui discover`` and ``servers add --discover`` end to end (cli.main.run, real DNS/HTTPS/SMTP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outmail_gui.cli.main import run
from tests.support.discovery_world import PASSWORD, USER, World

pytestmark = pytest.mark.integration

CANDIDATE_KEYS = {
    "server",
    "port",
    "security",
    "source",
    "reachable",
    "tls",
    "auth",
    "xoauth2",
    "problems",
    "recommended",
}
TLS_KEYS = {"version", "verified", "problem", "sha256", "not_after"}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = run(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def world_options(world: World, timeout: str = "3") -> list[str]:
    return ["--dns-server", world.dns.spec, "--ca-file", str(world.tls.ca_file), "--timeout", timeout]


def test_json_has_the_documented_shape_and_exit_0(discovery_world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "discover", "alice@srv.example", *world_options(discovery_world), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"target", "domain", "sources", "candidates", "recommended", "elapsed_ms"}
    assert (data["target"], data["domain"]) == ("alice@srv.example", "srv.example")
    assert [s["name"] for s in data["sources"]] == ["srv", "autoconfig", "provider", "guess"]
    assert all(set(s) == {"name", "ok", "detail", "elapsed_ms"} for s in data["sources"])
    for candidate in data["candidates"]:
        assert set(candidate) == CANDIDATE_KEYS
        assert candidate["security"] in ("implicit", "starttls", "none")
        assert candidate["tls"] is None or set(candidate["tls"]) == TLS_KEYS
    assert data["recommended"] == data["candidates"][0]
    assert data["recommended"]["server"] == "submit.srv.example" and data["recommended"]["recommended"] is True


def test_text_report_and_exit_1_when_nothing_can_be_recommended(
    discovery_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = cli(capsys, "discover", "dave@authplain.example", *world_options(discovery_world))
    assert code == 1
    assert "smtp.authplain.example:587 STARTTLS" in out and "only without TLS" in out
    assert "No candidate can be recommended" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["discover", "alice@@example.com"], "not a valid email address"),
        (["discover", "bad host!"], "'bad host!'"),
        (["discover", "a@srv.example", "--dns-server", "dns.example:53"], "--dns-server: 'dns.example' is not an IP"),
        (["discover", "a@srv.example", "--dns-server", "127.0.0.1:99999"], "not a port number"),
        (["discover", "a@srv.example", "--timeout", "0"], "--timeout"),
        (
            ["discover", "a@srv.example", "--password-env", "OUTMAIL_NO_SUCH_VAR"],
            "--password-env: the environment variable it names is not set",
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err


def test_sign_in_check_with_password_from_env(
    discovery_world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in = [*world_options(discovery_world), "--login-id", USER, "--password-env", "OUTMAIL_DISCOVER_PW"]
    monkeypatch.setenv("OUTMAIL_DISCOVER_PW", PASSWORD)
    code, out, err = cli(capsys, "discover", "alice@ac.example", *sign_in, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["sign_in"]["ok"] is True and data["sign_in"]["mechanism"]
    assert PASSWORD not in out + err
    monkeypatch.setenv("OUTMAIL_DISCOVER_PW", "not-the-password")
    code, out, _err = cli(capsys, "discover", "alice@ac.example", *sign_in)
    assert code == 1 and "Sign-in check: sign-in failed" in out


def test_servers_add_discover_fills_the_unset_connection_fields(
    discovery_world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "data")
    options = ["--dns-server", discovery_world.dns.spec, "--ca-file", str(discovery_world.tls.ca_file)]

    def add(name: str, *argv: str) -> tuple[int, str]:
        code, _out, err = cli(capsys, "--data-dir", data_dir, "servers", "add", "--name", name, *argv, *options)
        return code, err

    def saved(name: str) -> dict[str, Any]:
        code, out, err = cli(capsys, "--data-dir", data_dir, "servers", "show", name, "--json")
        assert code == 0, err
        return dict(json.loads(out))

    code, err = add("AC", "--outgoing-email-id", "alice@ac.example", "--discover", "--discover-timeout", "3")
    assert code == 0, err
    record = saved("AC")
    assert (record["server"], record["port"], record["use_ssl"]) == ("smtp-out.ac.example", 587, True)
    # The autoconfig file says password-cleartext: Plain and Login, as the domain advises.
    assert record["auth_auto"] is False and record["auth_methods"] == ["LOGIN", "PLAIN"]
    # A field given on the command line wins over the discovered one.
    code, err = add("AC 2", "--outgoing-email-id", "alice@ac.example", "--port", "2525", "--discover")
    assert code == 0, err
    assert saved("AC 2")["port"] == 2525
    # Nothing recommendable: nothing is added.
    code, err = add("Plain", "--server", "smtp.authplain.example", "--discover")
    assert code == 1 and "nothing was added" in err and err.count("\n") == 1

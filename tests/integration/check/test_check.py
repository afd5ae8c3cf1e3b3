"""``outmail-gui check`` against real aiosmtpd servers with short-lived trustme certificates:
the four formats, their exit codes, the history rows, routing problems and bad input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from outmail_gui.cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.repository import ServerRepository
from tests.integration.check.conftest import CertServer, add_server, closed_port
from tests.unit.cli.cli_run import run_cli

pytestmark = pytest.mark.integration


def _expires_in(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def test_json_has_one_object_per_server_with_test_and_expiry_facts_and_history_is_written(
    data: Path, cert_server: CertServer
) -> None:
    ids = {
        "fine": add_server(data, "fine", cert_server(200)).id,
        "soon": add_server(data, "soon", cert_server(10)).id,
        "close": add_server(data, "close", cert_server(3)).id,
        "expired": add_server(data, "expired", cert_server(-1)).id,
        "down": add_server(data, "down", closed_port()).id,
    }
    add_server(data, "idle", closed_port(), active=False)

    result = run_cli(data, "check", "--format", "json")

    assert result.code == EXIT_FAILED, result.err
    assert result.err == ""
    document = result.json()
    assert (document["status"], document["warn_days"], document["critical_days"]) == ("critical", 21, 7)
    by_name = {s["server"]: s for s in document["servers"]}
    assert sorted(by_name) == ["close", "down", "expired", "fine", "soon"]  # every active one, not "idle"
    assert {name: s["status"] for name, s in by_name.items()} == {
        "fine": "ok",
        "soon": "warning",
        "close": "critical",
        "expired": "critical",
        "down": "critical",
    }
    for name in ("fine", "soon", "close"):
        assert by_name[name]["test"]["outcome"] == "passed"
    assert by_name["fine"]["certificate"]["days_left"] in (199, 200)
    assert by_name["fine"]["problems"] == []
    assert by_name["soon"]["certificate"] == {
        "expires": by_name["soon"]["certificate"]["expires"],
        "days_left": 9,
        "state": "soon",
    }
    assert by_name["soon"]["problems"][0]["message"].startswith("The server's certificate expires in 9 days (")
    assert by_name["close"]["certificate"]["state"] == "critical"
    expired = by_name["expired"]
    assert (expired["test"]["outcome"], expired["test"]["failed_step"]) == ("failed", "tls")
    assert expired["certificate"]["state"] == "expired"
    assert [p["status"] for p in expired["problems"]] == ["critical", "critical"]
    assert (by_name["down"]["test"]["failed_step"], by_name["down"]["certificate"]["expires"]) == ("connect", None)
    assert by_name["fine"]["oauth"] is None
    assert document["routing_problems"][0]["status"] == "warning"  # five active servers, no partitions
    assert "the system simply selects one" in document["routing_problems"][0]["message"]

    with ServerRepository.open(data) as repo:
        history = HistoryStore.of(repo)
        rows = {name: history.for_server(server_id) for name, server_id in ids.items()}
    assert {name: len(r) for name, r in rows.items()} == dict.fromkeys(ids, 1)
    assert rows["fine"][0].outcome is Outcome.PASSED and rows["down"][0].failed_step == "connect"
    fine_expiry = rows["fine"][0].certificate_expires
    assert fine_expiry is not None and abs((fine_expiry - _expires_in(200)).total_seconds()) < 60
    assert rows["expired"][0].certificate_expires is not None  # seen although the certificate was refused
    assert rows["down"][0].certificate_expires is None


def test_text_is_one_line_per_server_and_a_summary(data: Path, cert_server: CertServer) -> None:
    add_server(data, "Head office", cert_server(200), is_default=True)
    ok = run_cli(data, "check")
    assert (ok.code, ok.err) == (EXIT_OK, "")
    lines = ok.out.splitlines()
    assert re.fullmatch(
        r"OK +Head office  127\.0\.0\.1:\d+  test passed in \d+\.\d\d s, certificate until "
        r"\d{4}-\d\d-\d\d \((199|200) d\)",
        lines[0],
    ), lines[0]
    assert lines[-1] == "1 server checked: 1 OK."

    add_server(data, "Branch", cert_server(10))
    warned = run_cli(data, "check", "Branch")
    assert warned.code == EXIT_FAILED
    lines = warned.out.splitlines()
    assert lines[0].startswith("WARNING  Branch  127.0.0.1:")
    assert lines[1].strip().startswith("The server's certificate expires in 9 days")
    assert "Routing:" in lines and lines[-1] == "1 server checked: 0 OK, 1 warning; 1 routing problem."


@pytest.mark.parametrize(
    ("days", "options", "code", "word"),
    [
        (200, (), 0, "OK"),
        (10, (), 1, "WARNING"),
        (3, (), 2, "CRITICAL"),
        (3, ("--warn-days", "5", "--critical-days", "1"), 1, "WARNING"),
        (-1, (), 2, "CRITICAL"),
    ],
)
def test_nagios_status_line_perfdata_and_exit_code(
    data: Path, cert_server: CertServer, days: int, options: tuple[str, ...], code: int, word: str
) -> None:
    add_server(data, "Mail's relay", cert_server(days))
    result = run_cli(data, "check", "--format", "nagios", *options)
    assert result.code == code, result.out + result.err
    first, *details = result.out.splitlines()
    warn, crit = ("5", "1") if options else ("21", "7")
    status_line = (
        rf"OUTMAIL {word} - 1 server checked: .+ \| 'Mail''s relay time'=\d+\.\d{{3}}s;;;0 "
        rf"'Mail''s relay certificate days'=-?\d+;{warn}:;{crit}:"
    )
    assert re.fullmatch(status_line, first), first
    assert details[0].startswith(f"[{word}] Mail's relay 127.0.0.1:")
    assert all("|" not in line for line in details)
    if code:
        assert "certificate" in first.split(" | ")[0]


def test_nagios_says_unknown_when_it_cannot_check(data: Path) -> None:
    add_server(data, "idle", closed_port(), active=False)
    nothing = run_cli(data, "check", "--format", "nagios")
    assert (nothing.code, nothing.out) == (
        3,
        "OUTMAIL UNKNOWN - there is no active server to check (see: outmail-gui servers list)\n",
    )
    missing = run_cli(data, "check", "Nope", "--format", "nagios")
    assert missing.code == 3 and missing.out.startswith("OUTMAIL UNKNOWN - there is no server named 'Nope'")


def test_prometheus_textfile_is_valid_exposition_format(data: Path, cert_server: CertServer, tmp_path: Path) -> None:
    add_server(data, "fine", cert_server(200), is_default=True)
    add_server(data, 'odd "name"\\', cert_server(10))
    add_server(data, "down", closed_port())
    target = tmp_path / "textfile" / "outmail.prom"
    target.parent.mkdir()

    result = run_cli(data, "check", "--format", "prometheus", "--output", str(target))

    assert (result.code, result.out, result.err) == (EXIT_OK, "", "")
    assert [p.name for p in target.parent.iterdir()] == ["outmail.prom"]  # no partial file left behind
    families = {f.name: f for f in text_string_to_metric_families(target.read_text())}
    assert set(families) == {
        "outmail_check_success",
        "outmail_check_duration_seconds",
        "outmail_certificate_expiry_timestamp_seconds",
        "outmail_oauth_secret_expiry_timestamp_seconds",
    }
    assert all(f.type == "gauge" and f.documentation for f in families.values())

    def values(name: str) -> dict[str, float]:
        samples = families[name].samples
        assert all(set(s.labels) == {"server", "host", "port"} and s.labels["host"] == "127.0.0.1" for s in samples)
        return {s.labels["server"]: s.value for s in samples}

    assert values("outmail_check_success") == {"fine": 1.0, 'odd "name"\\': 1.0, "down": 0.0}
    assert all(0 <= v < 30 for v in values("outmail_check_duration_seconds").values())
    expiry = values("outmail_certificate_expiry_timestamp_seconds")
    assert set(expiry) == {"fine", 'odd "name"\\'}  # nothing is known of "down": no sample rather than 0
    assert abs(expiry["fine"] - _expires_in(200).timestamp()) < 60
    assert values("outmail_oauth_secret_expiry_timestamp_seconds") == {}

    on_stdout = run_cli(data, "check", "fine", "--format", "prometheus")
    assert on_stdout.code == EXIT_OK
    assert next(f.name for f in text_string_to_metric_families(on_stdout.out)) == "outmail_check_success"


def test_routing_problems_count(data: Path, cert_server: CertServer) -> None:
    port = cert_server(200)
    assert run_cli(data, "partitions", "enable").code == EXIT_OK
    for partition in ("HR", "Sales"):
        assert run_cli(data, "partitions", "add", partition).code == EXIT_OK
    add_server(data, "hr-1", port, partition="HR")
    add_server(data, "hr-2", port, partition="HR")
    add_server(data, "general", port)

    document = run_cli(data, "check", "--format", "json").json()

    assert document["status"] == "critical"
    problems = {p["message"]: p["status"] for p in document["routing_problems"]}
    assert problems == {
        "'hr-1', 'hr-2' are all active for partition 'HR'; the system simply selects one. Keep only one active "
        "email server per partition.": "warning",
        "No active server for partition 'Sales' and no Default Outgoing Email Server: this email cannot be "
        "sent.": "critical",
    }
    assert {s["status"] for s in document["servers"]} == {"ok"}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("--warn-days", "-1"), EXIT_USAGE, "argument --warn-days: -1 is not between 0 and 3650"),
        (("--warn-days", "soon"), EXIT_USAGE, "'soon' is not a whole number of days"),
        (("--critical-days", "30"), EXIT_USAGE, "--critical-days (30) must not exceed --warn-days (21)"),
        (("--format", "xml"), EXIT_USAGE, "invalid choice: 'xml'"),
        (("Nope",), EXIT_FAILED, "there is no server named 'Nope'"),
        (("--output", "/nonexistent/dir/outmail.prom"), EXIT_FAILED, "cannot write /nonexistent/dir/outmail.prom"),
    ],
)
def test_bad_input_is_one_line_with_its_exit_code(
    data: Path, cert_server: CertServer, argv: tuple[str, ...], code: int, message: str
) -> None:
    add_server(data, "fine", cert_server(200))
    result = run_cli(data, "check", *argv)
    assert result.code == code
    assert message in result.err and len(result.err.splitlines()) == 1
    assert result.out == ""

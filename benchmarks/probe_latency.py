"""``outmail-gui probe`` against swaks where users feel it: through a relay that adds network latency.

Postfix (STARTTLS, AUTH through Dovecot, PIPELINING offered) runs on loopback behind
``latency_relay.LatencyRelay``, which delays each direction by ``--one-way-ms`` (25 ms: 50 ms
round trips). Each round runs every command as a fresh process (start-up included):

* STARTTLS + AUTH PLAIN, then QUIT (swaks ``--quit-after AUTH``);
* the same, then a test message (MAIL FROM, RCPT TO, DATA, the message, QUIT);
* swaks with ``--pipeline`` for the message, as a reference.

Prints median wall-clock times, the ratio to swaks (target: at most 1.0x) and the round trips
each command needed, counted by the relay (client -> server bursts the server answered; the
greeting is not one). Loopback times (no relay) show start-up, which is reported, not targeted,
and the CPU time (user + system) each command used on loopback, which a loaded machine does not
inflate the way it inflates wall-clock time. Needs root (Postfix and Dovecot), swaks and libnet-ssleay-perl.
Run: ``.venv/bin/python benchmarks/probe_latency.py [--rounds 10] [--one-way-ms 25]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.probe_vs_swaks import timed  # noqa: E402
from tests.support import mta  # noqa: E402
from tests.support.latency_relay import LatencyRelay  # noqa: E402
from tests.support.smtp_servers import make_tls  # noqa: E402

USER, PASSWORD = "bench", "bench-pass-123"
FROM, TO = "helpdesk@example.com", "bench@example.com"  # the CLI refuses reserved names (example.test)


def outmail_cmd(outmail: str, port: int, ca: Path, *extra: str) -> list[str]:
    return [
        outmail, "probe", "--server", "localhost", "--port", str(port), "--security", "starttls",
        "--ca-file", str(ca), "--login-id", USER, "--password-env", "OUTMAIL_BENCH_PW", "--auth", "PLAIN", *extra,
    ]  # fmt: skip


def swaks_cmd(swaks: str, port: int, ca: Path, *extra: str) -> list[str]:
    return [
        swaks, "--server", "localhost", "--port", str(port), "--tls", "--tls-verify", "--tls-ca-path", str(ca),
        "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD, "--silent", "2", *extra,
    ]  # fmt: skip


def commands(outmail: str, swaks: str, port: int, ca: Path) -> dict[str, list[str]]:
    message = ("--from", FROM, "--to", TO)
    return {
        "outmail-gui probe (AUTH)": outmail_cmd(outmail, port, ca),
        "swaks --quit-after AUTH": swaks_cmd(swaks, port, ca, "--quit-after", "AUTH"),
        "outmail-gui probe --to (message)": outmail_cmd(outmail, port, ca, *message),
        "swaks (message)": swaks_cmd(swaks, port, ca, *message),
        "swaks --pipeline (message)": swaks_cmd(swaks, port, ca, *message, "--pipeline"),
    }


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    cmds: dict[str, list[str]], env: dict[str, str], rounds: int, relay: LatencyRelay | None
) -> dict[str, tuple[float, set[int], float]]:
    """Median wall-clock milliseconds, the round-trip counts seen and the median CPU milliseconds (user +
    system, which the machine's load does not inflate the way it does wall-clock time), per command."""
    for cmd in cmds.values():  # warm caches once
        timed(cmd, env)
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    trips: dict[str, set[int]] = {name: set() for name in cmds}
    for _ in range(rounds):
        for name, cmd in cmds.items():  # interleaved, so drift affects all alike
            before = children_cpu_s()
            samples[name].append(timed(cmd, env))
            cpu[name].append(children_cpu_s() - before)
            if relay is not None:
                trips[name].add(relay.last().round_trips)
    return {
        name: (statistics.median(values) * 1000, trips[name], statistics.median(cpu[name]) * 1000)
        for name, values in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--one-way-ms", type=float, default=25.0)
    args = parser.parse_args()
    swaks = shutil.which("swaks")
    outmail = str(Path(sys.executable).with_name("outmail-gui"))
    problem = mta.available()
    if problem:
        raise SystemExit(problem)
    if not swaks:
        raise SystemExit("swaks is not installed (apt-get install swaks libnet-ssleay-perl)")
    if not os.path.exists(outmail):
        raise SystemExit("outmail-gui is not installed in this venv (scripts/setup.sh)")
    compileall.compile_dir(str(ROOT / "outmail_gui"), quiet=1)
    env = dict(os.environ, OUTMAIL_BENCH_PW=PASSWORD)
    with tempfile.TemporaryDirectory(prefix="outmail-bench-") as tmp:
        tls = make_tls(Path(tmp) / "tls")
        server = mta.start(Path(tmp) / "mta", tls.cert_file, tls.key_file, {USER: PASSWORD})
        try:
            with LatencyRelay(server.port, args.one_way_ms / 1000) as relay:
                relayed = measure(commands(outmail, swaks, relay.port, tls.ca_file), env, args.rounds, relay)
            loopback = measure(commands(outmail, swaks, server.port, tls.ca_file), env, args.rounds, None)
        finally:
            mta.stop(server)
    print(f"{args.rounds} rounds; relay: {args.one_way_ms:g} ms each way ({2 * args.one_way_ms:g} ms round trips)")
    print(f"  {'command':<34} {'relayed':>9} {'round trips':>12} {'loopback':>9} {'CPU':>9}")
    for name, (ms, trips, _cpu) in relayed.items():
        shown = ",".join(str(n) for n in sorted(trips))
        print(f"  {name:<34} {ms:7.1f} ms {shown:>12} {loopback[name][0]:7.1f} ms {loopback[name][2]:6.1f} ms")
    for what, ours, theirs in (
        ("AUTH", "outmail-gui probe (AUTH)", "swaks --quit-after AUTH"),
        ("message", "outmail-gui probe --to (message)", "swaks (message)"),
    ):
        ratio = relayed[ours][0] / relayed[theirs][0]
        print(f"  outmail / swaks, {what:<8} relayed {ratio:.2f}x (target <= 1.00)"
              f"   loopback {loopback[ours][0] / loopback[theirs][0]:.2f}x (reported)")  # fmt: skip


if __name__ == "__main__":
    main()

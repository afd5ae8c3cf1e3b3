"""Side by side on one local STARTTLS + AUTH server: ``outmail-gui probe``, swaks and bare smtplib.

Each round runs the three as fresh processes (start-up included, as a user would experience
them) doing the same work: connect, STARTTLS with certificate verification, EHLO, AUTH PLAIN,
QUIT. Prints median wall-clock times and ratios. Run: ``.venv/bin/python benchmarks/probe_vs_swaks.py``.

Two reference rows (not part of the targets) show the floor for any Python tool here: the
interpreter starting and exiting (``python -c pass``, same venv, same ``site``), and that plus
the modules the probe cannot do without (``ssl`` for TLS, ``hashlib`` for the certificate's
fingerprint; a plain command line is parsed without ``argparse``).

The package's byte code is compiled first: an installed package has its ``.pyc`` files, and
with ``PYTHONDONTWRITEBYTECODE`` set a stale cache would be recompiled on every run.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.smtp_servers import RecordingHandler, aiosmtpd_server, make_tls  # noqa: E402

USER, PASSWORD = "bench", "bench-pass-123"
BARE = """\
import smtplib, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP("localhost", port, timeout=30)
s.starttls(context=ssl.create_default_context(cafile=ca))
s.ehlo()
s.login("{user}", "{password}")
s.quit()
"""
FLOOR_IMPORTS = "import ssl, hashlib"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, timeout=60, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stdout.decode()}\n{proc.stderr.decode()}")
    return elapsed


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)  # aiosmtpd's own Session.login_data notice
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    swaks = shutil.which("swaks")
    outmail = str(Path(sys.executable).with_name("outmail-gui"))
    if not swaks:
        raise SystemExit("swaks is not installed (apt-get install swaks libnet-ssleay-perl)")
    if not os.path.exists(outmail):
        raise SystemExit("outmail-gui is not installed in this venv (pip install -e .)")
    compileall.compile_dir(str(ROOT / "outmail_gui"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="outmail-bench-") as tmp:
        tls = make_tls(Path(tmp))
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE.format(user=USER, password=PASSWORD))
        env = dict(os.environ, OUTMAIL_BENCH_PW=PASSWORD)
        with aiosmtpd_server(RecordingHandler({USER: PASSWORD}), tls, mode="starttls") as server:
            port = str(server.port)
            commands = {
                "outmail-gui probe": [
                    outmail, "probe", "--server", "localhost", "--port", port, "--security", "starttls",
                    "--ca-file", str(tls.ca_file), "--login-id", USER, "--password-env", "OUTMAIL_BENCH_PW",
                    "--auth", "PLAIN",
                ],
                "swaks": [
                    swaks, "--server", "localhost", "--port", port, "--tls", "--tls-verify",
                    "--tls-ca-path", str(tls.ca_file), "--auth", "PLAIN", "--auth-user", USER,
                    "--auth-password", PASSWORD, "--quit-after", "AUTH", "--silent", "2",
                ],
                "bare smtplib": [sys.executable, str(bare), port, str(tls.ca_file)],
                "python -c pass": [sys.executable, "-c", "pass"],
                "python + ssl etc.": [sys.executable, "-c", FLOOR_IMPORTS],
            }  # fmt: skip
            for cmd in commands.values():  # warm caches once
                timed(cmd, env)
            samples: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.rounds):
                for name, cmd in commands.items():  # interleaved, so drift affects all alike
                    samples[name].append(timed(cmd, env))
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    print(f"{args.rounds} rounds, median wall-clock per run (process start to exit):")
    for name, ms in medians.items():
        print(f"  {name:<18} {ms:7.1f} ms")
    print(f"  outmail / swaks        {medians['outmail-gui probe'] / medians['swaks']:.2f}x  (target <= 1.00)")
    print(f"  outmail / bare smtplib {medians['outmail-gui probe'] / medians['bare smtplib']:.2f}x  (target <= 1.50)")
    print(f"  (reference rows: {FLOOR_IMPORTS!r} is the floor for a Python tool that uses them)")


if __name__ == "__main__":
    main()

"""What a real ``outmail-gui probe`` process loads (start-up time is part of the test's speed).

See benchmarks/probe_vs_swaks.py: every module on this path is paid for by every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.integration.probe.conftest import PASSWORD, USER
from tests.support.smtp_servers import TlsMaterial

pytestmark = pytest.mark.integration

# Run the command as the console script does, then report what is loaded.
RUN_AND_LIST = """\
import json, sys
from outmail_gui.app import main
code = main(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + " CODE " + str(code) + "\\n")
"""

# Heavy modules a test of one server with one mechanism does not need: they are imported when used.
NOT_LOADED = {
    "encodings.idna",  # host names reach getaddrinfo and ssl as ASCII bytes
    "stringprep",
    "unicodedata",
    "uuid",  # the settings model
    "idna",  # plain ASCII host names (domain.addresses)
    "ipaddress",
    "email_validator",
    "outmail_gui.domain.settings",
    "outmail_gui.domain.rules",
    "outmail_gui.probe.auth.digest",  # mechanisms other than the one used
    "outmail_gui.probe.auth.ntlm",
    "outmail_gui.probe.auth.gssapi",
    "outmail_gui.probe.sending",
    "outmail_gui.probe.message",
    "secrets",
    "spnego",
    "cryptography",
    "PySide6",
}


def test_a_starttls_auth_probe_loads_only_what_it_uses(smtp_server: Any, tls: TlsMaterial) -> None:
    server = smtp_server()
    env = dict(os.environ, OUTMAIL_TEST_PW=PASSWORD)
    argv = [
        "probe", "--server", "localhost", "--port", str(server.port), "--security", "starttls",
        "--ca-file", str(tls.ca_file), "--login-id", USER, "--password-env", "OUTMAIL_TEST_PW", "--auth", "PLAIN",
    ]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *argv], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert "Result: PASSED" in proc.stdout, proc.stdout + proc.stderr
    listing = proc.stderr.rsplit("MODULES ", 1)[1]
    modules = set(json.loads(listing.split(" CODE ")[0]))
    assert listing.split(" CODE ")[1].strip() == "0"
    assert {"ssl", "outmail_gui.probe.smtp_probe", "outmail_gui.probe.render"} <= modules
    assert sorted(NOT_LOADED & modules) == []

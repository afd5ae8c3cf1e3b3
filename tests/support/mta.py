"""Postfix (CHUNKING/BDAT, STARTTLS) with Dovecot SASL (PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5, or
GSSAPI and PLAIN for a Kerberos realm), each with a private configuration under one directory,
on a loopback port.

Debian builds Dovecot without NTLM, so NTLM/MSN are tested against aiosmtpd + pyspnego instead.

Nothing of the system's Postfix or Dovecot configuration is read or changed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
MASTER_CF = """\
{listen} inet n - n - - smtpd
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
tlsmgr unix - - n 1000? 1 tlsmgr
postlog unix-dgram n - n - 1 postlogd
"""


# scripts/run-tests.sh promises Postfix and Dovecot (and root to start them): there a missing one is a
# failure, not a skip, so the Dovecot SASL runs (PLAIN, LOGIN, CRAM-MD5, DIGEST-MD5) are never silently left out.
REQUIRED = os.environ.get("OUTMAIL_TEST_MTA") == "1"


def available() -> str | None:
    """Why the MTA fixture cannot run here, or ``None``."""
    if not os.path.exists(POSTFIX):
        return "postfix is not installed (apt-get install postfix)"
    if not os.path.exists(DOVECOT):
        return "dovecot-core is not installed (apt-get install dovecot-core)"
    if os.geteuid() != 0:
        return "Postfix and Dovecot need root to start"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass(frozen=True)
class Gssapi:
    """Dovecot's GSSAPI set-up: the realm's client configuration, the service keytab, and which
    Kerberos principal may log in as which user (Dovecot's ``k5principals``: no system users)."""

    krb5_conf: Path
    keytab: Path
    principals: dict[str, str]


@dataclasses.dataclass
class Mta:
    root: Path
    port: int
    mailbox: Path
    maillog: Path

    def wait_for_mail(self, needle: bytes, timeout: float = 8.0) -> bytes:
        stop = time.monotonic() + timeout
        while time.monotonic() < stop:
            if self.mailbox.exists():
                data = self.mailbox.read_bytes()
                if needle in data:
                    return data
            time.sleep(0.05)
        log = self.maillog.read_text(errors="replace") if self.maillog.exists() else "(no log)"
        raise AssertionError(f"mail with {needle!r} did not arrive; maillog:\n{log[-3000:]}")


def _run(*cmd: str, log: Path) -> None:
    """Run a daemon's start command; output goes to ``log`` (daemons keep inherited pipes open)."""
    with open(log, "ab") as out:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")


def _gssapi_settings(gssapi: Gssapi | None) -> tuple[str, str]:
    """Dovecot's mechanisms and extra settings. Dovecot clears its children's environment, so
    ``KRB5_CONFIG`` reaches the auth process only through ``import_environment``."""
    if gssapi is None:
        return "plain login cram-md5 digest-md5", ""
    return "gssapi plain", (
        f"auth_krb5_keytab = {gssapi.keytab}\n"
        'auth_gssapi_hostname = "$ALL"\n'  # any service key in the keytab
        f"import_environment = TZ KRB5_CONFIG={gssapi.krb5_conf}\n"
    )


def start(root: Path, cert_file: Path, key_file: Path, users: dict[str, str], gssapi: Gssapi | None = None) -> Mta:
    """Start Dovecot (auth only) and Postfix under ``root``; call :func:`stop` afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    for parent in (root, *root.parents):  # the postfix and dovecot users must reach their directories
        if parent == Path(parent.anchor) or parent == Path("/tmp"):
            break
        parent.chmod(parent.stat().st_mode | 0o711)
    dove = root / "dovecot"
    (dove / "run").mkdir(parents=True)
    (dove / "state").mkdir()
    passwd = dove / "passwd"
    principals = gssapi.principals if gssapi else {}
    passwd.write_text(
        "".join(
            f"{u}:{{PLAIN}}{p}::::::" + (f"k5principals={principals[u]}" if u in principals else "") + "\n"
            for u, p in users.items()
        ),
        encoding="utf-8",
    )
    mechanisms, gssapi_settings = _gssapi_settings(gssapi)
    auth_socket = dove / "auth-client"
    (dove / "dovecot.conf").write_text(
        f"""\
base_dir = {dove}/run
state_dir = {dove}/state
log_path = {dove}/log
protocols =
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
auth_verbose = yes
{gssapi_settings}default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent
}}
service auth {{
  unix_listener {auth_socket} {{
    mode = 0666
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    _run(DOVECOT, "-c", str(dove / "dovecot.conf"), log=root / "start.log")
    conf = root / "postfix-conf"
    queue = root / "queue"
    data = root / "data"
    vmail = root / "vmail"
    for d in (conf, queue, data, vmail):
        d.mkdir()
    shutil.chown(data, "postfix")
    shutil.chown(vmail, "nobody", "nogroup")
    maillog = root / "maillog"
    port = free_port()
    (conf / "master.cf").write_text(MASTER_CF.format(listen=f"127.0.0.1:{port}"))
    (conf / "main.cf").write_text(
        f"""\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.test
mydomain = mta.test
myorigin = mta.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = {maillog}
maillog_file_prefixes = {root}
alias_maps =
alias_database =
smtpd_banner = $myhostname ESMTP test
smtpd_tls_cert_file = {cert_file}
smtpd_tls_key_file = {key_file}
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {auth_socket}
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = example.test, example.com
virtual_mailbox_base = {vmail}
virtual_mailbox_maps = static:inbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
message_size_limit = 10240000
"""
    )
    _run(POSTFIX, "-c", str(conf), "start", log=root / "start.log")
    mta = Mta(root=root, port=port, mailbox=vmail / "inbox", maillog=maillog)
    _wait_listening(port, maillog)
    return mta


def _wait_listening(port: int, maillog: Path, timeout: float = 10.0) -> None:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(2)
                if s.recv(100).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return
        except OSError:
            time.sleep(0.05)
    log = maillog.read_text(errors="replace") if maillog.exists() else "(no maillog)"
    raise RuntimeError(f"Postfix did not start listening on port {port}:\n{log[-2000:]}")


def stop(mta: Mta) -> None:
    subprocess.run(
        [POSTFIX, "-c", str(mta.root / "postfix-conf"), "stop"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
        check=False,
    )
    pid_file = mta.root / "dovecot" / "run" / "master.pid"
    if pid_file.exists():
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            stop_at = time.monotonic() + 10
            while time.monotonic() < stop_at:
                os.kill(pid, 0)
                time.sleep(0.05)
        except (ProcessLookupError, ValueError):
            pass

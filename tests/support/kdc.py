"""A real MIT Kerberos realm for the tests: a KDC on a loopback port, with private configuration.

The KDC's programs come from Debian's ``krb5-kdc`` and ``krb5-admin-server`` packages, unpacked
(never installed) under ``.cache/mit-kdc`` by ``scripts/setup.sh test``: installing them would
pull in ``krb5-config``, which writes ``/etc/krb5.conf``. Everything here is read through
``KRB5_CONFIG`` and ``KRB5_KDC_PROFILE`` pointing into the realm's own directory; the
machine's Kerberos configuration is never read or written.
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

from tests.support.mta import free_port

REPO = Path(__file__).resolve().parents[2]
UNPACKED = REPO / ".cache" / "mit-kdc" / "root"
REALM = "OUTMAIL.TEST"
KINIT = shutil.which("kinit") or "/usr/bin/kinit"
KDESTROY = shutil.which("kdestroy") or "/usr/bin/kdestroy"
_MASTER_PASSWORD = "outmail-test-master-key"
_START_TIMEOUT_S = 15.0


def _unpacked(name: str) -> Path:
    return UNPACKED / "usr" / "sbin" / name


def _db_module_dir() -> Path | None:
    """The unpacked directory holding the ``db2`` database module (its path names the architecture)."""
    found = sorted(UNPACKED.glob("usr/lib/*/krb5/plugins/kdb/db2.so"))
    return found[0].parent if found else None


def unavailable() -> str | None:
    """Why the realm cannot start here (the fix to run), or ``None``."""
    for program in ("krb5kdc", "kdb5_util", "kadmin.local"):
        if not _unpacked(program).exists():
            return f"the MIT KDC is not unpacked ({_unpacked(program)} is missing): run scripts/setup.sh test"
    if _db_module_dir() is None:
        return "the KDC's db2 database module is not unpacked: run scripts/setup.sh test"
    for tool in (KINIT, KDESTROY):
        if not os.path.exists(tool):
            return f"{tool} is missing: install krb5-user (scripts/setup.sh test)"
    return None


@dataclasses.dataclass
class Realm:
    """A running KDC and the files a client or a service of the realm needs."""

    root: Path
    name: str
    port: int
    krb5_conf: Path  # KRB5_CONFIG for clients and services
    keytab: Path
    process: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        """Environment variables that make a Kerberos client use this realm."""
        return {"KRB5_CONFIG": str(self.krb5_conf)}

    def kinit(self, principal: str, password: str, ccache: Path) -> None:
        """Get a ticket for ``principal`` into the file credential cache ``ccache`` (as ``kinit`` does)."""
        env = {**os.environ, **self.env, "KRB5CCNAME": f"FILE:{ccache}"}
        proc = subprocess.run(
            [KINIT, principal],
            input=(password + "\n").encode(),
            env=env,
            capture_output=True,
            timeout=20,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"kinit {principal} failed: {proc.stderr.decode(errors='replace').strip()}")

    def kdestroy(self, ccache: Path) -> None:
        env = {**os.environ, **self.env, "KRB5CCNAME": f"FILE:{ccache}"}
        subprocess.run([KDESTROY], env=env, capture_output=True, timeout=20, check=False)


def _admin(realm_dir: Path, env: dict[str, str], *query: str) -> None:
    for q in query:
        proc = subprocess.run(
            [str(_unpacked("kadmin.local")), "-r", REALM, "-q", q],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
        out = (proc.stdout + proc.stderr).decode(errors="replace")
        if proc.returncode != 0 or "error" in out.lower():
            raise RuntimeError(f"kadmin.local -q {q.split(' -pw ')[0]!r} failed: {out.strip()[-1000:]}")


def start(root: Path, users: dict[str, str], services: tuple[str, ...]) -> Realm:
    """Create realm ``OUTMAIL.TEST`` under ``root`` with ``users`` (principal -> password) and
    ``services`` (e.g. ``smtp/localhost``, keys in the realm's keytab), and start its KDC."""
    problem = unavailable()
    if problem:
        raise RuntimeError(f"cannot start the test Kerberos realm: {problem}")
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    krb5_conf = root / "krb5.conf"
    kdc_conf = root / "kdc.conf"
    keytab = root / "service.keytab"
    # rdns/dns_canonicalize_hostname off: the service principal is built from the name as typed.
    krb5_conf.write_text(
        f"""\
[libdefaults]
    default_realm = {REALM}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1

[realms]
    {REALM} = {{
        kdc = 127.0.0.1:{port}
    }}

[domain_realm]
    localhost = {REALM}
""",
        encoding="utf-8",
    )
    kdc_conf.write_text(
        f"""\
[kdcdefaults]
    kdc_ports = {port}
    kdc_tcp_ports = {port}

[realms]
    {REALM} = {{
        database_name = {root}/principal
        key_stash_file = {root}/stash
        acl_file = {root}/kadm5.acl
        max_life = 1h
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }}

[dbmodules]
    db_module_dir = {_db_module_dir()}

[logging]
    kdc = FILE:{root}/kdc.log
""",
        encoding="utf-8",
    )
    (root / "kadm5.acl").write_text("", encoding="utf-8")
    env = {**os.environ, "KRB5_CONFIG": str(krb5_conf), "KRB5_KDC_PROFILE": str(kdc_conf)}
    proc = subprocess.run(
        [str(_unpacked("kdb5_util")), "-r", REALM, "create", "-s", "-P", _MASTER_PASSWORD],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"kdb5_util create failed: {(proc.stdout + proc.stderr).decode(errors='replace')[-1000:]}")
    _admin(root, env, *(f"addprinc -pw {password} {user}" for user, password in users.items()))
    _admin(root, env, *(f"addprinc -randkey {service}" for service in services))
    _admin(root, env, *(f"ktadd -k {keytab} {service}" for service in services))
    keytab.chmod(0o644)  # Dovecot's auth process reads it; a test realm's throw-away keys
    with open(root / "krb5kdc.out", "ab") as out:
        process = subprocess.Popen(
            [str(_unpacked("krb5kdc")), "-n", "-r", REALM],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    realm = Realm(root=root, name=REALM, port=port, krb5_conf=krb5_conf, keytab=keytab, process=process)
    try:
        _wait_listening(realm)
    except BaseException:
        stop(realm)
        raise
    return realm


def _wait_listening(realm: Realm) -> None:
    stop_at = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < stop_at:
        if realm.process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", realm.port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    out = (realm.root / "krb5kdc.out").read_text(errors="replace")
    log = (realm.root / "kdc.log").read_text(errors="replace") if (realm.root / "kdc.log").exists() else ""
    raise RuntimeError(f"the test KDC did not start on port {realm.port}:\n{(out + log)[-2000:]}")


def stop(realm: Realm) -> None:
    if realm.process.poll() is None:
        realm.process.send_signal(signal.SIGTERM)
        try:
            realm.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            realm.process.kill()
            realm.process.wait(timeout=10)

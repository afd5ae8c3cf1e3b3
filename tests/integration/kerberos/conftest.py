"""A real MIT Kerberos realm (one KDC per test session) and Postfix with Dovecot's GSSAPI.

Never skipped: when the realm or the mail server cannot start, every test here fails, saying
why (``scripts/setup.sh test`` installs and unpacks what they need).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import kdc, mta
from tests.support.smtp_servers import TlsMaterial, make_tls

USER = "alice"
PRINCIPAL = f"{USER}@{kdc.REALM}"
PASSWORD = "Kerberos-pässword-7"  # the same for the realm and Dovecot's PLAIN, as in a domain
SERVICE = "smtp/localhost"


@pytest.fixture(scope="session")
def kerberos_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="outmail-kerberos-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def realm(kerberos_root: Path) -> Iterator[kdc.Realm]:
    problem = kdc.unavailable()
    if problem:
        pytest.fail(f"the test Kerberos realm cannot start: {problem}", pytrace=False)
    running = kdc.start(kerberos_root / "realm", {USER: PASSWORD}, (SERVICE,))
    try:
        yield running
    finally:
        kdc.stop(running)


@pytest.fixture(scope="session")
def kerberos_tls(kerberos_root: Path) -> TlsMaterial:
    return make_tls(kerberos_root / "tls")


@pytest.fixture(scope="session")
def gssapi_mta(realm: kdc.Realm, kerberos_tls: TlsMaterial, kerberos_root: Path) -> Iterator[mta.Mta]:
    """Postfix on a loopback port (STARTTLS) with Dovecot offering GSSAPI and PLAIN."""
    problem = mta.available()
    if problem:
        pytest.fail(f"the GSSAPI mail server cannot start: {problem}", pytrace=False)
    server = mta.start(
        kerberos_root / "mta",
        kerberos_tls.cert_file,
        kerberos_tls.key_file,
        {USER: PASSWORD},
        gssapi=mta.Gssapi(realm.krb5_conf, realm.keytab, {USER: PRINCIPAL}),
    )
    try:
        yield server
    finally:
        mta.stop(server)


@pytest.fixture
def ccache(realm: kdc.Realm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty credential cache and the realm's configuration, for this test only."""
    path = tmp_path / "ccache"
    monkeypatch.setenv("KRB5_CONFIG", str(realm.krb5_conf))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{path}")
    return path


@pytest.fixture
def ticket(realm: kdc.Realm, ccache: Path) -> Iterator[Path]:
    """A ticket for alice from ``kinit``, in the test's private cache."""
    realm.kinit(USER, PASSWORD, ccache)
    yield ccache
    realm.kdestroy(ccache)

"""The pinned certificate fingerprint: exactly SHA-256 (64 hex digits, colons optional), one stored form."""

from __future__ import annotations

import hashlib

import pytest

from outmail_gui.domain.fingerprints import canonical_fingerprint, fingerprint_problem
from outmail_gui.domain.rules import Severity, validate
from outmail_gui.domain.settings import new_server
from outmail_gui.probe.tls import format_fingerprint

DIGEST = hashlib.sha256(b"certificate").digest()
CANONICAL = format_fingerprint(DIGEST)  # what the trust dialog stores and shows


@pytest.mark.parametrize(
    "typed",
    [CANONICAL, CANONICAL.lower(), DIGEST.hex(), DIGEST.hex().upper(), f"  {CANONICAL}\t"],
)
def test_every_spelling_of_one_digest_is_accepted_and_stored_one_way(typed: str) -> None:
    assert fingerprint_problem(typed) is None
    assert canonical_fingerprint(typed) == CANONICAL
    record = new_server("smtp", trusted_cert_sha256=typed).cleaned()
    assert record.trusted_cert_sha256 == CANONICAL


@pytest.mark.parametrize(
    "bad",
    [
        "zz",
        DIGEST.hex() + "\n" + "ab",
        "a" * 120_000,
        "g" * 64,
        DIGEST.hex()[:-2],  # SHA-224 length and other short digests
        hashlib.sha1(b"x").hexdigest(),
        hashlib.sha512(b"x").hexdigest(),
        CANONICAL.replace(":", "", 1),  # pairs must all be separated when colons are used
        DIGEST.hex()[:4] + ":" + DIGEST.hex()[4:],
        "::" + DIGEST.hex(),
    ],
)
def test_anything_else_is_refused_without_echoing_it(bad: str) -> None:
    problem = fingerprint_problem(bad)
    assert problem is not None and "64 hexadecimal digits" in problem and bad not in problem
    server = new_server("smtp", name="S", server="smtp.example.com", outgoing_email_id="a@example.com")
    issues = [i for i in validate(server.with_changes(trusted_cert_sha256=bad)) if i.field == "trusted_cert_sha256"]
    assert [i.severity for i in issues] == [Severity.ERROR]
    assert len(issues[0].message) < 200


def test_no_pin_is_fine() -> None:
    assert fingerprint_problem("") is None and fingerprint_problem("  ") is None
    assert new_server("smtp", trusted_cert_sha256=" ").cleaned().trusted_cert_sha256 == ""

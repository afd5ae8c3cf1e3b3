"""Seeded byte-flip fuzzing of a real database file: no command ever ends in a traceback.

Each case copies one real database (servers with non-ASCII text, a partition, OAuth
settings, a fresh backup) and flips one to three bytes: half of the cases flip the high bit
of a byte inside a stored text value (text that is no longer UTF-8, which SQLite's own check
does not notice), half flip a random bit anywhere in the file (page headers, record headers,
the schema, the file header). Then ``servers export -`` and, in turn, ``servers list --json``
or ``servers show`` run in-process through the CLI's ``run()`` entry, after the window's
integrity check (which runs on a thread of its own) has read the file. Each must either
answer in full (exit 0, every server accounted for) or say the store is damaged in one line
(exit 1); nothing may escape ``run()``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from outmail_gui.cli.main import run
from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.paths import database_path
from outmail_gui.store import backups
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.opening import IntegrityCheck
from outmail_gui.store.repository import ServerRepository
from tests.unit.store.records import mapi, smtp

CASES = int(os.environ.get("OUTMAIL_FUZZ_CASES", "200"))
SEED = int(os.environ.get("OUTMAIL_FUZZ_SEED", "20261203"))
NAMES = ("Zürich relay", "Main", "Ålesund", "東京 backup", "Legacy")
TEXTS = ("Zürich relay", "Ålesund", "東京 backup", "jürgen.müller", "señor@example.com", "smtp.exämple.com")
# What a damaged store may say; anything else on exit 1 is a finding.
DAMAGE_WORDS = ("damaged", "newer version", "not a database")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("pristine") / "data"
    with ServerRepository.open(data) as repo:
        repo.add_partition("Élysée")
        repo.set_partitioning_enabled(True)
        repo.set_mapi_mail_server("exchange.example.com")
        saved = repo.save(smtp("Zürich relay", login_id="jürgen.müller", partition="Élysée"))
        repo.save(smtp("Main", server="smtp.exämple.com", outgoing_email_id="señor@example.com", is_default=True))
        repo.save(
            smtp("Ålesund", port=587, auth_auto=False, auth_methods=frozenset({AuthMethod.LOGIN, AuthMethod.PLAIN}))
        )
        repo.save(smtp("東京 backup", login_id="東京", port=465, use_ssl=True))
        repo.save(mapi("Legacy"))
        oauth = OAuthSettings(
            enabled=True,
            tenant="contoso.onmicrosoft.com",
            client_id="0b5c3e4a-1d2f-4a6b-9c8d-7e6f5a4b3c2d",
            grant_type=GrantType.DEVICE_CODE,
        )
        OAuthSettingsStore.of(repo).save(saved.id, oauth.with_changes(mailbox="desk@example.com"))
        repo.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        backups.make_backup(repo.connection(), data, "fuzz")  # fresh: no daily backup is made per case
    return data


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


def flip(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    spots = [i for text in TEXTS for i in _find_all(data, text.encode())]
    done = []
    for _ in range(rng.randint(1, 3)):
        if spots and rng.random() < 0.5:
            start = rng.choice(spots)
            offset = start + rng.randrange(4)
            data[offset] ^= 0x80
            done.append(f"text@{offset}")
        else:
            offset = rng.randrange(len(data))
            data[offset] ^= 1 << rng.randrange(8)
            done.append(f"any@{offset}")
    path.write_bytes(bytes(data))
    return ",".join(done)


def _find_all(data: bytearray, needle: bytes) -> Iterator[int]:
    start = data.find(needle)
    while start >= 0:
        yield start
        start = data.find(needle, start + 1)


def check(case: str, argv: tuple[str, ...], code: int, out: str, err: str) -> str | None:
    """Why this outcome is wrong, or None."""
    if "Traceback" in out + err or code not in (0, 1):
        return f"{case} {argv}: exit {code}, {err.strip()[:300]}"
    lines = err.splitlines()
    if code == 1:
        if not lines or not all(line.startswith("outmail-gui: ") for line in lines):
            return f"{case} {argv}: exit 1 without its one-line reasons: {err[:300]!r}"
        if not all(any(word in line for word in DAMAGE_WORDS) for line in lines):
            return f"{case} {argv}: an unexpected message: {err.strip()[:300]}"
    if argv[-2:] == ("list", "--json"):
        listed = json.loads(out) if code == 0 or out else []
        if len(listed) + len(lines if code == 1 and "cannot be read" in err else []) not in (len(NAMES), 0):
            return f"{case} {argv}: {len(listed)} listed and {len(lines)} named damaged of {len(NAMES)}"
        if code == 0 and len(listed) != len(NAMES):
            return f"{case} {argv}: exit 0 but only {len(listed)} of {len(NAMES)} servers"
    if argv[-1] == "-" and code == 0 and len(json.loads(out)["servers"]) != len(NAMES):
        return f"{case} {argv}: an export without every server"
    return None


def test_flipped_bytes_never_crash_a_command(pristine: Path, tmp_path: Path) -> None:
    findings: list[str] = []
    outcomes = {"answered": 0, "damaged": 0}
    saved_stdin = sys.stdin
    for number in range(CASES):
        rng = random.Random(SEED + number)
        data = tmp_path / f"case{number}"
        shutil.copytree(pristine, data)
        how = flip(database_path(data), rng)
        case = f"seed {SEED + number} ({how})"
        problems = IntegrityCheck.start(data).problems()  # the window's check on its thread must not raise
        if problems is not None and not all(isinstance(p, str) for p in problems):
            findings.append(f"{case}: the integrity check returned {problems!r}")
        reads = ("list", "--json") if number % 2 else ("show", rng.choice(NAMES))
        for argv in (reads, ("export", "-")):  # export reads every table; list and show take turns
            full = ("--data-dir", str(data), "servers", *argv)
            try:
                code, out, err = run_cli(*full)
            except BaseException as exc:
                where = "".join(traceback.format_tb(exc.__traceback__, limit=-2)).strip()
                findings.append(f"{case} {argv}: {type(exc).__name__}: {exc} at {where}"[:900])
                continue
            finally:
                sys.stdin = saved_stdin
            problem = check(case, argv, code, out, err)
            if problem:
                findings.append(problem)
            outcomes["answered" if code == 0 else "damaged"] += 1
        shutil.rmtree(data)
    assert findings == [], f"{len(findings)} finding(s) in {CASES} cases:\n" + "\n".join(findings[:20])
    assert outcomes["damaged"] > CASES // 4 and outcomes["answered"] > CASES // 4, outcomes  # both paths were hit

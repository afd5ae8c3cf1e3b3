"""The secrets this process has handled, so that text outside the test engine can be cleared of them.

Passwords read from or written to the keyring, typed passwords and tokens in a test request,
OAuth client secrets: each is noted here when it passes, and the log file and the crash
dialog (:mod:`outmail_gui.crash_log`) redact every form of them (plain, base64, hex) with the
engine's :class:`~outmail_gui.probe.redact.Redactor`. Kept in memory only, for the process's life.
"""

from __future__ import annotations

import threading

_seen: set[str] = set()
_lock = threading.Lock()


def remember_secret(*secrets: str) -> None:
    with _lock:
        _seen.update(secret for secret in secrets if secret)


def seen_secrets() -> frozenset[str]:
    with _lock:
        return frozenset(_seen)

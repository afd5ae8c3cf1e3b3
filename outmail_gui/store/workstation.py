"""Who and where this workstation is: what the audit trails and the shared test history record.

Both are read only when first needed (a change is recorded, a shared store is opened), so
start-up with the local store does not pay for the login or host lookup.
"""

from __future__ import annotations

import functools


def os_login() -> str:
    """The operating-system login, or "" when there is none (a container without a passwd entry)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


@functools.cache
def host_name() -> str:
    """This workstation's host name: where a test in the shared test history ran."""
    import socket

    return socket.gethostname()


@functools.cache
def application_name() -> str:
    """ "outmail-gui on HOST": the application and workstation the audit trails show (PostgreSQL's limit: 63)."""
    return f"outmail-gui on {host_name()}"[:63]

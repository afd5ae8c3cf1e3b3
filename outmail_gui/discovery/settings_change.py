"""The settings a discovered candidate stands for: what Apply fills in the form and what
``servers add --discover`` sets. One place decides it for both."""

from __future__ import annotations

from typing import Any

from outmail_gui.discovery.model import Candidate
from outmail_gui.domain.methods import AuthMethod
from outmail_gui.probe.request import Security

CONNECTION_FIELDS = ("server", "port", "use_ssl", "auth_auto", "auth_methods")


def connection_settings(candidate: Candidate) -> dict[str, Any]:
    """Server, Port Number, Use SSL and the authentication methods.

    The methods the source advises (the autoconfig file's ``authentication``, a provider's OAuth
    2.0, whose alternative is being retired) are ticked alone, automatic selection off, when the
    server offers them; otherwise automatic selection stays on, with the mechanisms the server
    offered after TLS ticked.
    """
    offered = frozenset(m for m in AuthMethod if m.value in candidate.auth)
    advised = frozenset(m for m in AuthMethod if m.value in candidate.advised)
    if advised and (advised & offered or not offered):
        auto, methods = False, advised & offered or advised
    else:
        auto, methods = True, offered
    return {
        "server": candidate.server,
        "port": candidate.port,
        "use_ssl": candidate.security is not Security.NONE,
        "auth_auto": auto,
        "auth_methods": methods,
    }

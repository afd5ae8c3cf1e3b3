"""OAuth 2.0 for Exchange Online (XOAUTH2): tokens with MSAL, an encrypted cache, plain errors.

Qt-free: the window runs these blocking calls on a worker thread, the CLI directly. Names
are loaded on first use (PEP 562), so importing ``outmail_gui.oauth.errors`` does not load
MSAL and the window starts without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # "X as X": explicit re-exports for the type checker
    from outmail_gui.oauth.errors import KeyringUnavailable as KeyringUnavailable
    from outmail_gui.oauth.errors import OAuthCancelled as OAuthCancelled
    from outmail_gui.oauth.errors import OAuthError as OAuthError
    from outmail_gui.oauth.keyring_blob import KeyringBlob as KeyringBlob
    from outmail_gui.oauth.keyring_blob import KeyringProblem as KeyringProblem
    from outmail_gui.oauth.manager import TokenManager as TokenManager
    from outmail_gui.oauth.tokens import AccessToken as AccessToken
    from outmail_gui.oauth.tokens import DeviceCodePrompt as DeviceCodePrompt
    from outmail_gui.oauth.tokens import TokenStatus as TokenStatus

_WHERE = {
    "AccessToken": "tokens",
    "DeviceCodePrompt": "tokens",
    "TokenStatus": "tokens",
    "KeyringBlob": "keyring_blob",
    "KeyringProblem": "keyring_blob",
    "KeyringUnavailable": "errors",
    "OAuthCancelled": "errors",
    "OAuthError": "errors",
    "TokenManager": "manager",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"outmail_gui.oauth.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

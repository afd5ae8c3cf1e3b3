"""The loopback redirect listener: form_post only, state checked, cancellable, always closed."""

from __future__ import annotations

import threading

import pytest
import requests

from outmail_gui.oauth import OAuthCancelled, OAuthError
from outmail_gui.oauth.loopback import LoopbackReceiver


def post(url: str, data: dict[str, str]) -> int:
    with requests.Session() as session:
        session.trust_env = False
        return session.post(url, data=data, timeout=5).status_code


def get(url: str) -> int:
    with requests.Session() as session:
        session.trust_env = False
        return session.get(url, timeout=5).status_code


def test_form_post_with_the_right_state_is_delivered() -> None:
    with LoopbackReceiver() as receiver:
        receiver.expect("st-1")
        base = f"http://127.0.0.1:{receiver.port}/"
        assert receiver.redirect_uri == f"http://localhost:{receiver.port}"
        assert get(base) == 200
        assert get(base + "?code=abc&state=st-1") == 400  # query mode is refused
        assert post(base, {"code": "abc", "state": "forged"}) == 400
        assert post(base, {"state": "st-1"}) == 400
        assert post(base, {"code": "abc", "state": "st-1"}) == 200
        assert receiver.wait(5) == {"code": "abc", "state": "st-1"}


def test_error_response_is_delivered_too() -> None:
    with LoopbackReceiver() as receiver:
        receiver.expect("s")
        assert post(f"http://127.0.0.1:{receiver.port}/", {"error": "access_denied", "state": "s"}) == 200
        assert receiver.wait(5)["error"] == "access_denied"


def test_cancel_and_timeout() -> None:
    cancel = threading.Event()
    cancel.set()
    with LoopbackReceiver() as receiver, pytest.raises(OAuthCancelled):
        receiver.wait(5, cancel)
    with LoopbackReceiver() as receiver, pytest.raises(OAuthError, match="did not finish in time"):
        receiver.wait(0.2)

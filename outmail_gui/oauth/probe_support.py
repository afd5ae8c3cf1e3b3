"""A connection test of an OAuth 2.0 server: XOAUTH2 as the mailbox, with an explained result.

The token goes only into the request (the engine redacts it from every transcript); the
hint of a failed AUTH step is replaced by what the reply means for OAuth 2.0.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from outmail_gui.domain.oauth import GrantType, OAuthSettings, validate_oauth
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.oauth.errors import OAuthError, explain_smtp_rejection, offers_oauth_switch
from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.request import ProbeRequest

if TYPE_CHECKING:
    from outmail_gui.oauth.manager import TokenManager

_REPLY = re.compile(r"^([45]\d\d)[ -]")


def with_oauth(request: ProbeRequest, oauth: OAuthSettings, token: str) -> ProbeRequest:
    """The request authenticating with XOAUTH2 only, as ``user=<mailbox>``."""
    return dataclasses.replace(
        request,
        login_id=oauth.mailbox.strip(),
        password="",
        oauth_token=token,
        auth_auto=False,
        auth_methods=(AuthMethod.XOAUTH2,),
    )


def failed_auth_reply(report: ProbeReport) -> tuple[int, str] | None:
    """Code and text of the server reply that failed the AUTH step, if that is how the test ended."""
    step = report.failed_step
    if step is None or step.name != "auth":
        return None
    for line in reversed(report.transcript):
        match = _REPLY.match(line.removeprefix("S: ")) if line.startswith("S: ") else None
        if match:
            return int(match.group(1)), line.removeprefix("S: ")
    return None


def explain_oauth_result(report: ProbeReport, oauth: OAuthSettings | None) -> None:
    """Put the OAuth 2.0 meaning of a rejected AUTH into the report's hint."""
    reply = failed_auth_reply(report)
    if reply is None:
        return
    grant = oauth.grant_type if oauth is not None and oauth.enabled else None
    text = explain_smtp_rejection(reply[0], reply[1], grant)
    if text:
        report.hint = text
        report.hint_field = "oauth" if grant is not None else "auth_methods"


def suggests_oauth(report: ProbeReport) -> bool:
    """A password test that the server answered with 5.7.30 or 5.7.139: offer OAuth 2.0."""
    reply = failed_auth_reply(report)
    return reply is not None and offers_oauth_switch(*reply)


def oauth_request(request: ProbeRequest, server_id: str, oauth: OAuthSettings, manager: TokenManager) -> ProbeRequest:
    """The request with a valid token (refreshed when needed). Talks to the identity provider,
    so call it where the network is allowed: the test worker's thread, or the CLI."""
    return with_oauth(request, oauth, manager.token_for_test(server_id, oauth).token)


def prepared_request(
    request: ProbeRequest, server_id: str, oauth: OAuthSettings, manager: TokenManager
) -> tuple[ProbeRequest, str]:
    """The test's OAuth 2.0 step, for the window and ``check`` alike: the request with a valid token
    (refreshed when needed) and the step's words. Raises :class:`OAuthError`; ``code`` "not_set_up"
    when the settings are incomplete. Talks to the identity provider (see :func:`oauth_request`)."""
    missing = [i.message for i in validate_oauth(oauth) if i.blocks_saving]
    if missing:
        raise OAuthError("OAuth 2.0 is not set up: " + " ".join(missing), code="not_set_up", field="oauth")
    try:
        prepared = oauth_request(request, server_id, oauth, manager)
    except ValueError as exc:  # e.g. a server id the token cache cannot use
        raise OAuthError(f"The OAuth 2.0 token could not be read: {exc}", code="no_token") from None
    who = "the application" if oauth.grant_type is GrantType.CLIENT_CREDENTIALS else oauth.mailbox.strip()
    return prepared, f"Token for {who} ready ({oauth.grant_type.label}); XOAUTH2 as {oauth.mailbox.strip()}."

"""Which candidate to recommend: the issue's order, and never an unverified or unencrypted one.

Verified TLS first, implicit TLS before STARTTLS (RFC 8314, section 3.3), a candidate a source
named before a guess, AUTH offered before not. A candidate whose certificate fails verification,
that offers AUTH only without TLS, or that did not pass its test is shown but never recommended.
"""

from __future__ import annotations

from outmail_gui.discovery.model import Candidate, Source
from outmail_gui.probe.request import Security

_SECURITY_ORDER = {Security.IMPLICIT: 0, Security.STARTTLS: 1, Security.NONE: 2}
_SOURCE_ORDER = {source: index for index, source in enumerate(Source)}


def rank_key(candidate: Candidate) -> tuple[int, ...]:
    verified = candidate.tls is not None and candidate.tls.verified
    return (
        0 if candidate.recommendable else 1,
        0 if verified else 1,
        _SECURITY_ORDER[candidate.security],
        1 if candidate.source is Source.GUESS else 0,
        0 if candidate.auth else 1,
        0 if candidate.reachable else 1,
        _SOURCE_ORDER[candidate.source],
        candidate.order,
    )


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Best first; the first is marked recommended when it may be."""
    ordered = sorted(candidates, key=rank_key)  # stable: equal candidates keep the sources' order
    for candidate in ordered:
        candidate.recommended = False
    if ordered and ordered[0].recommendable:
        ordered[0].recommended = True
    return ordered

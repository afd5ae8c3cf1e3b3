"""Settings discovery: from an email address or a host to working SMTP settings, explained.

Sources (DNS SRV, the domain's autoconfig file, known providers recognised by MX, guesses) name
candidate servers; each candidate is tested concurrently by the connection-test engine
(:mod:`outmail_gui.probe`) under one overall deadline, then ranked. Plain Python, no Qt: the
command line and the window's worker thread both call :func:`discover`.
"""

from __future__ import annotations

from outmail_gui.discovery.engine import discover
from outmail_gui.discovery.model import (
    Candidate,
    CandidateTls,
    DiscoveryReport,
    DiscoveryRequest,
    Listener,
    SignIn,
    SourceStep,
)
from outmail_gui.discovery.target import TargetError, parse_target

__all__ = [
    "Candidate",
    "CandidateTls",
    "DiscoveryReport",
    "DiscoveryRequest",
    "Listener",
    "SignIn",
    "SourceStep",
    "TargetError",
    "discover",
    "parse_target",
]

"""The connection test engine: DNS -> TCP -> TLS -> EHLO -> AUTH -> (send), plain Python, no Qt.

Use :func:`run_probe` with a :class:`~outmail_gui.probe.request.ProbeRequest`; it never raises
for network trouble and returns a :class:`~outmail_gui.probe.report.ProbeReport`.
"""

from __future__ import annotations

from outmail_gui.probe.report import CertInfo, ProbeReport, Step, StepStatus, TlsInfo
from outmail_gui.probe.request import ProbeRequest, Security
from outmail_gui.probe.runner import run_probe

__all__ = [
    "CertInfo",
    "ProbeReport",
    "ProbeRequest",
    "Security",
    "Step",
    "StepStatus",
    "TlsInfo",
    "run_probe",
]

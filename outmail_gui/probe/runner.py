"""The engine's entry point for the CLI and the GUI worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from outmail_gui.domain.methods import Protocol
from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.request import ProbeRequest
from outmail_gui.probe.steps import StepCallback

if TYPE_CHECKING:
    import threading


def run_probe(
    request: ProbeRequest,
    on_step: StepCallback | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
) -> ProbeReport:
    """Run the whole test; never raises for network or server trouble.

    ``on_step`` is called (on the calling thread) as each step starts and ends; ``cancel``
    (an Event or a callable) is checked at least four times a second.
    """
    check = cancel if cancel is None or callable(cancel) else cancel.is_set  # an Event is not callable
    if request.protocol is Protocol.MAPI:
        from outmail_gui.probe.mapi import MapiProbe

        return MapiProbe(request, on_step, check).run()
    from outmail_gui.probe.smtp_probe import SmtpProbe

    return SmtpProbe(request, on_step, check).run()

"""One candidate tested by the connection-test engine (no credentials), and what its report means."""

from __future__ import annotations

from collections.abc import Callable

from outmail_gui.discovery.lookup import Lookup, LookupProblem
from outmail_gui.discovery.model import Candidate, CandidateState, CandidateTls, Suggestion
from outmail_gui.probe import ProbeReport, ProbeRequest, run_probe
from outmail_gui.probe.auth.select import offered_mechanisms
from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.request import Security


def new_candidate(suggestion: Suggestion) -> Candidate:
    return Candidate(
        suggestion.host,
        suggestion.port,
        suggestion.security,
        suggestion.source,
        suggestion.order,
        note=suggestion.note,
        advised=suggestion.methods,
    )


def probe_candidate(
    candidate: Candidate,
    suggestion: Suggestion,
    lookup: Lookup,
    deadline: Deadline,
    ca_file: str | None,
    cancel: Callable[[], bool] | None,
) -> None:
    """Fill ``candidate`` in from a connection test of it within ``deadline`` (never raises)."""
    addresses = suggestion.addresses
    if not addresses:
        try:
            addresses = lookup.addresses(candidate.server, deadline)
        except LookupProblem as problem:
            candidate.problems.append(f"{problem.message}.")
            _finish(candidate, deadline)
            return
    candidate.addresses = addresses
    request = ProbeRequest(
        host=candidate.server,
        port=candidate.port,
        security=candidate.security,
        ca_file=ca_file,
        timeout_s=max(0.1, round(deadline.remaining(), 1)),  # a round figure for the messages' "time-out N s"
        addresses=addresses,
    )
    apply_report(candidate, run_probe(request, cancel=cancel))
    _finish(candidate, deadline)


def _finish(candidate: Candidate, deadline: Deadline) -> None:
    if candidate.note:
        candidate.problems.append(candidate.note)
    candidate.elapsed_ms = deadline.elapsed_ms()
    candidate.state = CandidateState.DONE


def apply_report(candidate: Candidate, report: ProbeReport) -> None:
    steps = {step.name: step for step in report.steps}
    connected = "connect" in steps and steps["connect"].ok
    cert = report.tls.certificate
    candidate.reachable = connected and (("greeting" in steps and steps["greeting"].ok) or cert is not None)
    tls_step = steps.get("tls")
    if candidate.security is not Security.NONE and tls_step is not None:
        candidate.tls = CandidateTls(
            version=report.tls.version or None,
            verified=bool(cert and cert.verified and not cert.pinned and tls_step.ok),
            problem=None if tls_step.ok else tls_step.detail,
            sha256=cert.sha256 if cert else None,
            not_after=cert.not_after if cert and cert.not_after else None,
        )
    after = offered_mechanisms(report.capabilities_after_tls)
    before = offered_mechanisms(report.capabilities_before_tls)
    candidate.auth = after
    candidate.xoauth2 = "XOAUTH2" in after
    candidate.auth_only_without_tls = bool(before) and not after
    candidate.passed = report.ok
    failed = report.failed_step
    if report.cancelled:
        candidate.problems.append("Not finished: discovery was cancelled.")
    elif failed is not None and failed is not tls_step:
        candidate.problems.append(failed.detail)
    if candidate.tls is not None and candidate.tls.problem:
        candidate.problems.append(candidate.tls.problem)
    if candidate.auth_only_without_tls:
        candidate.problems.append(
            f"AUTH ({', '.join(before)}) is offered only without TLS: a password would travel unencrypted."
        )
    elif candidate.security is Security.NONE and candidate.reachable:
        candidate.problems.append("No TLS: everything, a password included, would travel unencrypted.")
    if candidate.passed and not after and not before:
        candidate.problems.append("The server offers no authentication (no AUTH after TLS).")

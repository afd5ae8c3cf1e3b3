"""Discovery from start to end: the sources and the candidates' tests run concurrently, one deadline.

Each source runs on its own thread; every server it names is tested at once on a thread of its own
(the connection-test engine, no credentials), so the whole takes about as long as the slowest
single test, not their sum. Sources get at most half the deadline (and :data:`MAX_SOURCE_S`), so
the tests always keep time of their own.
"""

from __future__ import annotations

import copy
import functools
import threading
import time
from collections.abc import Callable

from outmail_gui.discovery.autoconfig import autoconfig_suggestions
from outmail_gui.discovery.lookup import Lookup, LookupProblem, parse_dns_server
from outmail_gui.discovery.model import (
    Candidate,
    CandidateState,
    DiscoveryReport,
    DiscoveryRequest,
    Listener,
    SignIn,
    Source,
    SourceStep,
    StepState,
    Suggestion,
)
from outmail_gui.discovery.probing import new_candidate, probe_candidate
from outmail_gui.discovery.providers import provider_suggestions
from outmail_gui.discovery.ranking import rank
from outmail_gui.discovery.srv import srv_suggestions
from outmail_gui.discovery.target import Target, TargetError, parse_target
from outmail_gui.probe import ProbeRequest, run_probe
from outmail_gui.probe.connection import Deadline
from outmail_gui.probe.request import Security

MAX_SOURCE_S = 8.0
SIGN_IN_RESERVE_S = 5.0  # kept back from the tests for the sign-in check (at most a quarter of the deadline)
MAX_CANDIDATES = 16
GUESS_PORTS = ((465, Security.IMPLICIT), (587, Security.STARTTLS), (25, Security.STARTTLS))
WAIT_SLICE_S = 0.1  # how often the waiting thread looks at Cancel
FINISH_GRACE_S = 0.5

SourceResult = tuple[list[Suggestion], list[str], bool]


def discover(
    request: DiscoveryRequest,
    listener: Listener | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
) -> DiscoveryReport:
    """Discover, test and rank; raises :class:`TargetError` only for an invalid target or DNS server
    (before anything is sent), never for what the network does. ``cancel`` ends it within a second."""
    check = cancel if cancel is None or callable(cancel) else cancel.is_set
    return _Discovery(request, listener, check).run()


class _Discovery:
    def __init__(self, request: DiscoveryRequest, listener: Listener | None, cancel: Callable[[], bool] | None):
        self.request = request
        self.target: Target = parse_target(request.target)
        try:
            server = parse_dns_server(request.dns_server) if request.dns_server.strip() else None
        except ValueError as exc:
            raise TargetError(f"--dns-server: {exc}") from None
        if request.timeout_s <= 0:
            raise TargetError("the time-out must be more than 0 seconds")
        self.lookup = Lookup(server)
        self.listener = listener
        self.cancel = cancel
        timeout = request.timeout_s
        self.deadline = Deadline(timeout, cancel)
        reserve = min(SIGN_IN_RESERVE_S, timeout / 4) if request.wants_sign_in else 0.0
        self.probe_deadline = Deadline(timeout - reserve, cancel)
        self.source_deadline = Deadline(min(timeout / 2, MAX_SOURCE_S), cancel)
        self.report = DiscoveryReport(self.target.text, self.target.domain)
        self.candidates: dict[tuple[str, int, Security], Candidate] = {}
        self.running = 0
        self.finished = False
        self.changed = threading.Condition()
        self.notify_lock = threading.Lock()

    # -- the whole ------------------------------------------------------------
    def run(self) -> DiscoveryReport:
        for source, work in self._sources():
            step = SourceStep(source)
            self.report.sources.append(step)
            self._notify_source(step)
            self._start(functools.partial(self._run_source, step, work))
        with self.changed:
            while self.running and not self._cancelled() and self.deadline.remaining() > -FINISH_GRACE_S:
                self.changed.wait(WAIT_SLICE_S)
            self.finished = True
            cancelled = self._cancelled()
            # A snapshot: after Cancel, a test still ending on its thread must not change the report.
            candidates = [copy.deepcopy(c) for c in self.candidates.values()]
            self.report.sources = [copy.deepcopy(step) for step in self.report.sources]
        self.report.cancelled = cancelled
        for candidate in candidates:
            if candidate.state is not CandidateState.DONE:
                candidate.problems.append(
                    "Not finished: discovery was cancelled." if cancelled else "No result within the deadline."
                )
                candidate.state = CandidateState.DONE
        self.report.candidates = rank(candidates)
        for step in self.report.sources:
            if step.state is StepState.RUNNING:
                step.state, step.detail = StepState.DONE, "cancelled" if cancelled else "no result within the deadline"
        if not cancelled and self.request.wants_sign_in and self.report.recommended is not None:
            self.report.sign_in = self._sign_in(self.report.recommended)
        self.report.elapsed_ms = self.deadline.elapsed_ms()
        return self.report

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel()

    def _start(self, work: Callable[[], None]) -> None:
        with self.changed:
            self.running += 1

        def body() -> None:
            try:
                work()
            finally:
                with self.changed:
                    self.running -= 1
                    self.changed.notify_all()

        threading.Thread(target=body, name="outmail-discovery", daemon=True).start()

    # -- sources ----------------------------------------------------------------
    def _sources(self) -> list[tuple[Source, Callable[[], SourceResult]]]:
        domain, deadline = self.target.domain, self.source_deadline
        work: list[tuple[Source, Callable[[], SourceResult]]] = []
        if domain is None:
            for source in (Source.SRV, Source.AUTOCONFIG, Source.PROVIDER):
                work.append((source, lambda: ([], ["an IP address has no domain to ask"], False)))
        else:
            work.append((Source.SRV, lambda: srv_suggestions(self.lookup, domain, deadline)))
            work.append(
                (
                    Source.AUTOCONFIG,
                    lambda: autoconfig_suggestions(
                        self.lookup, domain, self.target.address, deadline, self.request.ca_file
                    ),
                )
            )
            work.append((Source.PROVIDER, lambda: provider_suggestions(self.lookup, domain, deadline)))
        work.append((Source.GUESS, self._guesses))
        return work

    def _run_source(self, step: SourceStep, work: Callable[[], SourceResult]) -> None:
        started = time.monotonic()
        try:
            found, lines, ok = work()
        except Exception as exc:  # a bug or an unforeseen library error: a failed step, never a crash
            found, lines, ok = [], [f"unexpected error: {type(exc).__name__}: {exc}"], False
        elapsed_ms = (time.monotonic() - started) * 1000.0
        skipped = [f"{s.host}:{s.port}" for s in found if not self._add(s)]
        if skipped:
            lines.append(f"not tested (at most {MAX_CANDIDATES} candidates in all): {', '.join(skipped)}")
        with self.changed:
            step.ok, step.detail, step.elapsed_ms, step.state = ok, "; ".join(lines), elapsed_ms, StepState.DONE
        self._notify_source(step)

    def _guesses(self) -> SourceResult:
        """The host given (or the address's domain), ``smtp.DOMAIN`` and ``mail.DOMAIN``: those with an address."""
        hosts = [self.target.host]
        if self.target.domain:
            hosts += [f"smtp.{self.target.domain}", f"mail.{self.target.domain}"]
        found: list[Suggestion] = []
        lines: list[str] = []
        for host in dict.fromkeys(hosts):
            try:
                addresses = self.lookup.addresses(host, self.source_deadline)
            except LookupProblem as problem:
                lines.append(f"{host}: no address" if problem.no_data else problem.message)
                continue
            lines.append(f"{host}: {', '.join(addresses[:3])}")
            for port, security in GUESS_PORTS:
                found.append(Suggestion(host, port, security, Source.GUESS, len(found), addresses=addresses))
        return found, lines, bool(found)

    # -- candidates -------------------------------------------------------------
    def _add(self, suggestion: Suggestion) -> bool:
        """Test ``suggestion`` (unless the same server, port and security is already tested); False when
        it is left out because there are enough candidates already."""
        with self.changed:
            if self.finished:
                return True
            existing = self.candidates.get(suggestion.key)
            if existing is not None:
                if _better_source(suggestion.source, existing.source):  # the same test, a better-trusted name
                    existing.source, existing.order, existing.note = (
                        suggestion.source,
                        suggestion.order,
                        suggestion.note or existing.note,
                    )
                return True
            if len(self.candidates) >= MAX_CANDIDATES:
                return False
            candidate = new_candidate(suggestion)
            candidate.state = CandidateState.PROBING
            self.candidates[suggestion.key] = candidate
        self._notify_candidate(candidate)

        def work() -> None:
            probe_candidate(candidate, suggestion, self.lookup, self.probe_deadline, self.request.ca_file, self.cancel)
            self._notify_candidate(candidate)

        self._start(work)
        return True

    # -- sign-in ----------------------------------------------------------------
    def _sign_in(self, candidate: Candidate) -> SignIn:
        """One AUTH on the recommended candidate, exactly as the connection test does it."""
        request = ProbeRequest(
            host=candidate.server,
            port=candidate.port,
            security=candidate.security,
            ca_file=self.request.ca_file,
            login_id=self.request.login_id,
            password=self.request.password,
            oauth_token=self.request.oauth_token,
            timeout_s=max(0.5, round(self.deadline.remaining(), 1)),
            addresses=candidate.addresses,
        )
        report = run_probe(request, cancel=self.cancel)
        auth = next((s for s in report.steps if s.name == "auth"), None)
        failed = report.failed_step
        detail = failed.detail if failed is not None else (auth.detail if auth is not None else "")
        if report.hint and failed is not None:
            detail = f"{detail} {report.hint}"
        return SignIn(report.ok, report.auth.mechanism, detail, report.elapsed_ms)

    # -- progress ---------------------------------------------------------------
    def _notify_source(self, step: SourceStep) -> None:
        if self.listener is not None:
            with self.notify_lock:
                if not self.finished:
                    self.listener.source_changed(copy.deepcopy(step))

    def _notify_candidate(self, candidate: Candidate) -> None:
        if self.listener is not None:
            with self.notify_lock:
                if not self.finished:
                    self.listener.candidate_changed(copy.deepcopy(candidate))


def _better_source(new: Source, old: Source) -> bool:
    order = list(Source)
    return order.index(new) < order.index(old)

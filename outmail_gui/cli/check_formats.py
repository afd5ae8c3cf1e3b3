"""``check`` results as text for a person or a cron mail, JSON for scripts, and a Nagios plugin's output.

Nagios plugin conventions (also Icinga, Zabbix, Sensu): the first line is ``SERVICE STATUS -
summary | performance data``, the following lines are details; the exit code is the status
(0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). Performance data per server: the test's duration in
seconds and the days left of its certificate and client secret, with the warning and critical
thresholds as lower bounds (``21:``: alert below 21).
"""

from __future__ import annotations

import datetime as dt
import json

from outmail_gui.cli.check_results import CheckRun, Expiry, ServerCheck, Status
from outmail_gui.store.history import Outcome

NAGIOS_SERVICE = "OUTMAIL"


def _where(check: ServerCheck) -> str:
    host = check.server.server
    return f"[{host}]:{check.server.port}" if ":" in host else f"{host}:{check.server.port}"


def _test_words(check: ServerCheck) -> str:
    entry = check.entry
    seconds = entry.duration_ms / 1000
    if entry.outcome is Outcome.PASSED:
        return f"test passed in {seconds:.2f} s"
    return "test failed" if entry.outcome is Outcome.FAILED else "test cancelled"


def _expiry_words(what: str, expiry: Expiry | None) -> str:
    if expiry is None or expiry.expires is None or expiry.days_left is None:
        return ""
    when = expiry.expires.date() if isinstance(expiry.expires, dt.datetime) else expiry.expires
    if expiry.days_left < 0:
        return f"{what} expired {when}"
    return f"{what} until {when} ({expiry.days_left} d)"


def _facts(check: ServerCheck) -> str:
    parts = [_test_words(check), _expiry_words("certificate", check.certificate)]
    if check.oauth is not None:
        parts.append("token ok" if check.token_ok else "token failed")
        parts.append(_expiry_words("client secret", check.client_secret))
    return ", ".join(p for p in parts if p)


def _summary(run: CheckRun) -> str:
    counts = run.counts()
    total = len(run.servers)
    text = f"{total} server{'s' if total != 1 else ''} checked: {counts[Status.OK]} OK"
    for status in (Status.WARNING, Status.CRITICAL, Status.UNKNOWN):
        if counts[status]:
            text += f", {counts[status]} {status.word.lower()}"
    if run.routing:
        problems = len(run.routing)
        text += f"; {problems} routing problem{'s' if problems != 1 else ''}"
    return text


def render_text(run: CheckRun) -> str:
    """One line per server (status, name, where, facts), its problems indented; routing; a summary."""
    lines: list[str] = []
    width = max((len(s.server.name) for s in run.servers), default=0)
    for check in run.servers:
        lines.append(f"{check.status.word:<8} {check.server.name:<{width}}  {_where(check)}  {_facts(check)}")
        lines += [f"         {finding.message}" for finding in check.findings]
    if run.routing:
        lines.append("Routing:")
        lines += [f"{f.status.word:<8} {f.message}" for f in run.routing]
    lines.append(_summary(run) + ".")
    return "\n".join(lines) + "\n"


def render_json(run: CheckRun) -> str:
    return json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _label(check: ServerCheck, what: str) -> str:
    """A perfdata label: quoted (names may hold blanks), a quote inside doubled, no '=' (it ends labels)."""
    text = f"{check.server.name} {what}".replace("=", "_").replace("'", "''")
    return f"'{text}'"


def _perfdata(run: CheckRun) -> str:
    warn, crit = run.thresholds.warn_days, run.thresholds.critical_days
    items: list[str] = []
    for check in run.servers:
        items.append(f"{_label(check, 'time')}={check.entry.duration_ms / 1000:.3f}s;;;0")
        for what, expiry in (("certificate days", check.certificate), ("secret days", check.client_secret)):
            if expiry is not None and expiry.days_left is not None:
                items.append(f"{_label(check, what)}={expiry.days_left};{warn}:;{crit}:")
    return " ".join(items)


def render_nagios(run: CheckRun) -> str:
    """Status line with performance data, then one detail line per server and routing problem."""
    status = run.status
    worst = [
        f"{check.server.name}: {finding.message}"
        for check in run.servers
        for finding in check.findings
        if finding.status is status and status is not Status.OK
    ] + [f.message for f in run.routing if f.status is status and status is not Status.OK]
    headline = _summary(run) + (f" - {worst[0]}" if worst else "")
    if len(worst) > 1:
        headline += f" (and {len(worst) - 1} more)"
    perfdata = _perfdata(run)
    lines = [f"{NAGIOS_SERVICE} {status.word} - {_plain(headline)}" + (f" | {perfdata}" if perfdata else "")]
    for check in run.servers:
        lines.append(f"[{check.status.word}] {_plain(check.server.name)} {_where(check)}: {_plain(_facts(check))}")
        lines += [f"  {_plain(f.message)}" for f in check.findings if f.status is not Status.OK]
    lines += [f"[{f.status.word}] routing: {_plain(f.message)}" for f in run.routing]
    return "\n".join(lines) + "\n"


def nagios_unknown(message: str) -> str:
    """The one line a plugin prints when it could not check at all (exit 3)."""
    return f"{NAGIOS_SERVICE} {Status.UNKNOWN.word} - {_plain(message)}\n"


def _plain(text: str) -> str:
    """No '|' (it starts performance data) and no line break inside a line."""
    return " ".join(text.replace("|", "/").split())

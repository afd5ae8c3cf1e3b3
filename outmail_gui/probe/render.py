"""The readable report: one line per step, then the facts a helpdesk person needs."""

from __future__ import annotations

from outmail_gui.probe.report import ProbeReport, StepStatus, days_left_text

_LABELS = {
    "resolve": "Resolve",
    "connect": "Connect",
    "tls": "TLS",
    "greeting": "Greeting",
    "ehlo": "EHLO",
    "ehlo_tls": "EHLO again",
    "auth": "AUTH",
    "dry_run": "MAIL/RCPT",
    "message": "Message",
    "quit": "QUIT",
    "rpc_greeting": "RPC greeting",
    "oauth": "OAuth token",
    "keyring": "Keyring",
}
_MARKS = {StepStatus.PASSED: "ok", StepStatus.FAILED: "FAIL", StepStatus.SKIPPED: "skip", StepStatus.RUNNING: "..."}


def step_label(name: str) -> str:
    """A step's name as the report and the window show it."""
    return _LABELS.get(name, name)


def text_report(report: ProbeReport, transcript: bool = False) -> str:
    lines = [f"Testing {report.protocol.upper()} server {report.host} port {report.port} (security: {report.security})"]
    for step in report.steps:
        label = step_label(step.name)
        lines.append(f"  {_MARKS[step.status]:<4}  {label:<12} {step.elapsed_ms:7.0f} ms  {step.detail}")
    tls = report.tls
    if tls.version:
        lines.append(f"TLS: {tls.mode}, {tls.version}, {tls.cipher}")
    cert = tls.certificate
    if cert:
        lines.append(f"Certificate: {cert.subject}")
        if cert.sans:
            lines.append(f"  names: {', '.join(cert.sans)}")
        lines.append(f"  issuer: {cert.issuer}")
        lines.append(f"  expires: {cert.not_after} ({days_left_text(cert.days_left)})")
        if cert.matches_host is False:
            lines.append(f"  warning: made out for other names than {report.host}")
        lines.append(f"  SHA-256: {cert.sha256}")
    if report.capabilities_before_tls:
        lines.append("Capabilities before TLS: " + ", ".join(report.capabilities_before_tls))
    if report.capabilities_after_tls:
        lines.append("Capabilities after TLS: " + ", ".join(report.capabilities_after_tls))
    if report.auth.mechanism:
        lines.append(f"Authentication: {report.auth.mechanism} ({report.auth.reason})")
    for name, why in report.auth.unavailable.items():
        lines.append(f"  {name}: {why}")
    if report.message and report.message.transfer:
        lines.append(f"Transfer: {report.message.transfer} ({report.message.transfer_reason})")
    for warning in report.warnings:
        lines.append(f"Warning: {warning}")
    failed = report.failed_step
    if report.ok:
        lines.append("Result: PASSED")
    elif report.cancelled:
        lines.append("Result: CANCELLED")
    else:
        lines.append(f"Result: FAILED at {_LABELS.get(failed.name, failed.name) if failed else 'start'}")
    if report.hint:
        lines.append(f"What to do: {report.hint}" + (f" [field: {report.hint_field}]" if report.hint_field else ""))
    if transcript and report.transcript:
        lines.append("Transcript:")
        lines += [f"  {line}" for line in report.transcript]
    return "\n".join(lines)

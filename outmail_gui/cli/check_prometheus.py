"""``check --format prometheus``: the text exposition format, for node_exporter's textfile collector.

Written with the official client library (a registry of our own, so none of the process
metrics the default one carries). Names follow Prometheus' conventions: base units in the
name (``_seconds``), instants as ``_timestamp_seconds``, one gauge per fact, labelled by
``server`` (its name), ``host`` and ``port``. A date that is not known (no certificate seen,
no client-secret expiry entered) is left out rather than reported as 0.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from outmail_gui.cli.check_results import CheckRun

LABELS = ("server", "host", "port")


def render_prometheus(run: CheckRun) -> bytes:
    registry = CollectorRegistry(auto_describe=True)

    def gauge(name: str, documentation: str) -> Gauge:
        return Gauge(name, documentation, LABELS, registry=registry)

    success = gauge("outmail_check_success", "Whether the server's connection test passed (1) or failed (0).")
    duration = gauge("outmail_check_duration_seconds", "How long the server's connection test took.")
    certificate = gauge(
        "outmail_certificate_expiry_timestamp_seconds",
        "When the server's TLS certificate expires, as seen by the connection test (Unix time).",
    )
    secret = gauge(
        "outmail_oauth_secret_expiry_timestamp_seconds",
        "When the OAuth 2.0 client secret of the server's app registration expires (Unix time).",
    )
    for check in run.servers:
        labels = (check.server.name, check.server.server, str(check.server.port))
        success.labels(*labels).set(1 if check.passed else 0)
        duration.labels(*labels).set(check.entry.duration_ms / 1000)
        cert_at = check.certificate.timestamp
        if cert_at is not None:
            certificate.labels(*labels).set(cert_at)
        secret_at = check.client_secret.timestamp if check.client_secret is not None else None
        if secret_at is not None:
            secret.labels(*labels).set(secret_at)
    return generate_latest(registry)

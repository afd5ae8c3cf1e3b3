"""Trusting one server's certificate: its details, its SHA-256 fingerprint, a deliberate yes.

What is trusted is that exact certificate for that one server (its fingerprint is saved on the
server's record); a different certificate later fails again. There is no "ignore all
certificate errors" anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.probe.report import CertInfo, days_left_text
from outmail_gui.probe.tls import normalize_fingerprint

TRUST = "Trust this certificate for this server"


def certificate_rows(cert: CertInfo) -> list[tuple[str, str]]:
    """The facts a person compares with what the server's administrator says."""
    expiry = cert.not_after[:19].replace("T", " ") + " UTC" if cert.not_after else "unknown"
    if cert.days_left is not None:
        expiry += f" ({days_left_text(cert.days_left)})"
    return [
        ("Subject", cert.subject or "(none)"),
        ("Names", ", ".join(cert.sans) or "(none)"),
        ("Issuer", cert.issuer or "(none)"),
        ("Expires", expiry),
        ("SHA-256", cert.sha256),
    ]


class TrustCertificateDialog(QDialog):
    def __init__(self, server_name: str, host: str, cert: CertInfo, previous: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("trust_certificate_dialog")
        self.setWindowTitle("Trust this certificate?")
        intro = QLabel(self)
        intro.setObjectName("trust_intro")
        intro.setWordWrap(True)
        text = (
            f"This workstation cannot verify the certificate of {host} (server {server_name!r}). "
            "Trust it only after the server's administrator confirmed this SHA-256 fingerprint. "
            "It will be accepted for this server only; any other certificate will fail the test again."
        )
        if cert.matches_host is False:
            names = ", ".join(cert.sans) or cert.subject or "another name"
            text = (
                f"Warning: this certificate is made out for {names}, not for {host}. Trusting it also accepts "
                "that mismatch: do it only if the administrator confirms the mismatch is expected.\n\n" + text
            )
        if previous and normalize_fingerprint(previous) != normalize_fingerprint(cert.sha256):
            text = (
                "Warning: this is NOT the certificate trusted before for this server. The server may have a new "
                "certificate, or someone may be intercepting the connection.\n\n" + text
            )
        intro.setText(text)
        details = QFormLayout()
        for label, value in certificate_rows(cert):
            shown = QLabel(value, self)
            shown.setObjectName(f"trust_{label.lower().replace('-', '')}")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            details.addRow(f"{label}:", shown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        trust = QPushButton(TRUST, self)
        trust.setObjectName("trust_accept")
        trust.setAutoDefault(False)
        buttons.addButton(trust, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(details)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    @classmethod
    def ask(cls, parent: QWidget | None, server_name: str, host: str, cert: CertInfo, previous: str = "") -> bool:
        """True when the user trusts ``cert`` for this one server."""
        dialog = cls(server_name, host, cert, previous, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()

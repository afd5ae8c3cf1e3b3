"""Certificate trust and the unencrypted-password question, through the real window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from outmail_gui.probe.report import ProbeReport
from outmail_gui.probe.tls import normalize_fingerprint
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.connection_test.insecure_auth_dialog import InsecureAuthDialog
from outmail_gui.ui.connection_test.panel import ZERO_WIDTH_SPACE, breakable
from outmail_gui.ui.connection_test.trust_dialog import TrustCertificateDialog
from outmail_gui.ui.window.main_window import MainWindow
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer, TlsMaterial, cert_sha256, make_tls
from tests.ui.conftest import DialogAnswers, WindowFactory
from tests.ui.connection_helpers import (
    PASSWORD,
    USER,
    certificate,
    connect_button,
    failed_step,
    open_server,
    panel,
    plain_record,
    wait_idle,
)
from tests.ui.helpers import child, click, line, replace_text

SmtpFactory = Callable[..., RunningSmtpServer]
NO_NTLM = ("NTLM", "MSN", "XOAUTH2")  # NTLM needs a credential file; the others are enough here


def run_test(qtbot: QtBot, window: MainWindow) -> ProbeReport:
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        click(qtbot, connect_button(window))
    report: ProbeReport = blocker.args[0]
    return report


def test_trust_round_trip_untrusted_then_trusted_then_a_different_certificate_fails(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    smtp_server: SmtpFactory,
    tls_material: TlsMaterial,
    answer_dialog: DialogAnswers,
    tmp_path: Path,
) -> None:
    server = smtp_server(tls_material, mode="starttls")
    record = repo.save(plain_record("Private CA", server.port, use_ssl=True))
    window = make_window()
    open_server(window, record)

    # 1. Untrusted: fails at TLS before AUTH, shows the certificate and offers to trust it.
    report = run_test(qtbot, window)
    assert failed_step(report).name == "tls" and not certificate(report).verified
    test_panel = panel(window)
    assert test_panel.trust_button.isVisible()
    assert cert_sha256(tls_material) == normalize_fingerprint(certificate(report).sha256)
    shown = test_panel.fingerprint.text().replace("\u200b", "")  # the hint asks to check it: it is in view
    assert test_panel.fingerprint.isVisible() and certificate(report).sha256 in shown
    assert "SHA-256:" in test_panel.report_text() and "issuer:" in test_panel.report_text()

    # 2. Trusted: the fingerprint is saved with this server only, and the test passes with it.
    asked = answer_dialog(TrustCertificateDialog, True)
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        click(qtbot, test_panel.trust_button)
    assert asked[0][0] == "Private CA" and asked[0][3] == ""  # no fingerprint trusted before
    stored = repo.get(record.id)
    assert normalize_fingerprint(stored.trusted_cert_sha256) == cert_sha256(tls_material)
    assert stored.revision == record.revision + 1 and not window.session.is_dirty()
    assert blocker.args[0].ok and blocker.args[0].tls.certificate.pinned
    assert not test_panel.trust_button.isVisible()

    # 3. The server now shows another certificate: a new failure, never silently accepted.
    other = make_tls(tmp_path / "other")
    server.controller.SMTP_kwargs["tls_context"].load_cert_chain(str(other.cert_file), str(other.key_file))
    report = run_test(qtbot, window)
    assert failed_step(report).name == "tls"
    assert "differs from the one accepted" in failed_step(report).detail
    assert test_panel.trust_button.isVisible()
    assert repo.get(record.id).trusted_cert_sha256 == stored.trusted_cert_sha256
    # Offering it again names the previously trusted fingerprint, so the dialog can warn.
    answer_dialog(TrustCertificateDialog, False)
    click(qtbot, test_panel.trust_button)
    assert repo.get(record.id).trusted_cert_sha256 == stored.trusted_cert_sha256
    wait_idle(qtbot, window)


def test_the_trust_dialog_warns_when_the_certificate_changed(qtbot: QtBot, tls_material: TlsMaterial) -> None:
    from outmail_gui.probe.report import CertInfo

    cert = CertInfo(subject="CN=mail", sans=["mail.example.com"], issuer="CN=Private CA", sha256="AA:BB")
    dialog = TrustCertificateDialog("Main", "mail.example.com", cert, "CC:DD", None)
    qtbot.addWidget(dialog)
    intro = child(dialog, QLabel, "trust_intro").text()
    assert intro.startswith("Warning: this is NOT the certificate trusted before")
    assert child(dialog, QLabel, "trust_sha256").text() == "AA:BB"
    same = TrustCertificateDialog("Main", "mail.example.com", cert, "aabb", None)
    qtbot.addWidget(same)
    assert "Warning" not in child(same, QLabel, "trust_intro").text()


def test_the_trust_dialog_names_a_certificate_made_out_for_another_host(qtbot: QtBot) -> None:
    from outmail_gui.probe.report import CertInfo

    cert = CertInfo(
        subject="CN=other.example", sans=["other.example"], issuer="CN=Private CA", sha256="AA:BB",
        days_left=1, matches_host=False,
    )  # fmt: skip
    dialog = TrustCertificateDialog("Main", "localhost", cert, "", None)
    qtbot.addWidget(dialog)
    intro = child(dialog, QLabel, "trust_intro").text()
    assert intro.startswith("Warning: this certificate is made out for other.example, not for localhost.")
    assert "(1 day left)" in child(dialog, QLabel, "trust_expires").text()


def test_insecure_auth_accepted_sends_the_stored_password(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    secrets: SecretStore,
    smtp_server: SmtpFactory,
    handler: RecordingHandler,
    answer_dialog: DialogAnswers,
) -> None:
    server = smtp_server(auth_require_tls=False, exclude=NO_NTLM)
    record = repo.save(plain_record("Plain", server.port, login_id=USER, auth_auto=True))
    secrets.set_password(record.id, PASSWORD)
    window = make_window()
    open_server(window, record)
    asked = answer_dialog(InsecureAuthDialog, True)
    report = run_test(qtbot, window)
    assert asked == [("127.0.0.1", server.port)]
    assert report.ok, report.to_json()
    assert handler.authenticated and handler.authenticated[0][1] == USER
    assert PASSWORD not in panel(window).report_text()
    wait_idle(qtbot, window)


def test_insecure_auth_declined_stops_before_auth(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    secrets: SecretStore,
    smtp_server: SmtpFactory,
    handler: RecordingHandler,
    answer_dialog: DialogAnswers,
) -> None:
    server = smtp_server(auth_require_tls=False, exclude=NO_NTLM)
    record = repo.save(plain_record("Plain", server.port, login_id=USER, auth_auto=True))
    secrets.set_password(record.id, PASSWORD)
    window = make_window()
    open_server(window, record)
    answer_dialog(InsecureAuthDialog, False)
    report = run_test(qtbot, window)
    assert failed_step(report).name == "auth"
    assert "Stopped before AUTH" in failed_step(report).detail
    assert handler.auth_commands == [] and handler.authenticated == []
    window.details.show_settings()
    use_ssl_message = child(window.details.form(), QLabel, "use_ssl_message")
    assert use_ssl_message.isVisible() and use_ssl_message.text().startswith("Select Use SSL")
    wait_idle(qtbot, window)


def test_a_typed_wrong_password_is_used_and_stops_at_the_first_refusal(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    secrets: SecretStore,
    smtp_server: SmtpFactory,
    handler: RecordingHandler,
    answer_dialog: DialogAnswers,
) -> None:
    server = smtp_server(auth_require_tls=False, exclude=NO_NTLM)
    record = repo.save(plain_record("Plain", server.port, login_id=USER, auth_auto=True))
    secrets.set_password(record.id, PASSWORD)
    window = make_window()
    open_server(window, record)
    replace_text(qtbot, line(window, "password"), "wrong")
    answer_dialog(InsecureAuthDialog, True)
    report = run_test(qtbot, window)
    assert failed_step(report).name == "auth" and report.auth.attempts == 1
    assert handler.authenticated == []
    # Plain words lead; the server's reply (535 5.7.8) stays in the step's detail for administrators.
    assert child(window, QLabel, "test_result").text() == (
        "Failed at Sign-in (AUTH): The server rejected the Login ID or password."
    )
    assert "535" in failed_step(report).detail
    window.details.show_settings()
    password_message = child(window.details.form(), QLabel, "password_message")
    assert password_message.isVisible() and password_message.text().startswith("Check the Login ID and retype")
    wait_idle(qtbot, window)


def test_the_insecure_auth_dialog_needs_the_tick(qtbot: QtBot) -> None:
    dialog = InsecureAuthDialog("mail.example.com", 25)
    qtbot.addWidget(dialog)
    assert not dialog.proceed.isEnabled()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.understand.setChecked(True)
    assert dialog.proceed.isEnabled()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_failed_tls_test_never_widens_the_details_or_squeezes_the_list(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    smtp_server: SmtpFactory,
    tls_material: TlsMaterial,
) -> None:
    server = smtp_server(tls_material, mode="starttls")
    record = repo.save(plain_record("Private CA", server.port, use_ssl=True))
    window = make_window()
    window.resize(1400, 820)
    open_server(window, record)
    qtbot.wait(10)
    before = window.splitter.sizes()

    report = run_test(qtbot, window)
    qtbot.wait(10)

    assert failed_step(report).name == "tls"
    test_panel = panel(window)
    for label in (test_panel.hint, test_panel.result):
        assert label.minimumSizeHint().width() < 300, label.text()
    assert window.splitter.sizes() == before
    wait_idle(qtbot, window)


def test_long_tokens_get_break_points_but_read_the_same() -> None:
    fingerprint = ":".join(["AB"] * 32)
    original = f"Compare the SHA-256 fingerprint {fingerprint} with the administrator's."
    text = breakable(original)

    assert text.replace(ZERO_WIDTH_SPACE, "") == original
    assert max(len(word) for part in text.split() for word in part.split(ZERO_WIDTH_SPACE)) <= 16

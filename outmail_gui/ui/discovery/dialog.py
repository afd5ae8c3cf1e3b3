"""Discover settings…: an address or host in, the working settings out, explained as they are found.

The sources appear as steps (what each found, how long it took) and the candidates as rows while
their tests run on the worker's threads; when all have ended the rows are ranked and the
recommended one is selected. **Apply** hands the selected candidate's settings to the form
(unsaved); a candidate whose certificate failed, that is not encrypted or that offers AUTH only
without TLS cannot be applied, and says why. With the form's Login ID and a password, **Check
sign-in** tries one AUTH on the recommended candidate, exactly as the connection test does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.discovery import Candidate, DiscoveryReport, DiscoveryRequest, SourceStep, TargetError, parse_target
from outmail_gui.discovery.model import DEFAULT_TIMEOUT_S, CandidateState, SignIn, Source, StepState
from outmail_gui.discovery.settings_change import connection_settings
from outmail_gui.ui.discovery.worker import DiscoveryRun
from outmail_gui.ui.shared.icons import StatusIcon, icon

TITLE = "Discover Settings"
CANDIDATE_COLUMNS = ("Server", "Port", "Security", "Source", "Certificate", "Sign-in methods", "Result")
WHY_NOT = "Cannot be applied: "


def _elapsed(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


class DiscoveryDialog(QDialog):
    """The dialog; ``ask()`` runs it modally and returns the settings to fill in, or None."""

    def __init__(
        self,
        parent: QWidget | None = None,
        target: str = "",
        ca_file: str | None = None,
        dns_server: str = "",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        login_id: str = "",
        password: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("discovery_dialog")
        self.setWindowTitle(TITLE)
        # As discover's --ca-file and --dns-server: the CAs to trust instead of the system's, the DNS
        # server to ask instead of the system's resolver (tests, and checks of one resolver).
        self.ca_file = ca_file
        self.dns_server = dns_server
        self.timeout_s = timeout_s
        self.run: DiscoveryRun | None = None
        self.report: DiscoveryReport | None = None
        self._candidate_items: dict[tuple[str, int, str], QTreeWidgetItem] = {}
        self._candidates: dict[tuple[str, int, str], Candidate] = {}  # as shown, by (server, port, security)

        self.target = QLineEdit(target, self)
        self.target.setObjectName("discovery_target")
        self.target.setPlaceholderText("alice@example.com or smtp.example.com")
        self.target.setAccessibleName("Email address or host")
        self.target.setClearButtonEnabled(True)
        self.discover_button = QPushButton("&Discover", self)
        self.discover_button.setObjectName("discovery_start")
        self.discover_button.setDefault(True)
        prompt = QLabel("&Email address or host:", self)
        prompt.setBuddy(self.target)
        # The optional sign-in check: the form's Login ID, and its typed password (or one typed here).
        self.login_id = login_id.strip()
        self.sign_in = QCheckBox(f"Check &sign-in as {self.login_id}" if self.login_id else "Check &sign-in", self)
        self.sign_in.setObjectName("discovery_sign_in")
        self.password = QLineEdit(password, self)
        self.password.setObjectName("discovery_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password for the sign-in check")
        self.password.setPlaceholderText("password")
        if self.login_id:
            self.sign_in.setToolTip(
                "After the candidates are tested, one AUTH on the recommended one, as the connection test does it "
                "(no retry after a refused password)."
            )
        else:
            self.sign_in.setEnabled(False)
            self.sign_in.setToolTip("Enter a Login ID in the form to check sign-in.")
        self.password.setEnabled(False)
        self.sign_in.toggled.connect(self.password.setEnabled)
        self.sign_in.setChecked(bool(self.login_id and password))
        self.status = QLabel(self)
        self.status.setObjectName("discovery_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.steps = QTreeWidget(self)
        self.steps.setObjectName("discovery_steps")
        self.steps.setHeaderLabels(("Source", "Found", "Time"))
        self.steps.setRootIsDecorated(False)
        self.steps.setWordWrap(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setAccessibleName("Sources")
        header = self.steps.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

        self.candidates = QTreeWidget(self)
        self.candidates.setObjectName("discovery_candidates")
        self.candidates.setHeaderLabels(CANDIDATE_COLUMNS)
        self.candidates.setRootIsDecorated(False)
        self.candidates.setAccessibleName("Candidates")
        self.candidates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        cheader = self.candidates.header()
        for column in range(len(CANDIDATE_COLUMNS) - 2):
            cheader.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The methods and the result share what is left (elided; the tooltip and the details say it all),
        # so a long list of mechanisms never squeezes the result and no width scrolls sideways.
        cheader.setSectionResizeMode(len(CANDIDATE_COLUMNS) - 2, QHeaderView.ResizeMode.Stretch)
        cheader.setSectionResizeMode(len(CANDIDATE_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        cheader.setStretchLastSection(False)
        self.details = QLabel(self)
        self.details.setObjectName("discovery_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton("&Apply to Form", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("discovery_apply")
        self.apply_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("discovery_cancel")
        self._layout(prompt)

        self.discover_button.clicked.connect(self.start)
        self.target.returnPressed.connect(self.start)
        self.apply_button.clicked.connect(self._apply)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        self.candidates.itemSelectionChanged.connect(self._show_selected)
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    def _layout(self, prompt: QLabel) -> None:
        row = QHBoxLayout()
        row.addWidget(prompt)
        row.addWidget(self.target, 1)
        row.addWidget(self.discover_button)
        sign_in_row = QHBoxLayout()
        sign_in_row.addWidget(self.sign_in)
        sign_in_row.addWidget(self.password, 1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel("Candidates (tested at once; best first when done):", lower))
        lower_layout.addWidget(self.candidates, 1)
        lower_layout.addWidget(self.details)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.steps)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(sign_in_row)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)

    def sizeHint(self) -> Any:
        """Room for the candidates' columns, within the screen (1024x640, or a large scale factor)."""
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), 860))
        hint.setHeight(max(hint.height(), 520))
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            hint.setWidth(min(hint.width(), room.width() * 9 // 10))
            hint.setHeight(min(hint.height(), room.height() * 9 // 10))
        return hint

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        target: str,
        ca_file: str | None = None,
        login_id: str = "",
        password: str = "",
    ) -> dict[str, Any] | None:
        """Run the dialog; the settings to fill in (Server, Port Number, Use SSL, methods), or None."""
        dialog = cls(parent, target, ca_file, login_id=login_id, password=password)
        try:
            if target.strip():
                QTimer.singleShot(0, dialog.start)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.chosen_settings()
        finally:
            dialog.stop()
            dialog.deleteLater()

    # -- running -------------------------------------------------------------------
    def start(self) -> None:
        if self.run is not None:
            return
        text = self.target.text().strip()
        checking = self.sign_in.isChecked()
        if checking and not self.password.text():
            self.status.setText("Type the password for the sign-in check, or untick Check sign-in.")
            self.password.setFocus()
            return
        try:
            parse_target(text)
        except TargetError as exc:
            self.status.setText(f"{exc}.")
            self.target.setFocus()
            return
        self.steps.clear()
        self.candidates.clear()
        self._candidate_items.clear()
        self._candidates.clear()
        self.details.clear()
        self.report = None
        self.apply_button.setEnabled(False)
        self.status.setText(f"Looking for the settings of {text}…")
        self.discover_button.setEnabled(False)
        self.target.setReadOnly(True)
        self.sign_in.setEnabled(False)
        self.password.setEnabled(False)
        request = DiscoveryRequest(
            text,
            self.timeout_s,
            self.dns_server,
            self.ca_file,
            login_id=self.login_id if checking else "",
            password=self.password.text() if checking else "",
        )
        self.run = DiscoveryRun(request, self)
        self.run.source_changed.connect(self.show_source)
        self.run.candidate_changed.connect(self.show_candidate)
        self.run.finished.connect(self.show_report)
        self.run.start()

    def is_running(self) -> bool:
        return self.run is not None and self.run.is_running()

    def stop(self) -> None:
        """Cancel and wait (within a second: the engine checks Cancel at least every half second)."""
        if self.run is not None:
            self.run.abandon()
            self.run = None

    def _cancel_or_close(self) -> None:
        if self.is_running():
            assert self.run is not None
            self.run.cancel()
            self.status.setText("Cancelling…")
            return
        self.reject()

    def reject(self) -> None:
        self.stop()
        super().reject()

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)

    # -- live updates (GUI thread) ---------------------------------------------------
    def show_source(self, step: SourceStep) -> None:
        label = Source(step.name).label
        found = self.steps.findItems(label, Qt.MatchFlag.MatchExactly, 0)
        item = found[0] if found else QTreeWidgetItem(self.steps, [label, "", ""])
        running = step.state is StepState.RUNNING
        item.setText(1, "asking…" if running else step.detail or "nothing")
        item.setToolTip(1, step.detail)
        item.setText(2, "" if running else _elapsed(step.elapsed_ms))
        item.setIcon(0, icon(StatusIcon.INFO if running else StatusIcon.YES if step.ok else StatusIcon.NO))

    def show_candidate(self, candidate: Candidate) -> None:
        key = (candidate.server, candidate.port, candidate.security.value)
        item = self._candidate_items.get(key)
        if item is None:
            item = QTreeWidgetItem(self.candidates)
            self._candidate_items[key] = item
        self._fill(item, candidate)

    def show_report(self, report: DiscoveryReport) -> None:
        self.run = None
        self.report = report
        self.discover_button.setEnabled(True)
        self.target.setReadOnly(False)
        self.sign_in.setEnabled(bool(self.login_id))
        self.password.setEnabled(self.sign_in.isChecked())
        for step in report.sources:
            self.show_source(step)
        self.candidates.clear()
        self._candidate_items.clear()
        self._candidates.clear()
        for candidate in report.candidates:  # ranked
            self.show_candidate(candidate)
        best = report.recommended
        if report.error:
            self.status.setText(report.error)
        elif report.cancelled:
            self.status.setText("Cancelled: the candidates found so far are shown, not ranked.")
        elif best is not None:
            self.status.setText(
                f"Recommended: {best.server}, port {best.port}, {best.security_label} "
                f"({_elapsed(report.elapsed_ms)}). Select a candidate and choose Apply to Form."
            )
        else:
            self.status.setText(
                "No candidate can be recommended: none answered with a verified certificate "
                f"({_elapsed(report.elapsed_ms)}). The reasons are beside each candidate."
            )
        if report.sign_in is not None:
            self.status.setText(f"{self.status.text()}\n{_sign_in_line(self.login_id, report.sign_in)}")
        first = self.candidates.topLevelItem(0)
        if first is not None:
            self.candidates.setCurrentItem(first)
        self._show_selected()

    def _fill(self, item: QTreeWidgetItem, c: Candidate) -> None:
        key = (c.server, c.port, c.security.value)
        self._candidates[key] = c
        item.setData(0, Qt.ItemDataRole.UserRole, key)
        done = c.state is CandidateState.DONE
        if not done:
            certificate, result, mark = "", "testing…", StatusIcon.INFO
        else:
            if c.tls is None:
                certificate = "no TLS" if c.security.value == "none" else "—"
            elif c.tls.verified:
                certificate = f"verified ({c.tls.version})"
            else:
                certificate = "NOT verified" if c.tls.version else "no TLS session"
            if c.recommended:
                result, mark = "Recommended", StatusIcon.YES
            elif c.recommendable:
                result, mark = "Works", StatusIcon.YES
            else:
                result, mark = (c.problems[0] if c.problems else "Not usable"), StatusIcon.NO
        values = (
            c.server,
            str(c.port),
            c.security_label,
            c.source.label,
            certificate,
            " ".join(c.auth) if done else "",
            result,
        )
        for column, text in enumerate(values):
            item.setText(column, text)
        item.setIcon(0, icon(mark))
        font = item.font(0)
        font.setBold(c.recommended)
        for column in range(len(values)):
            item.setFont(column, font)
        item.setToolTip(len(values) - 1, "\n".join(c.problems) or result)
        item.setToolTip(len(values) - 2, values[-2])
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def selected(self) -> Candidate | None:
        item = self.candidates.currentItem()
        return self._candidates.get(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def _show_selected(self) -> None:
        candidate = self.selected()
        finished = self.report is not None and not self.is_running()
        if candidate is None:
            self.details.clear()
            self.apply_button.setEnabled(False)
            return
        lines = [
            f"{candidate.server} port {candidate.port}, {candidate.security_label}, from {candidate.source.label}."
        ]
        lines += candidate.problems
        if finished and not candidate.recommendable and candidate.state is CandidateState.DONE:
            lines.append(WHY_NOT + _why_not(candidate))
        self.details.setText("\n".join(lines))
        self.apply_button.setEnabled(finished and candidate.recommendable)

    def chosen_settings(self) -> dict[str, Any] | None:
        candidate = self.selected()
        if candidate is None or not candidate.recommendable:
            return None
        return connection_settings(candidate)

    def _apply(self) -> None:
        if self.chosen_settings() is not None:
            self.accept()


def _sign_in_line(login_id: str, result: SignIn) -> str:
    if result.ok:
        how = f" with {result.mechanism}" if result.mechanism else ""
        return f"Sign-in as {login_id}: accepted{how} ({_elapsed(result.elapsed_ms)})."
    return f"Sign-in as {login_id}: failed. {result.detail}".rstrip()


def _why_not(candidate: Candidate) -> str:
    if not candidate.reachable:
        return "the server could not be reached."
    if candidate.security.value == "none":
        return "the connection is not encrypted."
    if candidate.auth_only_without_tls:
        return "it offers AUTH only without TLS."
    if candidate.tls is None or not candidate.tls.verified:
        return "its certificate could not be verified."
    return "its test did not pass."

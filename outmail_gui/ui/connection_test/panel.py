"""The connection-test panel under the details form: buttons, live steps, result, hint, report.

A view only: it shows what the controller (:mod:`outmail_gui.ui.connection_test.controller`) hands it
and emits what the user asked for. Every status is an icon *and* a word, never colour alone.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.fields import field_info
from outmail_gui.domain.settings import Protocol
from outmail_gui.probe.render import text_report
from outmail_gui.probe.report import ProbeReport, Step, StepStatus
from outmail_gui.store.history import Outcome
from outmail_gui.store.results import outcome_of
from outmail_gui.ui.connection_test.flow_layout import FlowLayout
from outmail_gui.ui.connection_test.summary import duration_text, result_headline, step_words
from outmail_gui.ui.shared.icons import readable

STATUS_WORDS = {
    StepStatus.RUNNING: "Running…",
    StepStatus.PASSED: "Passed",
    StepStatus.FAILED: "Failed",
    StepStatus.SKIPPED: "Skipped",
}
_SP = QStyle.StandardPixmap
_STEP_ICONS = {
    StepStatus.RUNNING: _SP.SP_BrowserReload,
    StepStatus.PASSED: _SP.SP_DialogApplyButton,
    StepStatus.FAILED: _SP.SP_MessageBoxCritical,
    StepStatus.SKIPPED: _SP.SP_ArrowRight,
}
_GLYPH_PIXMAPS = frozenset({_SP.SP_MediaPlay, _SP.SP_ArrowForward, _SP.SP_MediaStop})  # black one-colour glyphs
CANCELLED_WORD = "Cancelled"
_OUTCOME_ICONS = {
    Outcome.PASSED: _SP.SP_DialogApplyButton,
    Outcome.FAILED: _SP.SP_MessageBoxCritical,
    Outcome.CANCELLED: _SP.SP_MessageBoxWarning,
}
COL_STEP, COL_RESULT, COL_TIME, COL_DETAIL = range(4)
ZERO_WIDTH_SPACE = "\u200b"
_LONG_TOKEN = re.compile(r"\S{25,}")
_BREAK_AFTER = re.compile(r"([:/.\-_=&?,;])")
_CHUNK = 16


def breakable(text: str) -> str:
    """``text`` with invisible break points inside long tokens (fingerprints, URLs, host names).

    A word-wrapped QLabel breaks only at spaces, so one long token would set its minimum width
    and push the panel (and the main splitter) wide; after these it wraps inside the token.
    """

    def split(match: re.Match[str]) -> str:
        parts = _BREAK_AFTER.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, match.group(0)).split(ZERO_WIDTH_SPACE)
        pieces = [part[i : i + _CHUNK] for part in parts for i in range(0, max(len(part), 1), _CHUNK)]
        return ZERO_WIDTH_SPACE.join(piece for piece in pieces if piece)

    return _LONG_TOKEN.sub(split, text)


class ReportFileDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, suggested: str) -> Path | None:
        """Where to save the report, or None when cancelled."""
        path, _filter = QFileDialog.getSaveFileName(
            parent, "Save test report", suggested, "Text files (*.txt);;All files (*)"
        )
        return Path(path) if path else None


class ConnectionTestPanel(QWidget):
    test_requested = Signal()
    send_requested = Signal()
    cancel_requested = Signal()
    trust_requested = Signal()
    oauth_requested = Signal()  # Switch to OAuth 2.0…
    history_requested = Signal()
    field_requested = Signal(str)  # the hint's field link: show that field of the form

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connection_test_panel")
        self.setAccessibleName("Connection test")
        self.report: ProbeReport | None = None
        self._title = ""
        self._items: dict[str, QTreeWidgetItem] = {}
        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setObjectName("connection_test_ticker")
        self._ticker.setInterval(200)
        self._ticker.timeout.connect(self._tick)

        self.test_button = self._button("test_connection_button", "Test connection", _SP.SP_MediaPlay)
        self.test_button.setToolTip("Test the values in the form, saved or not (F5)")
        self.send_button = self._button("send_test_button", "Send test message…", _SP.SP_ArrowForward)
        self.cancel_button = self._button("cancel_test_button", "Cancel", _SP.SP_MediaStop)
        self.history_button = self._button("test_history_button", "History…", _SP.SP_FileDialogDetailedView)
        self.busy = QProgressBar(self)
        self.busy.setObjectName("test_busy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.setAccessibleName("Test running")
        self.status = QLabel(self)
        self.status.setObjectName("test_status")
        self.status.setWordWrap(True)
        self.steps = QTreeWidget(self)
        self.steps.setObjectName("test_steps")
        self.steps.setAccessibleName("Test steps")
        self.steps.setHeaderLabels(["Step", "Result", "Time", "Detail"])
        self.steps.setRootIsDecorated(False)
        self.steps.setUniformRowHeights(True)
        self.steps.setWordWrap(False)
        header = self.steps.header()
        header.setStretchLastSection(True)
        for column in (COL_STEP, COL_RESULT, COL_TIME):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.result_icon = QLabel(self)
        self.result_icon.setObjectName("test_result_icon")
        self.result = QLabel(self)
        self.result.setObjectName("test_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(self)
        self.hint.setObjectName("test_hint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.RichText)  # the field link
        flags = Qt.TextInteractionFlag
        self.hint.setTextInteractionFlags(
            flags.TextSelectableByMouse | flags.LinksAccessibleByMouse | flags.LinksAccessibleByKeyboard
        )
        self.hint.linkActivated.connect(self.field_requested)
        self.fingerprint = QLabel(self)
        self.fingerprint.setObjectName("test_certificate_fingerprint")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.trust_button = self._button("trust_certificate_button", "Trust this certificate for this server…")
        self.oauth_button = self._button("switch_to_oauth", "Switch to OAuth 2.0…")
        self.oauth_button.setToolTip(
            "The server refuses passwords: tick Use OAuth 2.0 Authentication (not saved yet) and open Manage Token"
        )
        self.copy_button = self._button("copy_report_button", "Copy report", _SP.SP_FileIcon)
        self.save_button = self._button("save_report_button", "Save report…", _SP.SP_DialogSaveButton)
        self.details_button = self._button("report_details_button", "Show full report")
        self.details_button.setCheckable(True)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("test_report_text")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._layout()
        self.test_button.clicked.connect(self.test_requested)
        self.send_button.clicked.connect(self.send_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.trust_button.clicked.connect(self.trust_requested)
        self.oauth_button.clicked.connect(self.oauth_requested)
        self.history_button.clicked.connect(self.history_requested)
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button.clicked.connect(self.save_report)
        self.details_button.toggled.connect(self._show_details)
        self.clear()

    def _button(self, name: str, text: str, pixmap: QStyle.StandardPixmap | None = None) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        if pixmap is not None:
            standard = self.style().standardIcon(pixmap)
            button.setIcon(readable(standard) if pixmap in _GLYPH_PIXMAPS else standard)
        return button

    def _layout(self) -> None:
        top = FlowLayout()
        for button in (self.test_button, self.send_button, self.cancel_button, self.history_button):
            top.addWidget(button)
        outcome = QHBoxLayout()
        outcome.addWidget(self.result_icon, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.addWidget(self.result)
        texts.addWidget(self.hint)
        texts.addWidget(self.fingerprint)
        outcome.addLayout(texts, 1)
        bottom = FlowLayout()
        for button in (self.oauth_button, self.trust_button, self.copy_button, self.save_button, self.details_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addLayout(outcome)  # the headline and what to do first, then the steps
        layout.addLayout(bottom)
        layout.addWidget(self.steps, 2)
        layout.addWidget(self.details, 3)

    # ----- what the controller calls

    def clear(self) -> None:
        """Back to "no test yet" (another server is shown, or the details closed)."""
        self._stop_clock()
        self.report = None
        self._items.clear()
        self.steps.clear()
        self.steps.hide()
        self.busy.hide()
        self.status.setText("Test connection (F5) checks the values in the form, saved or not.")
        self._show_outcome(None, "", "")
        self.cancel_button.hide()
        self.trust_button.hide()
        self.fingerprint.hide()
        self.oauth_button.hide()
        self.details_button.setChecked(False)
        self.details.clear()
        self.details.hide()
        for button in (self.copy_button, self.save_button, self.details_button):
            button.setEnabled(False)
        self.set_can_test(True, True)

    def start(self, title: str) -> None:
        """A test begins: empty steps, busy indicator, Cancel."""
        self.clear()
        self._title = title
        self.steps.show()
        self.busy.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.set_can_test(False, False)
        self._clock.start()
        self._ticker.start()
        self._tick()

    def step_started(self, step: Step) -> None:
        self._update_item(step)

    def step_finished(self, step: Step) -> None:
        self._update_item(step)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling…")

    def show_result(self, report: ProbeReport, hint_field_label: str = "", hint_field: str = "") -> None:
        """The finished test: every step as the engine recorded it, outcome, hint, full report.

        ``hint_field`` (with its label): the form field the hint is about, offered as a link.
        """
        self._stop_clock()
        self.report = report
        self.busy.hide()
        self.cancel_button.hide()
        self.set_can_test(True, True)
        self.steps.show()
        for step in report.steps:
            self._update_item(step, cancelled=report.cancelled)
        for name in [n for n in self._items if n not in {s.name for s in report.steps}]:
            item = self._items.pop(name)  # a step announced, then dropped by the engine (pinned-certificate retry)
            self.steps.takeTopLevelItem(self.steps.indexOfTopLevelItem(item))
        self.status.setText(f"{self._title}: finished in {duration_text(report.elapsed_ms)}.")
        outcome = outcome_of(report)
        link = (hint_field, hint_field_label) if hint_field and hint_field_label else None
        self._show_outcome(outcome, result_headline(report), report.hint, link)
        failed = report.failed_step
        if failed is not None and failed.name in self._items:
            self.steps.scrollToItem(self._items[failed.name])
        self.details.setPlainText(self.report_text())
        for button in (self.copy_button, self.save_button, self.details_button):
            button.setEnabled(True)

    def show_problem(self, text: str) -> None:
        """The test could not start (e.g. the keyring is locked): say so where the result would be."""
        self.clear()
        self._show_outcome(Outcome.FAILED, text, "")

    def offer_trust(self, fingerprint: str) -> None:
        """An unverifiable certificate: its SHA-256 fingerprint (for the user to check, as the hint
        asks) and Trust this certificate…; "" hides both."""
        self.fingerprint.setText(f"Certificate SHA-256 fingerprint: {breakable(fingerprint)}" if fingerprint else "")
        self.fingerprint.setVisible(bool(fingerprint))
        self.trust_button.setVisible(bool(fingerprint))

    def offer_oauth(self, offer: bool) -> None:
        """The server answered a password with 5.7.30 / 5.7.139: offer Switch to OAuth 2.0…."""
        self.oauth_button.setVisible(offer)

    def set_can_test(self, test: bool, send: bool, reason: str = "") -> None:
        self.test_button.setEnabled(test)
        self.send_button.setEnabled(send)
        if reason:
            self.test_button.setToolTip(reason)
            self.send_button.setToolTip(reason)
        else:
            self.test_button.setToolTip("Test the values in the form, saved or not (F5)")
            self.send_button.setToolTip("Send a real test message through this server")

    def is_running(self) -> bool:
        return self._ticker.isActive()

    # ----- the report

    def report_text(self) -> str:
        if self.report is None:
            return ""
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
        head = f"Outmail connection test — {self._title}\nRun at {stamp}\n\n"
        return head + text_report(self.report, transcript=True) + "\n"

    def copy_report(self) -> None:
        text = self.report_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status.setText("Report copied to the clipboard: paste it into the ticket.")

    def save_report(self) -> None:
        text = self.report_text()
        if not text or self.report is None:
            return
        suggested = f"outmail-test-{self.report.host}-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
        path = ReportFileDialog.ask(self, suggested)
        if path is None:
            return
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.status.setText(f"The report was not saved: {exc.strerror or exc}.")
            return
        self.status.setText(f"Report saved to {path}.")

    # ----- internals

    def _update_item(self, step: Step, *, cancelled: bool = False) -> None:
        """One step's row; in a cancelled test the step that was stopped reads Cancelled, not Failed."""
        item = self._items.get(step.name)
        new = item is None
        if item is None:
            item = self._items[step.name] = QTreeWidgetItem()
        item.setText(COL_STEP, step_words(step.name))
        if cancelled and step.status is StepStatus.FAILED:
            item.setIcon(COL_RESULT, self.style().standardIcon(_OUTCOME_ICONS[Outcome.CANCELLED]))
            item.setText(COL_RESULT, CANCELLED_WORD)
        else:
            item.setIcon(COL_RESULT, self.style().standardIcon(_STEP_ICONS[step.status]))
            item.setText(COL_RESULT, STATUS_WORDS[step.status])
        item.setText(COL_TIME, "" if step.status is StepStatus.RUNNING else f"{step.elapsed_ms:.0f} ms")
        item.setTextAlignment(COL_TIME, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Plain words for helpdesk staff; the protocol's words for administrators in the tooltip (and the report).
        item.setText(COL_DETAIL, step.summary or step.detail)
        technical = f"{step.summary}\n\nIn detail: {step.detail}" if step.summary and step.detail else step.detail
        item.setToolTip(COL_DETAIL, technical)
        if new:
            self.steps.addTopLevelItem(item)  # complete before it appears
        self.steps.scrollToItem(item)

    def _show_outcome(self, outcome: Outcome | None, text: str, hint: str, link: tuple[str, str] | None = None) -> None:
        if outcome is None:
            self.result_icon.clear()
        else:
            self.result_icon.setPixmap(self.style().standardIcon(_OUTCOME_ICONS[outcome]).pixmap(24, 24))
        self.result.setText(breakable(text))
        self.result.setVisible(bool(text))
        shown = html.escape(breakable(f"What to do: {hint}")) if hint else ""
        if shown and link is not None:
            field, label = link
            shown += f' (see <a href="{html.escape(field)}">{html.escape(label)}</a>)'
        self.hint.setText(shown)
        self.hint.setVisible(bool(hint))
        font = self.result.font()
        font.setBold(outcome is not None)
        self.result.setFont(font)

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide full report" if shown else "Show full report")

    def _tick(self) -> None:
        running = sum(1 for i in self._items.values() if i.text(COL_RESULT) == STATUS_WORDS[StepStatus.RUNNING])
        seconds = self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0
        current = "" if not running else " — waiting for the server"
        self.status.setText(f"{self._title}… {seconds:.1f} s{current}")

    def _stop_clock(self) -> None:
        self._ticker.stop()
        self._clock.invalidate()


def field_label(protocol: Protocol, field: str | None) -> str:
    """The form's label of ``field`` (for "see Port Number"), or "" for a field the form lacks."""
    if not field:
        return ""
    if field == "oauth":  # the form's OAuth row, not a ServerSettings field
        from outmail_gui.ui.form.oauth_field import OAUTH_TEXT

        return OAUTH_TEXT
    try:
        return field_info(protocol, field).label
    except KeyError:
        return ""

"""Expiry marks in the window: a certificate (as Test all saw it) or an OAuth 2.0 client secret that
runs out within 21 days is marked beside the server's name and in Routing, with its date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.partitions.routing_view import RouteColumn
from outmail_gui.ui.shared.icons import StatusIcon, icon
from outmail_gui.ui.window.server_table_model import Column
from tests.support.smtp_servers import RunningSmtpServer, make_tls
from tests.ui.conftest import WindowFactory
from tests.ui.connection_helpers import plain_record
from tests.ui.helpers import click_toolbar

_TIP = Qt.ItemDataRole.ToolTipRole
_ICON = Qt.ItemDataRole.DecorationRole


def test_test_all_marks_a_certificate_that_expires_soon_in_the_list_and_routing(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    smtp_server: Callable[..., RunningSmtpServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    soon = make_tls(tmp_path / "soon", not_after=now + dt.timedelta(days=5, hours=1), not_before=now - dt.timedelta(1))
    later = make_tls(tmp_path / "later", ca=soon.ca, not_after=now + dt.timedelta(days=90), not_before=now)
    monkeypatch.setenv("SSL_CERT_FILE", str(soon.ca_file))  # the test CA as the system's, for the worker too
    expiring = repo.save(plain_record("Expiring", smtp_server(soon, mode="starttls").port, use_ssl=True))
    fine = repo.save(plain_record("Fine", smtp_server(later, mode="starttls").port, use_ssl=True, is_default=True))
    window = make_window()
    model = window.model
    name_cell = model.index(model.row_of(expiring.id), Column.NAME)
    assert name_cell.data(_TIP) is None  # never tested: nothing known yet

    with qtbot.waitSignal(window.testing.batch_finished, timeout=15000):
        click_toolbar(qtbot, window, "test_all")

    day = (now + dt.timedelta(days=5, hours=1)).date().isoformat()
    assert name_cell.data(_TIP) == (
        f"The server's certificate expires in 5 days ({day}): it must be renewed before then."
    )
    assert name_cell.data(_ICON).pixmap(16).toImage() == icon(StatusIcon.WARNING).pixmap(16).toImage()
    assert model.index(model.row_of(fine.id), Column.NAME).data(_TIP) is None

    routing = window.partition_features.view
    routing.refresh()
    (row,) = range(routing.model.rowCount())  # partitions off: the one "no partition" row
    problems = str(routing.model.index(row, RouteColumn.PROBLEMS).data())
    tooltip = str(routing.model.index(row, RouteColumn.PARTITION).data(_TIP))
    assert f"Warning: 'Expiring': The server's certificate expires in 5 days ({day})" in tooltip
    assert "(+" in problems  # several active servers, and the certificate


def test_a_client_secret_that_expires_soon_is_marked_with_its_date(
    make_window: WindowFactory, repo: ServerRepository
) -> None:
    server = repo.save(plain_record("Exchange Online", 587, use_ssl=True, is_default=True))
    expires = dt.date.today() + dt.timedelta(days=21)
    OAuthSettingsStore.of(repo).save(
        server.id,
        OAuthSettings(
            enabled=True,
            tenant="contoso.onmicrosoft.com",
            client_id="00000000-0000-0000-0000-000000000001",
            grant_type=GrantType.CLIENT_CREDENTIALS,
            mailbox="desk@contoso.com",
            client_secret_expires=expires,
        ),
    )
    window = make_window()
    cell = window.model.index(window.model.row_of(server.id), Column.NAME)
    assert (
        cell.data(_TIP)
        == f"The client secret expires in 21 days ({expires.isoformat()}): create a new one before then."
    )
    routing = window.partition_features.view
    assert f"The client secret expires in 21 days ({expires.isoformat()})" in str(
        routing.model.index(0, RouteColumn.PROBLEMS).data()
    )

"""Window geometry, splitter position, list columns and last selection, kept between runs.

Stored with QSettings in an INI file under the platformdirs config directory
(``outmail_gui.paths.config_dir()/window.ini``), never in the settings database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from outmail_gui.paths import config_dir

STATE_FILE = "window.ini"
_VERSION = 2  # 2: the tabbed details and fitted list columns (older layouts are not restored)


RECENT_STORES = 8


@dataclass(frozen=True, slots=True)
class RecentStore:
    """A shared store opened before: its URL (never with a password) and the login given apart."""

    url: str
    user: str = ""

    @property
    def label(self) -> str:
        return f"{self.url} (as {self.user})" if self.user else self.url


@dataclass(slots=True)
class WindowState:
    geometry: QByteArray | None = None
    splitter: QByteArray | None = None
    header: QByteArray | None = None
    sort: tuple[int, bool] | None = None  # the list's sort column and whether descending, as its header shows
    selected_id: str = ""
    filter_text: str = ""


class WindowStateStore:
    """Reads and writes :class:`WindowState`; ``path`` defaults to the user's config directory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / STATE_FILE)

    def _settings(self) -> QSettings:
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    def load(self) -> WindowState:
        if not self.path.exists():
            return WindowState()
        settings = self._settings()
        if settings.value("version", 0, int) != _VERSION:
            return WindowState()
        return WindowState(
            geometry=_bytes(settings.value("window/geometry")),
            splitter=_bytes(settings.value("window/splitter")),
            header=_bytes(settings.value("list/header")),
            sort=_sort(settings),
            selected_id=str(settings.value("list/selected_id", "") or ""),
        )

    def save(self, state: WindowState) -> None:
        settings = self._settings()
        settings.setValue("version", _VERSION)
        for key, value in (
            ("window/geometry", state.geometry),
            ("window/splitter", state.splitter),
            ("list/header", state.header),
        ):
            if value is not None:
                settings.setValue(key, value)
        if state.sort is not None:
            settings.setValue("list/sort_column", state.sort[0])
            settings.setValue("list/sort_descending", state.sort[1])
        settings.setValue("list/selected_id", state.selected_id)
        settings.sync()

    def recent_stores(self) -> list[RecentStore]:
        """The shared stores opened here, most recent first."""
        if not self.path.exists():
            return []
        settings = self._settings()
        found: list[RecentStore] = []
        for index in range(settings.beginReadArray("recent_stores")):
            settings.setArrayIndex(index)
            url = str(settings.value("url", "") or "")
            if url:
                found.append(RecentStore(url, str(settings.value("user", "") or "")))
        settings.endArray()
        return found

    def remember_store(self, store: RecentStore) -> None:
        """Put ``store`` first in the recent stores (its URL without any password)."""
        from outmail_gui.store.location import without_password

        kept = RecentStore(without_password(store.url), store.user.strip())
        stores = [kept, *(s for s in self.recent_stores() if s != kept)][:RECENT_STORES]
        settings = self._settings()
        settings.remove("recent_stores")
        settings.beginWriteArray("recent_stores", len(stores))
        for index, item in enumerate(stores):
            settings.setArrayIndex(index)
            settings.setValue("url", item.url)
            settings.setValue("user", item.user)
        settings.endArray()
        settings.sync()


def _sort(settings: QSettings) -> tuple[int, bool] | None:
    """The kept sort, read as plain values (Qt's sort order enum would create Qt's namespace at start)."""
    if not settings.contains("list/sort_column"):
        return None  # kept by an older version: the header's own state has it
    column = settings.value("list/sort_column", -1, int)
    descending = settings.value("list/sort_descending", False, bool)
    return (int(column), bool(descending)) if isinstance(column, int) else None


def _bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None

"""The window's actions: stable object names, shortcuts, icons and the menus/toolbar built from them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenuBar, QToolBar, QWhatsThis

from outmail_gui.ui.shared.icons import StatusIcon, icon
from outmail_gui.ui.shared.qt_values import ShortcutContext, ToolButtonStyle, set_qt_property, set_shortcut

_Key = QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class WindowActions:
    new_smtp_server: QAction
    new_mapi_server: QAction
    save: QAction
    close_details: QAction
    delete: QAction
    duplicate: QAction
    set_default: QAction
    mapi_mail_server: QAction
    changes: QAction
    copy_address: QAction
    revert: QAction
    import_servers: QAction
    export_servers: QAction
    find: QAction
    quit: QAction
    whats_this: QAction
    field_help: QAction
    about: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


def _action(
    window: QMainWindow,
    name: str,
    text: str,
    tip: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    status_icon: StatusIcon | None = None,
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut is not None:
        set_shortcut(action, QKeySequence(shortcut))
    if status_icon is not None:
        action.setIcon(icon(status_icon))
    window.addAction(action)
    return action


def _whats_this(window: QMainWindow) -> QAction:
    """Qt's own What's This? mode (Shift+F1, then click a field: its documentation text)."""
    action = QWhatsThis.createAction(window)
    action.setObjectName("whats_this")
    window.addAction(action)
    return action


def create_actions(window: QMainWindow) -> WindowActions:
    actions = WindowActions(
        new_smtp_server=_action(
            window, "new_smtp_server", "New &SMTP server", "Add an SMTP outgoing email server", "Ctrl+N", StatusIcon.NEW
        ),
        new_mapi_server=_action(
            window,
            "new_mapi_server",
            "New &MAPI server",
            "Add a MAPI outgoing email server (legacy)",
            None,
            StatusIcon.NEW,
        ),
        save=_action(window, "save", "&Save", "Save the displayed server", _Key.Save, StatusIcon.SAVE),
        close_details=_action(
            window, "close_details", "&Close details", "Close the displayed server's details", "Esc", StatusIcon.CLOSE
        ),
        delete=_action(window, "delete", "&Delete…", "Delete the selected server", None, StatusIcon.DELETE),
        duplicate=_action(
            window, "duplicate", "D&uplicate", "Add a copy of the selected server", "Ctrl+D", StatusIcon.DUPLICATE
        ),
        set_default=_action(
            window,
            "set_default",
            "Set as de&fault",
            "Make the selected server the Default Outgoing Email Server",
            None,
            StatusIcon.DEFAULT,
        ),
        mapi_mail_server=_action(
            window,
            "mapi_mail_server",
            "MAPI Mail Ser&ver…",
            "The host MAPI servers send through (needed before adding one)",
        ),
        changes=_action(
            window,
            "changes",
            "Chan&ges…",
            "Who changed the servers, when, from which workstation, and each field old -> new",
        ),
        copy_address=_action(
            window, "copy_address", "Copy server &address", "Copy the selected server's address", "Ctrl+Shift+C"
        ),
        revert=_action(window, "revert", "&Revert changes", "Put back the saved values of the displayed server", None),
        import_servers=_action(
            window, "import", "&Import…", "Import servers from an Outmail JSON file", "Ctrl+I", StatusIcon.IMPORT
        ),
        export_servers=_action(
            window, "export", "&Export…", "Export the servers to an Outmail JSON file", "Ctrl+E", StatusIcon.EXPORT
        ),
        find=_action(
            window, "find", "&Filter servers", "Filter the list by name, server or Outgoing Email ID", _Key.Find
        ),
        quit=_action(window, "quit", "&Quit", "Quit Outmail", _Key.Quit),
        whats_this=_whats_this(window),
        field_help=_action(
            window, "field_help", "&Help on this field", "What the field with the focus means (F1)", _Key.HelpContents
        ),
        about=_action(window, "about", "&About Outmail", "Version, licence and project links"),
    )
    # Delete only from the list, so the Delete key keeps deleting characters in text fields.
    set_qt_property(actions.delete, "shortcutContext", ShortcutContext.WIDGET_WITH_CHILDREN)
    set_shortcut(actions.delete, QKeySequence(_Key.Delete))
    if actions.quit.shortcut().isEmpty():
        set_shortcut(actions.quit, QKeySequence("Ctrl+Q"))
    return actions


def build_menus(menu_bar: QMenuBar, actions: WindowActions) -> None:
    file_menu = menu_bar.addMenu("&File")
    file_menu.setObjectName("file_menu")
    file_menu.addAction(actions.import_servers)
    file_menu.addAction(actions.export_servers)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = menu_bar.addMenu("&Edit")
    edit_menu.setObjectName("edit_menu")
    edit_menu.addAction(actions.revert)
    edit_menu.addSeparator()
    edit_menu.addAction(actions.copy_address)
    server_menu = menu_bar.addMenu("&Server")
    server_menu.setObjectName("server_menu")
    for action in (actions.new_smtp_server, actions.new_mapi_server, actions.mapi_mail_server):
        server_menu.addAction(action)
    server_menu.addSeparator()
    for action in (actions.save, actions.close_details, actions.duplicate, actions.delete, actions.set_default):
        server_menu.addAction(action)
    server_menu.addSeparator()
    server_menu.addAction(actions.changes)
    view_menu = menu_bar.addMenu("&View")
    view_menu.setObjectName("view_menu")
    view_menu.addAction(actions.find)


def build_help_menu(menu_bar: QMenuBar, actions: WindowActions) -> None:
    """Last in the menu bar (after the Test menu and the partitions' items)."""
    help_menu = menu_bar.addMenu("&Help")
    help_menu.setObjectName("help_menu")
    for action in (actions.field_help, actions.whats_this):
        help_menu.addAction(action)
    help_menu.addSeparator()
    help_menu.addAction(actions.about)


def build_toolbar(toolbar: QToolBar, actions: WindowActions) -> None:
    toolbar.setObjectName("main_toolbar")
    set_qt_property(toolbar, "toolButtonStyle", ToolButtonStyle.TEXT_BESIDE_ICON)
    groups = (
        (actions.new_smtp_server, actions.new_mapi_server),
        (actions.save, actions.close_details, actions.duplicate, actions.delete),
        (actions.import_servers, actions.export_servers),
    )
    for number, group in enumerate(groups):
        if number:
            toolbar.addSeparator()
        for action in group:
            toolbar.addAction(action)
            widget = toolbar.widgetForAction(action)
            if widget is not None:
                widget.setObjectName(f"toolbar_{action.objectName()}")

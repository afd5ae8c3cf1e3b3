"""The non-Qt modules the window needs at start-up, imported before PySide6 on purpose.

Once PySide6 is imported, its import hook reads the source of every module imported after
it (looking for ``from __feature__ import ...``): about 0.2 ms a module, ~10-15 ms for the
store and domain modules the window uses (the probe engine loads on the first test).
:mod:`outmail_gui.ui.window.launch` imports this module before any Qt module, so they load without
that toll. Importing it has no effect
beyond loading them; a module missing here is still imported where it is used.
"""

# ruff: noqa: F401

import outmail_gui.crash_log
import outmail_gui.domain.oauth
import outmail_gui.domain.partitions
import outmail_gui.domain.rules
import outmail_gui.domain.settings
import outmail_gui.editing.model
import outmail_gui.store.history
import outmail_gui.store.interface
import outmail_gui.store.location
import outmail_gui.store.oauth_settings
import outmail_gui.store.repository
import outmail_gui.store.routing_inputs
import outmail_gui.store.secrets
import outmail_gui.ui.connection_test.summary

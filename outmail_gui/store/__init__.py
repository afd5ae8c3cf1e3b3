"""Persistence: the SQLite repository, its migrations and backups, keyring secrets, import/export.

Never imports Qt; the window and the CLI share it.
"""

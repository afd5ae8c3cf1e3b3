"""Editing a server without Qt: the editing model the window's form shows, and its save workflow
(rules, store, keyring)."""

"""Editing a server without Qt: the save workflow the window's form goes through (rules, store, keyring)."""

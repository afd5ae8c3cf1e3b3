"""Dialogs and icons the whole window shares."""

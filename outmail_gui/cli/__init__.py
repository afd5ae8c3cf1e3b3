"""Headless commands over the same domain/store/probe; nothing on this path imports Qt."""

"""Helpers of ``scripts/render_screenshots.py``: demo data, loopback servers and the pictures."""

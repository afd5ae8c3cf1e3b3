"""Plain-Python settings model and rules; never imports Qt."""

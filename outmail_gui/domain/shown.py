"""Values quoted in messages: never more than a line's worth of someone's input.

A value pasted into the wrong place can be 120 KB long; a message repeats at most
:data:`MAX_SHOWN` characters of it, then an ellipsis, so every error stays one readable line.
"""

from __future__ import annotations

MAX_SHOWN = 80


def quoted(value: str, limit: int = MAX_SHOWN) -> str:
    """``value`` as Python quotes it (control characters escaped), cut to ``limit`` characters with "…"."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")

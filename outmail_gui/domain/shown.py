"""Values quoted in messages: never more than a line's worth of someone's input.

A value pasted into the wrong place can be 120 KB long; a message repeats at most
:data:`MAX_SHOWN` characters of it, then an ellipsis, so every error stays one readable line.
"""

from __future__ import annotations

MAX_SHOWN = 80


def quoted(value: str, limit: int = MAX_SHOWN) -> str:
    """``value`` as Python quotes it (control characters escaped), cut to ``limit`` characters with "…"."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def capped(text: str, limit: int = 2 * MAX_SHOWN) -> str:
    """A library's message, which may repeat the input, cut to ``limit`` characters with "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cap_quoted(message: str, limit: int = MAX_SHOWN) -> str:
    """``message`` with every quoted value longer than ``limit`` cut (a safety net for whole lines).

    A quote opens after a non-word character and closes before one, so the apostrophes of
    "server's" and "isn't" are left alone.
    """
    import re  # here: only an error line pays for it

    def cut(match: re.Match[str]) -> str:
        quote, inner = match.group(0)[0], match.group(0)[1:-1]
        return match.group(0) if len(inner) <= limit else f"{quote}{inner[: limit - 1]}…{quote}"

    return re.sub(r"(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")(?!\w)", cut, message)


def cap_words(message: str, limit: int = MAX_SHOWN) -> str:
    """``message`` with quoted values and bare words (argparse lists unrecognized arguments unquoted) capped."""
    words = cap_quoted(message, limit).split(" ")
    return " ".join(w if len(w) <= limit + 2 else w[: limit - 1] + "…" for w in words)  # + 2: quotes

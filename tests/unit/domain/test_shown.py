"""Values repeated in messages are capped at 80 characters with an ellipsis."""

from __future__ import annotations

import pytest

from outmail_gui.domain.addresses import address_problem, host_problem
from outmail_gui.domain.shown import cap_quoted, cap_words, quoted


def test_quoted_caps_long_values_and_escapes_controls() -> None:
    assert quoted("short") == "'short'"
    assert quoted("a\nb") == "'a\\nb'"
    assert quoted("y" * 200) == "'" + "y" * 79 + "…'"


def test_cap_quoted_cuts_only_long_quoted_values() -> None:
    line = f"The server's value 'ok' isn't {'z' * 100!r}, see \"{'q' * 90}\""
    assert cap_quoted(line) == f"The server's value 'ok' isn't '{'z' * 79}…', see \"{'q' * 79}…\""
    assert cap_words("unrecognized arguments: " + "w" * 200) == "unrecognized arguments: " + "w" * 79 + "…"


@pytest.mark.parametrize(
    "problem",
    [
        lambda: address_problem("a" * 120_000 + "@example.com"),
        lambda: address_problem("@" + "b" * 120_000),
        lambda: host_problem("1" * 60_000 + ".1.1.1"),
        lambda: host_problem("fe80::" + "g" * 120_000),
        lambda: host_problem("ex\u00e4mple-" + "c" * 120_000),
    ],
)
def test_address_and_host_problems_never_repeat_a_huge_value(problem: object) -> None:
    assert callable(problem)
    text = problem()
    assert text and len(text) < 400

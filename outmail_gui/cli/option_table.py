"""A command's options declared once, read by argparse and by a quick parser for plain command lines.

``outmail-gui probe`` is timed against swaks, and importing argparse (with gettext and locale)
and building its parser cost about 4 ms of a 50 ms run. The quick parser takes a command line
made only of the declared options, each spelt out in full with its value (``--port 25`` or
``--port=25``) and each at most once, and gives the same values argparse would. Anything else
(help, abbreviations, unknown words, a value that starts with ``-``, a missing or repeated
option, a value argparse would refuse) makes it return ``None``, and the command line goes to
argparse, so every message and exit status users see is still argparse's.
"""

from __future__ import annotations

from outmail_gui.domain.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: CLI start-up time
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from types import SimpleNamespace

    Arguments = argparse.Namespace | SimpleNamespace  # what a command's function is given


class Option(Record, frozen=True):
    """One ``--name`` option: a switch (``store_true``) or one value, converted by ``convert``.

    ``convert`` is argparse's ``type``; when it refuses a value, the quick parser leaves the
    command line to argparse, which calls it again and reports its message. Options sharing
    an ``exclusive`` group name are mutually exclusive.
    """

    flag: str
    help: str | None = None
    metavar: str | None = None
    dest: str | None = None
    default: object = None
    choices: tuple[str, ...] | None = None
    required: bool = False
    is_switch: bool = False  # store_true
    convert: Callable[[str], object] | None = None
    exclusive: str | None = None

    @property
    def name(self) -> str:
        return self.dest or self.flag.removeprefix("--").replace("-", "_")

    @property
    def initial(self) -> object:
        return False if self.is_switch and self.default is None else self.default


def add_options(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Adds ``options`` to an argparse parser, in order (help lists them as declared)."""
    groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for option in options:
        target: argparse._ActionsContainer = parser
        if option.exclusive is not None:
            if option.exclusive not in groups:
                groups[option.exclusive] = parser.add_mutually_exclusive_group()
            target = groups[option.exclusive]
        settings: dict[str, object] = {"help": option.help}
        if option.dest is not None:
            settings["dest"] = option.dest
        if option.is_switch:
            settings["action"] = "store_true"
        else:
            settings.update(metavar=option.metavar, default=option.default)
            if option.choices is not None:
                settings["choices"] = option.choices
            if option.required:
                settings["required"] = True
            if option.convert is not None:
                settings["type"] = option.convert
        target.add_argument(option.flag, **settings)  # type: ignore[arg-type]


def quick_parse(options: Sequence[Option], words: Sequence[str]) -> dict[str, object] | None:
    """The values argparse would give for ``words`` (the command's own words), or ``None``."""
    by_flag = {option.flag: option for option in options}
    given: dict[str, object] = {}
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        flag, has_value, value = word.partition("=")
        option = by_flag.get(flag)
        if option is None or option.name in given:
            return None
        if option.is_switch:
            if has_value:
                return None
            given[option.name] = True
            continue
        if not has_value:
            if position == len(words) or words[position].startswith("-"):
                return None
            value = words[position]
            position += 1
        if option.choices is not None and value not in option.choices:
            return None
        if option.convert is not None:
            try:
                given[option.name] = option.convert(value)
            except Exception:  # argparse will say what is wrong with it
                return None
        else:
            given[option.name] = value
    exclusive = [option.exclusive for option in options if option.exclusive and option.name in given]
    if len(exclusive) != len(set(exclusive)):
        return None
    if any(option.required and option.name not in given for option in options):
        return None
    return {option.name: given.get(option.name, option.initial) for option in options}

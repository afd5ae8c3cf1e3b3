"""Exit codes and the errors every command reports as one line (no argparse: start-up time)."""

from __future__ import annotations

from outmail_gui.domain.shown import cap_quoted, quoted

EXIT_OK = 0
EXIT_FAILED = 1  # the action could not be done (conflict, not found, keyring, failed test)
EXIT_USAGE = 2  # bad usage or invalid values
EXIT_INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT, as shells report a process the signal ended
MAX_DIGITS = 9  # every number an option takes (ports, seconds) fits; Python's own limit is 4300


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        message = cap_quoted(message)  # a value pasted by mistake may be 120 KB: never echo it all
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def whole_number_problem(text: str) -> str | None:
    """Why ``text`` is not a whole number an option takes, in our words (never Python's), or ``None``."""
    digits = text.strip().removeprefix("-").removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        return f"{quoted(text)} is not a whole number"
    if len(digits.lstrip("0")) > MAX_DIGITS:
        return f"{quoted(text)} has too many digits (at most {MAX_DIGITS})"
    return None


def server_not_found(name: str) -> CommandError:
    """The one wording for a server name that matches no saved server (exit 1)."""
    return CommandError(f"there is no server named {quoted(name.strip())} (see: outmail-gui servers list)")

"""Exit codes and the errors every command reports as one line (no argparse: start-up time)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the action could not be done (conflict, not found, keyring, failed test)
EXIT_USAGE = 2  # bad usage or invalid values


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit code; never a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def server_not_found(name: str) -> CommandError:
    """The one wording for a server name that matches no saved server (exit 1)."""
    return CommandError(f"there is no server named {name.strip()!r} (see: outmail-gui servers list)")

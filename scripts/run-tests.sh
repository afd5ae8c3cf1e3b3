#!/usr/bin/env bash
# Sets up (Debian packages, .venv) and runs the whole suite: lint, types, the Qt-free
# contract, and pytest -- inside a private D-Bus session with an unlocked GNOME Keyring, so
# the keyring tests talk to a real Secret Service and never to the user's own keyring.
# Extra arguments go to pytest, e.g. scripts/run-tests.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
exec dbus-run-session -- scripts/in-test-session.sh "$@"

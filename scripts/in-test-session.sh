#!/usr/bin/env bash
# Runs inside dbus-run-session (see run-tests.sh): a throw-away HOME and runtime directory,
# a GNOME Keyring unlocked with a known password, then the checks and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d /tmp/outmail-tests.XXXXXX)
trap 'pkill -u "$(id -u)" -f "gnome-keyring-daemon.*$scratch" 2>/dev/null || true; rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
# The unlock password must not be empty, or creating the login collection fails headless.
printf '%s' outmail-test-keyring | gnome-keyring-daemon --unlock --components=secrets \
  --control-directory="$scratch/keyring" >/dev/null
export OUTMAIL_TEST_SECRET_SERVICE=1  # the keyring tests fail, not skip, without the Secret Service
export OUTMAIL_TEST_MTA=1  # the Postfix/Dovecot tests fail, not skip, without them (or without root)

venv=.venv/bin
echo "== ruff"; "$venv/ruff" check . && "$venv/ruff" format --check .
echo "== mypy"; "$venv/mypy"
echo "== import contracts"; "$venv/lint-imports"
echo "== pytest"
# Coverage of the package by the tests run in this process (commands the tests start as child
# processes are not counted); the total is the last line of the table.
"$venv/python" -m pytest --cov --cov-report=term "$@"

#!/usr/bin/env bash
# Sets up (Debian packages, .venv) and starts the Outmail window. Options pass through,
# e.g. scripts/run-app.sh --data-dir /tmp/outmail  or  scripts/run-app.sh servers list
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
exec .venv/bin/outmail-gui "$@"

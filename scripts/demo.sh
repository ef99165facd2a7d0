#!/usr/bin/env bash
# Installs the hub into ./.venv and runs it on its embedded default: SQLite in ./var, the
# demo shop, the worker inside the server, mail written as .eml files. Extra arguments go
# to `feedback-hub serve` (for example --port 8001).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
python -m pip install -q -e .
exec feedback-hub serve --demo "$@"

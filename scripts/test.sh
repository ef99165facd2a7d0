#!/usr/bin/env bash
# Installs what the tests need and runs them. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
python -m pip install -q -e ".[dev]"
if [ ! -x /usr/bin/chromium ]; then
  # Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  fi
fi
if [ ! -x /usr/sbin/dovecot ]; then
  # The support-mailbox tests read a real IMAP server: Debian's Dovecot, started by the tests.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq dovecot-imapd >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq dovecot-imapd >/dev/null
  fi
fi
if [ -f package.json ]; then npm ci --no-audit --no-fund; fi
# One test process per core (pytest-xdist); each has its own template databases,
# Dovecot and Chromium. `-n 0` as an argument runs them in this process.
python -m pytest -n auto "$@"

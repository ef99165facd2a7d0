# Sourced by scripts/demo.sh and scripts/test.sh: use the active virtual environment, or make
# ./.venv and activate it. Stock Debian and Ubuntu refuse a bare `pip install` into the
# system Python (PEP 668), and may lack the venv module until python3-venv is installed.
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
      $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
    fi
    rm -rf .venv
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi

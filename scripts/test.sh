#!/usr/bin/env bash
# Set up a fresh virtual environment with the test extra (real Keras + JAX on the CPU: the
# oracle) and run the whole test suite.  Used by the README and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"

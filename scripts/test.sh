#!/usr/bin/env bash
# Set up a fresh virtual environment with the dev extra (the test extra: real Keras + JAX on the
# CPU, the oracle; plus ruff and mypy) and run the whole test suite.  Used by the README and by CI
# (.ci/run), which sets SHAPELENS_LINT=1 to run scripts/lint.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
if [ "${SHAPELENS_LINT:-0}" = 1 ]; then PYTHON=.venv/bin/python bash scripts/lint.sh; fi
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Lint and type-check (configured in pyproject.toml): ruff (pyflakes, pycodestyle, import order)
# and mypy (strict on the engine).  Run by CI (.ci/run) before the tests, and by pre-commit.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
"$PYTHON" -m ruff check .
"$PYTHON" -m mypy

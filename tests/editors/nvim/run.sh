#!/usr/bin/env bash
# Runs the Neovim real-editor test (test.lua) headless, with only init.lua as configuration, the
# project venv's `shapelens` and `nvim` first on PATH, and HOME/XDG dirs in a temporary folder.
# Everything it starts runs in one process group, which is ended afterwards.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="${SHAPELENS_VENV:-$repo/.venv}"
nvim="${NVIM:-$venv/bin/nvim}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/shapelens-nvim-XXXXXX")"
pgid=""
cleanup() {
  if [ -n "$pgid" ]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export SHAPELENS_REPO="$repo"
export PATH="$venv/bin:$PATH"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
  XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache" TMPDIR="$tmp"
unset XDG_CONFIG_DIRS XDG_DATA_DIRS VIMINIT NVIM_APPNAME NVIM
mkdir -p "$HOME"

"$nvim" --version | head -1
# setsid: nvim and the language server it starts get their own process group ($pgid)
setsid timeout --kill-after=10 300 "$nvim" --clean --headless -i NONE \
  -u "$here/init.lua" -c "luafile $here/test.lua" </dev/null &
pgid=$!
wait "$pgid"
status=$?
kill -TERM -- "-$pgid" 2>/dev/null || true   # anything left of the group (normally nothing)
pgid=""
exit "$status"

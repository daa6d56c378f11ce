#!/bin/sh
# CTest entry for the editor grammar's scope tests: installs the two npm packages
# from the lockfile into WORK (a build directory, so the source tree stays clean)
# and runs scopes.test.js. Exit 77 (CTest: skipped) only when node or npm is absent.
# Usage: run-tests.sh REPO WORK [--update]
set -eu
repo=$1
work=$2
shift 2
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not installed: grammar scope tests skipped"
  exit 77
fi
here="$repo/editors/vscode/test"
mkdir -p "$work"
# Reinstall only when the lockfile changed.
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
fi
NODE_PATH="$work/node_modules" exec node "$here/scopes.test.js" --root "$repo" "$@"

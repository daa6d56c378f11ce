#!/bin/sh
# Builds the installable extension kuan.vsix from editors/vscode with npm
# packages only: the lockfile's vscode-languageclient (shipped inside the .vsix)
# and @vscode/vsce (the packager). The source folder stays clean: everything
# happens in WORK. After the first `npm ci` (cached in WORK while the lockfile
# is unchanged) it runs offline.
# Usage: build-vsix.sh WORK [OUT.vsix]     then: code --install-extension OUT.vsix
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
out=${2:-$work/kuan.vsix}
mkdir -p "$work/extension"
ext="$work/extension"
# The extension's files (what .vscodeignore does not leave out is packaged).
for f in package.json package-lock.json extension.js language-configuration.json README.md .vscodeignore; do
  cp "$here/$f" "$ext/"
done
rm -rf "$ext/syntaxes" "$ext/snippets"
cp -R "$here/syntaxes" "$here/snippets" "$ext/"
if ! cmp -s "$here/package-lock.json" "$work/installed-lock.json" || [ ! -d "$ext/node_modules" ]; then
  (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$work/installed-lock.json"
fi
case $out in /*) ;; *) out="$PWD/$out" ;; esac
(cd "$ext" && ./node_modules/.bin/vsce package --no-update-package-json --skip-license --allow-missing-repository \
   --out "$out")
echo "built $out"

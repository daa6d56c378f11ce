#!/bin/sh
# Builds the kuan wheel offline from the CMake build: python/build-wheel.sh OUTDIR
# (KUAN_BUILD_DIR: the build folder, default build/; PYTHON: the interpreter the
# extension is for, default /usr/bin/python3 as CMake prefers). Then:
#   python3 -m venv env && env/bin/pip install --no-index OUTDIR/kuan-*.whl
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${KUAN_BUILD_DIR:-$root/build}
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3
cmake --build "$build" --target _kuan -j2 >/dev/null
exec "$python" "$here/build_wheel.py" --build "$build" --out "$1"

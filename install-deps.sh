#!/usr/bin/env bash
# Installs the Debian packages Kuan builds with (as root, or through sudo).
set -euo pipefail
packages=(g++ cmake make python3 tao-pegtl-dev libboost-dev catch2 nlohmann-json3-dev
          libedit-dev libbenchmark-dev pkg-config libutf8proc-dev libsimdjson-dev
          libfmt-dev                  # {fmt}: messages, diagnostics and text output (header-only use)
          chromium fonts-noto-cjk     # render the HTML report and kuan serve's page in their tests (Chinese glyphs, not boxes)
          wrk                         # tools/bench/serve_bench.py: kuan serve under load
          curl                        # the README's kuan serve examples
          zsh fish groff-base         # cli_habits: completion scripts parsed (zsh) and run (fish), the man page rendered (groff)
          clang libclang-rt-14-dev    # clang + its fuzzer/sanitizer runtimes: tests/fuzz (libFuzzer)
          pybind11-dev python3-dev python3-pybind11 python3-pytest python3-dask python3-distributed
          python3-pandas python3-openpyxl python3-venv)  # python/ (pandas, Excel in its example, the wheel test's venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Node.js and npm run the editor grammar's tests (editors/vscode/test). A machine
# that already has a Node.js (possibly not Debian's) keeps it: Debian's npm would
# conflict with another distribution's nodejs.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nodejs npm
fi

#!/usr/bin/env bash
# Installs the Debian packages Kuan builds with (as root, or through sudo).
set -euo pipefail
packages=(g++ cmake make python3 tao-pegtl-dev libfmt-dev libboost-dev catch2 nlohmann-json3-dev
          libedit-dev libbenchmark-dev pkg-config
          clang libclang-rt-14-dev)  # clang + its fuzzer/sanitizer runtimes: tests/fuzz (libFuzzer)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"

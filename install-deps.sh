#!/usr/bin/env bash
# Installs the Debian packages Kuan builds with (as root, or through sudo).
set -euo pipefail
packages=(g++ cmake make python3 tao-pegtl-dev libfmt-dev libboost-dev catch2 nlohmann-json3-dev
          libedit-dev libbenchmark-dev pkg-config
          pybind11-dev python3-dev python3-pybind11 python3-pytest python3-dask python3-distributed)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"

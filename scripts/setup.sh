#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test
# quotalevy, then configures and builds it in build/.  Safe to run again:
# it installs only missing packages and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc pkg-config meson ninja-build libyaml-dev libcmocka-dev
          swig python3 python3-dev python3-pytest valgrind
          python3-numpy python3-pandas python3-dask python3-distributed mypy
          python3-yaml
          openjdk-17-jdk-headless junit5 lua5.4 liblua5.4-dev
          postgresql-15 postgresql-server-dev-15
          abigail-tools binutils strace clang-format time)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

# The bindings are required, not found-if-present: a machine without
# their packages fails here rather than leaving their tests out (the
# Python binding's tests are pandas', numpy's and Dask's too; the PostgreSQL
# extension's need a real server).
if [ ! -f build/build.ninja ]; then
  meson setup build -Dpython=enabled -Djava=enabled -Dlua=enabled -Dpostgresql=enabled >/dev/null
else
  meson configure build -Dpython=enabled -Djava=enabled -Dlua=enabled -Dpostgresql=enabled >/dev/null
fi
ninja -C build >/dev/null

#!/usr/bin/env bash
# Writes the ABI baseline, tests/abi/libquotalevy.abi, from the shared
# library in build/ (abidw, from abigail-tools).  The suite's abi_compat
# test compares every build against it and fails when a public function
# or a public struct changed or went away; adding functions passes.
# Run this only for a deliberate ABI change — and then raise the
# soversion in meson.build if the change is incompatible.
set -euo pipefail
cd "$(dirname "$0")/.."
ninja -C build >/dev/null
abidw --headers-dir include --no-corpus-path \
  build/libquotalevy.so > tests/abi/libquotalevy.abi
echo "wrote tests/abi/libquotalevy.abi"

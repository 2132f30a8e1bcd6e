#!/usr/bin/env bash
# run_compare.sh PROGRAM ARG… EXPECTED — runs PROGRAM with the arguments
# and fails unless its standard output equals the EXPECTED file.
set -euo pipefail
expected="${@: -1}"
args=("${@:1:$#-1}")
actual=$("${args[@]}")
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "output differs from $expected" >&2
  exit 1
fi

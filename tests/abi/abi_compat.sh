#!/usr/bin/env bash
# abi_compat.sh BASELINE SHARED_LIB HEADERS_DIR — the shared library's ABI
# against the baseline kept in the repository (scripts/abi-baseline.sh
# writes it).  Fails when a public function was removed or changed, or a
# public struct or enum changed (size, members, types): the accidental
# breaks a program linked against an earlier build would meet.  Added
# functions pass, and so does a versioned struct grown at its end
# (versioned.suppr).  The opaque handles' insides (struct ql_ruleset, …) are
# not public and are not compared.
set -uo pipefail
baseline=$1 lib=$2 headers=$3
abidiff --no-added-syms --suppressions "$(dirname "$0")/versioned.suppr" \
  --headers-dir2 "$headers" "$baseline" "$lib"
rc=$?
if [ $rc -ne 0 ]; then
  echo "abi_compat: the ABI differs from $baseline (abidiff exit $rc)." >&2
  echo "If the change is deliberate, run scripts/abi-baseline.sh and raise" >&2
  echo "the soversion for an incompatible change." >&2
  exit 1
fi
echo "abi_compat: no ABI change against the baseline"
